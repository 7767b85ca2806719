package io.kyoto.web.route;

/**
 * The limits a streamed {@code multipart/form-data} body is read within ({@link MultipartStream},
 * {@link Filters#multipartStream(MultipartLimits)}): hyper-multer's {@code Constraints}, axum's
 * {@code DefaultBodyLimit} for one form.
 *
 * <p>A body that breaks one is rejected as soon as the parser sees it, before the rest is read:
 *
 * <table class="striped">
 *   <caption>Rejections</caption>
 *   <tr><th>limit</th><th>default</th><th>status</th></tr>
 *   <tr><td>{@link #maxHeaderBytes}: one part's header section</td>
 *       <td>{@value Multipart#MAX_PART_HEAD} bytes</td><td>400</td></tr>
 *   <tr><td>{@link #maxParts}: parts in the form</td><td>{@value Multipart#MAX_PARTS}</td>
 *       <td>400</td></tr>
 *   <tr><td>{@link #maxPartBytes}: one part's data</td><td>none</td><td>413</td></tr>
 *   <tr><td>{@link #maxTotalBytes}: the whole body, preamble and epilogue included</td>
 *       <td>none</td><td>413</td></tr>
 * </table>
 *
 * <p>The server's own body limit ({@code HttpServer.Builder.maxBodyBytes}, 10 MiB by default) still
 * applies beneath these: raise it for large uploads, and bound each form here.
 *
 * {@snippet :
 * MultipartLimits limits = MultipartLimits.defaults().maxParts(4).maxPartBytes(1L << 30);
 * }
 *
 * @param maxHeaderBytes the largest header section of one part, in bytes, at least 1
 * @param maxParts the most parts a form may have, not negative
 * @param maxPartBytes the largest data of one part, in bytes, not negative
 * @param maxTotalBytes the largest body, in bytes, not negative
 */
public record MultipartLimits(
    int maxHeaderBytes, int maxParts, long maxPartBytes, long maxTotalBytes) {
  /** The largest {@link #maxHeaderBytes} accepted: 1 MiB. */
  public static final int HEADER_BYTES_CEILING = 1 << 20;

  private static final MultipartLimits DEFAULTS =
      new MultipartLimits(
          Multipart.MAX_PART_HEAD, Multipart.MAX_PARTS, Long.MAX_VALUE, Long.MAX_VALUE);

  /**
   * Checks the limits.
   *
   * @throws IllegalArgumentException if {@code maxHeaderBytes} is not between 1 and {@value
   *     #HEADER_BYTES_CEILING}, or another limit is negative
   */
  public MultipartLimits {
    if (maxHeaderBytes < 1 || maxHeaderBytes > HEADER_BYTES_CEILING) {
      throw new IllegalArgumentException("maxHeaderBytes out of 1.." + HEADER_BYTES_CEILING);
    }
    if (maxParts < 0) throw new IllegalArgumentException("maxParts < 0: " + maxParts);
    if (maxPartBytes < 0) throw new IllegalArgumentException("maxPartBytes < 0: " + maxPartBytes);
    if (maxTotalBytes < 0) {
      throw new IllegalArgumentException("maxTotalBytes < 0: " + maxTotalBytes);
    }
  }

  /**
   * {@return the defaults: part headers of {@value Multipart#MAX_PART_HEAD} bytes, {@value
   * Multipart#MAX_PARTS} parts, no size limit of its own (the server's body limit applies)}
   */
  public static MultipartLimits defaults() {
    return DEFAULTS;
  }

  /**
   * {@return these limits with another header section limit}
   *
   * @param bytes the largest header section of one part
   */
  public MultipartLimits maxHeaderBytes(int bytes) {
    return new MultipartLimits(bytes, maxParts, maxPartBytes, maxTotalBytes);
  }

  /**
   * {@return these limits with another part count limit}
   *
   * @param count the most parts
   */
  public MultipartLimits maxParts(int count) {
    return new MultipartLimits(maxHeaderBytes, count, maxPartBytes, maxTotalBytes);
  }

  /**
   * {@return these limits with another limit for one part's data}
   *
   * @param bytes the largest part
   */
  public MultipartLimits maxPartBytes(long bytes) {
    return new MultipartLimits(maxHeaderBytes, maxParts, bytes, maxTotalBytes);
  }

  /**
   * {@return these limits with another limit for the whole body}
   *
   * @param bytes the largest body
   */
  public MultipartLimits maxTotalBytes(long bytes) {
    return new MultipartLimits(maxHeaderBytes, maxParts, maxPartBytes, bytes);
  }
}
