package io.kyoto.web.route;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Handle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.fs.File;
import io.kyoto.runtime.io.Io;
import io.kyoto.runtime.stream.Stream;
import io.kyoto.web.Headers;
import io.kyoto.web.Request;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * A {@code multipart/form-data} body (RFC 7578) read as it arrives: a stream of {@link Part}s, each
 * with its header fields and its data as a stream of chunks, in bounded memory. warp's {@code
 * multipart::form()}, axum's {@code Multipart} ({@code next_field}, then the field's {@code
 * chunk}). {@link Filters#multipartStream()} or {@link #from} makes one from a request; {@link
 * Multipart} is the same parse held whole in memory.
 *
 * {@snippet :
 * Router.create()
 *     .post("/upload", Filters.multipartStream())
 *     .handleAsync((req, form) -> form
 *         .forEachAsync(part -> part.isFile()
 *             ? part.writeTo(uploads.resolve(UUID.randomUUID().toString())).discard()
 *             : part.skip())
 *         .map(v -> Response.text("stored")))
 * }
 *
 * <h2>Order</h2>
 *
 * <p>Parts come one after the other, as the body does: the next part is there once the data of the
 * one before has been read to its end or skipped. Polling this stream for the next part skips what
 * is left of the current part's data (axum does the same); if any of it was skipped, that part's
 * stream then fails with {@link IllegalStateException}, and if none was (its data was read to the
 * last byte), it ends. {@link Part#cancel()} only gives a part up: its data is skipped when the
 * next part is asked for.
 *
 * <h2>Memory</h2>
 *
 * <p>The parser copies the body into a window of about 64 KiB, allocated once (more if {@link
 * MultipartLimits#maxHeaderBytes} asks for it), and hands data out as views of it: a chunk is valid
 * until the next poll of the form or of any of its parts, as a {@link io.kyoto.web.Body}'s is until
 * the body's next poll; copy what you keep. Besides the window, only the body's current chunk is
 * held.
 *
 * <h2>Failures</h2>
 *
 * <p>A malformed body or a broken {@linkplain MultipartLimits limit} fails the poll that finds it
 * with a {@link Rejection} (400 or 413; see {@link Multipart} for what is malformed), as does a
 * body over the server's limit (its 413) or a broken connection (its I/O error). Every later poll
 * of this stream or its parts throws the same failure. A route handler that lets the rejection
 * through answers with its status.
 *
 * <p><b>Cancel safety:</b> polling this stream and its parts is cancel safe: the parser keeps no
 * waker and changes state only as bytes are consumed, so a {@code next()} that loses a {@code
 * select} loses nothing and, through {@link #withdrawNext}, leaves no waker at the body. {@link
 * #cancel()} cancels the body: the rest is discarded.
 *
 * <p><b>Thread safety:</b> not thread safe; the form and its parts belong to one task.
 */
public final class MultipartStream implements Stream<MultipartStream.Part> {
  private static final int PENDING = -1;

  private final Stream<ByteBuffer> body;
  private final MultipartParser parser;
  private final long maxTotal;
  private ByteBuffer chunk; // the body's current chunk, valid until the body is polled again
  private boolean bodyEnded;
  private long bytesRead;
  private int peakHeld;
  private Part current;
  private Exception failure;
  private boolean cancelled;

  private MultipartStream(Stream<ByteBuffer> body, MultipartParser parser, long maxTotal) {
    this.body = body;
    this.parser = parser;
    this.maxTotal = maxTotal;
  }

  /**
   * {@return a form read from {@code body}}
   *
   * @param boundary the boundary from the {@code Content-Type}, 1 to 70 characters
   * @param body the body's chunks, owned by the form from now on
   * @param limits the limits
   * @throws IllegalArgumentException if the boundary is empty or longer than 70 characters
   */
  public static MultipartStream of(
      String boundary, Stream<ByteBuffer> body, MultipartLimits limits) {
    Objects.requireNonNull(boundary, "boundary");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(limits, "limits");
    return new MultipartStream(body, new MultipartParser(boundary, limits), limits.maxTotalBytes());
  }

  /**
   * {@return the form of {@code request}'s body, read as it arrives} What {@link
   * Filters#multipartStream(MultipartLimits)} extracts, for a handler that decides itself when to
   * read a form.
   *
   * @param request the request; its body is owned by the form from now on
   * @param limits the limits
   * @throws Rejection 415 when the request is not {@code multipart/form-data}, 400 when it has no
   *     valid boundary or an invalid {@code Content-Length}, 413 when its {@code Content-Length} is
   *     over {@link MultipartLimits#maxTotalBytes}
   */
  public static MultipartStream from(Request request, MultipartLimits limits) throws Rejection {
    Objects.requireNonNull(limits, "limits");
    String boundary = Filters.multipartBoundary(request);
    String declared = request.header("content-length");
    if (declared != null) {
      long length;
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        throw Rejection.badRequest("invalid Content-Length");
      }
      if (length > limits.maxTotalBytes()) throw tooLarge(limits.maxTotalBytes());
    }
    return of(boundary, request.body(), limits);
  }

  private static Rejection tooLarge(long maxTotal) {
    return Rejection.payloadTooLarge(
        "multipart body larger than the limit of " + maxTotal + " bytes");
  }

  /** Tests: a form with a window of at least {@code window} bytes. */
  static MultipartStream of(
      String boundary, Stream<ByteBuffer> body, MultipartLimits limits, int window) {
    return new MultipartStream(
        body, new MultipartParser(boundary, limits, window), limits.maxTotalBytes());
  }

  /**
   * Polls for the next part, skipping what is left of the current one's data.
   *
   * @param cx the polling task's context
   * @return the next part, pending, or the end once the closing boundary and the body's end were
   *     read
   * @throws Exception a {@link Rejection} for a malformed body or a broken limit; the body's
   *     failure
   */
  @Override
  public Poll<Part> pollNext(Context cx) throws Exception {
    while (current != null && !current.ended) {
      int event = pump(cx);
      if (event == PENDING) return Poll.pending();
      if (event == MultipartParser.PART_END) {
        current.ended = true; // a part read to its last byte ends whole
      } else {
        current.skipped = true; // some of its data is discarded: its stream must not end quietly
      }
    }
    int event = pump(cx);
    if (event == PENDING) return Poll.pending();
    if (event == MultipartParser.DONE) return Stream.end();
    assert event == MultipartParser.HEAD : event;
    current = new Part(parser.head());
    return Poll.ready(current);
  }

  /** Cancels the body: the rest of the form is discarded. Idempotent. */
  @Override
  public void cancel() {
    if (cancelled) return;
    cancelled = true;
    body.cancel();
  }

  /**
   * Withdraws the wake-up a pending poll (of this stream or a part) arranged at the body.
   *
   * @param waker the waker of the cancelled borrower's last pending poll
   */
  @Override
  public void withdrawNext(Waker waker) {
    body.withdrawNext(waker);
  }

  /** {@return how many bytes of the body have been read so far} */
  public long bytesRead() {
    return bytesRead;
  }

  /** {@return the parser's window in bytes: what it holds at most, besides the body's chunk} */
  int window() {
    return parser.window();
  }

  /** {@return the most bytes the parser has held at once} */
  int peakHeld() {
    return peakHeld;
  }

  /** Runs the parser until it has an event, feeding it from the body. */
  private int pump(Context cx) throws Exception {
    if (failure != null) throw failure;
    if (cancelled) throw new IllegalStateException("the form was cancelled");
    try {
      while (true) {
        int event = parser.advance();
        peakHeld = Math.max(peakHeld, parser.buffered());
        if (event != MultipartParser.NEED_INPUT) return event;
        if (chunk != null && chunk.hasRemaining()) {
          if (parser.offer(chunk) == 0) throw new IllegalStateException("the window is full");
        } else if (bodyEnded) {
          parser.endOfInput();
        } else {
          Poll<ByteBuffer> p = body.pollNext(cx);
          if (p.isPending()) return PENDING;
          if (Stream.isEnd(p)) {
            bodyEnded = true;
            chunk = null;
          } else {
            chunk = p.value();
            bytesRead += chunk.remaining();
            if (bytesRead > maxTotal) {
              throw tooLarge(maxTotal);
            }
          }
        }
      }
    } catch (Exception e) {
      failure = e;
      throw e;
    }
  }

  /**
   * Removes the file of a cancelled {@link Part#writeTo} on the blocking pool; with the runtime
   * shutting down (the pool refuses jobs), at once on this thread. Best effort: a file that cannot
   * be removed is left, as there is nobody to tell.
   */
  private static void removeAfterCancel(Handle handle, Path path) {
    try {
      handle.spawnBlocking(() -> Files.deleteIfExists(path));
    } catch (RuntimeException refused) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException | RuntimeException e) {
        // best effort: see above
      }
    }
  }

  /**
   * One part of a streamed form: its header fields, and its data as a {@link Stream} of chunks.
   * Each chunk is valid until the next poll of this part or of the form; the stream ends where the
   * part does.
   *
   * <p><b>Cancel safety:</b> as the form's: polling is cancel safe; {@link #cancel()} gives the
   * part up without touching the body (the rest of its data is skipped when the next part is asked
   * for). {@link #writeTo} is not: cancelled, it removes its file.
   *
   * <p><b>Thread safety:</b> not thread safe; it belongs to the form's task.
   */
  public final class Part implements Stream<ByteBuffer> {
    private final MultipartParser.Head head;
    private boolean ended;
    private boolean skipped; // the form moved on before this part's data was read to its end
    private long size;

    private Part(MultipartParser.Head head) {
      this.head = head;
    }

    /** {@return the form field's name (decoded as UTF-8)} */
    public String name() {
      return head.name();
    }

    /**
     * {@return the file name the client gave (decoded as UTF-8; never a path to trust), or null}
     */
    public String filename() {
      return head.filename();
    }

    /** {@return the part's {@code Content-Type}; {@code text/plain} when absent (RFC 7578)} */
    public String contentType() {
      return head.contentType();
    }

    /**
     * {@return all of the part's header fields, names in lower case, values one char per byte
     * (ISO-8859-1)}
     */
    public Headers headers() {
      return head.headers();
    }

    /** {@return whether this part is a file (it has a file name)} */
    public boolean isFile() {
      return head.filename() != null;
    }

    /** {@return how many bytes of data this part has handed out so far} */
    public long size() {
      return size;
    }

    /**
     * Polls for the next chunk of this part's data.
     *
     * @param cx the polling task's context
     * @return a chunk (valid until the next poll of this part or the form), pending, or the end of
     *     the part's data
     * @throws IllegalStateException if the form moved on to a later part before this part's data
     *     was read to its end
     * @throws Exception the form's failure
     */
    @Override
    public Poll<ByteBuffer> pollNext(Context cx) throws Exception {
      if (skipped) {
        throw new IllegalStateException("part \"" + name() + "\" was skipped for a later part");
      }
      if (ended) return Stream.end();
      int event = pump(cx);
      if (event == PENDING) return Poll.pending();
      if (event == MultipartParser.PART_END) {
        ended = true;
        return Stream.end();
      }
      assert event == MultipartParser.DATA : event;
      ByteBuffer data = parser.data();
      size += data.remaining();
      return Poll.ready(data);
    }

    /**
     * Withdraws the wake-up a pending poll arranged at the body.
     *
     * @param waker the waker of the cancelled borrower's last pending poll
     */
    @Override
    public void withdrawNext(Waker waker) {
      body.withdrawNext(waker);
    }

    /** Gives this part up; the form skips the rest of its data when asked for the next part. */
    @Override
    public void cancel() {}

    /**
     * {@return a future that reads and discards the rest of this part's data}
     *
     * <p><b>Cancel safety:</b> cancel safe.
     */
    public Future<Void> skip() {
      return forEach(chunk -> chunk.position(chunk.limit()));
    }

    /**
     * {@return a future of the rest of this part's data, held in memory} Fails with a 413 {@link
     * Rejection} as soon as it exceeds {@code maxBytes}.
     *
     * <p><b>Cancel safety:</b> not cancel safe: cancelled, what it read is lost.
     *
     * @param maxBytes the most bytes to accept
     */
    public Future<byte[]> bytes(int maxBytes) {
      if (maxBytes < 0) throw new IllegalArgumentException("maxBytes < 0: " + maxBytes);
      byte[][] acc = {new byte[0]};
      int[] len = {0};
      return forEach(
              chunk -> {
                int n = chunk.remaining();
                if (n > maxBytes - len[0]) {
                  throw Rejection.payloadTooLarge(
                      "multipart part \""
                          + name()
                          + "\" larger than the limit of "
                          + maxBytes
                          + " bytes");
                }
                if (len[0] + n > acc[0].length) {
                  acc[0] =
                      Arrays.copyOf(acc[0], Math.min(maxBytes, Math.max(len[0] + n, 2 * len[0])));
                }
                chunk.get(acc[0], len[0], n);
                len[0] += n;
              })
          .map(v -> len[0] == acc[0].length ? acc[0] : Arrays.copyOf(acc[0], len[0]));
    }

    /**
     * {@return a future that writes the rest of this part's data to {@code path} and yields how
     * many bytes it wrote} The file is created, or truncated if it exists, and written chunk by
     * chunk through the runtime's blocking pool ({@link File}), so the part is never held whole; it
     * is flushed and closed before the future completes.
     *
     * <p>A write that does not complete leaves no partial file behind, as multer's disk storage:
     * once the file is created, if the write fails (the client went away, the part is over a limit,
     * the disk is full) the file is removed before the failure is reported, and if it is cancelled
     * (a timeout, a lost select) it is removed on the blocking pool right after. A path that could
     * not be created (a directory, say) is left alone; a cancel that comes while the file is still
     * being opened leaves it as the open makes it (empty).
     *
     * <p><b>Cancel safety:</b> cancelled, the part's data read so far is lost with the file.
     *
     * @param path the file
     */
    public Future<Long> writeTo(Path path) {
      Objects.requireNonNull(path, "path");
      long before = size;
      // The runtime the file was created in, once it is: the file is ours from then on (not a
      // directory, say), and a cancel removes it through that runtime's blocking pool.
      Handle[] createdIn = {null};
      Future<Long> write =
          File.create(path)
              .flatMap(
                  file -> {
                    createdIn[0] = Handle.current();
                    return Io.using(
                            file,
                            f ->
                                forEachAsync(f::writeAll)
                                    .flatMap(v -> f.flush())
                                    .map(v -> size - before))
                        .recoverWith(
                            failure ->
                                Handle.current()
                                    .spawnBlocking(() -> Files.deleteIfExists(path))
                                    .handle(
                                        (removed, e) -> {
                                          if (e != null) failure.addSuppressed(e);
                                          throw failure;
                                        }));
                  });
      return new Future<>() {
        private boolean finished;

        @Override
        public Poll<Long> poll(Context cx) throws Exception {
          Poll<Long> p;
          try {
            p = write.poll(cx);
          } catch (Exception e) {
            finished = true; // a file this future created is gone already
            throw e;
          }
          if (p.isReady()) finished = true;
          return p;
        }

        @Override
        public void cancel() {
          if (finished) return;
          finished = true;
          try {
            write.cancel();
          } finally {
            if (createdIn[0] != null) removeAfterCancel(createdIn[0], path);
          }
        }
      };
    }

    @Override
    public String toString() {
      return "Part[name="
          + name()
          + (isFile() ? ", filename=" + filename() : "")
          + ", "
          + contentType()
          + "]";
    }
  }
}
