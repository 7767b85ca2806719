package io.kyoto.web.internal.h1;

/**
 * Size limits of the HTTP/1 codec. Every limit is enforced as soon as the bytes present exceed it:
 * the parsers never wait for more data once a limit is passed.
 *
 * @param maxRequestLineBytes longest request line (or status line), CRLF excluded; over it a
 *     request is answered 414
 * @param maxHeaderBytes longest header section (field lines with their CRLFs, the final empty line
 *     excluded); over it 431
 * @param maxHeaders most field lines in a head; over it 431
 * @param maxChunkLineBytes longest chunk-size line (size and extensions, CRLF excluded); over it
 *     400
 * @param maxTrailerBytes longest trailer section of a chunked body (final CRLF excluded); over it
 *     431
 */
public record H1Limits(
    int maxRequestLineBytes,
    int maxHeaderBytes,
    int maxHeaders,
    int maxChunkLineBytes,
    int maxTrailerBytes) {

  /** 8 KiB request line, 64 KiB header section, 100 fields, 1 KiB chunk line, 16 KiB trailers. */
  public static final H1Limits DEFAULT = new H1Limits(8192, 65536, 100, 1024, 16384);

  /**
   * Checks the limits.
   *
   * @throws IllegalArgumentException if a limit is out of range
   */
  public H1Limits {
    if (maxRequestLineBytes < 16) {
      throw new IllegalArgumentException(
          "maxRequestLineBytes must be >= 16: " + maxRequestLineBytes);
    }
    if (maxHeaderBytes < 0) {
      throw new IllegalArgumentException("maxHeaderBytes must be >= 0: " + maxHeaderBytes);
    }
    if (maxHeaders < 0) {
      throw new IllegalArgumentException("maxHeaders must be >= 0: " + maxHeaders);
    }
    if (maxChunkLineBytes < 1) {
      throw new IllegalArgumentException("maxChunkLineBytes must be >= 1: " + maxChunkLineBytes);
    }
    if (maxTrailerBytes < 0) {
      throw new IllegalArgumentException("maxTrailerBytes must be >= 0: " + maxTrailerBytes);
    }
    // Keep index arithmetic (position + limit + 2) far from int overflow.
    if (maxRequestLineBytes > (1 << 28)
        || maxHeaderBytes > (1 << 28)
        || maxChunkLineBytes > (1 << 28)
        || maxTrailerBytes > (1 << 28)) {
      throw new IllegalArgumentException("a byte limit is over 256 MiB");
    }
  }
}
