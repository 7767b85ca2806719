package io.kyoto.runtime.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import java.io.IOException;

/**
 * The lines of an {@link AsyncBufRead}, one at a time: tokio's {@code Lines}, made by {@link
 * Io#lines}.
 *
 * <p>Each line is decoded as UTF-8 without its terminator ({@code "\n"} or {@code "\r\n"}); the
 * last line need not end with a newline. The end of the stream is {@code null}.
 *
 * <p>
 *
 * {@snippet :
 * Lines lines = Io.lines(BufReader.create(stream));
 * Future<Void> printAll =
 *     Futures.loop(lines, l -> l.nextLine().map(line -> {
 *       if (line == null) {
 *         return Futures.Step.done(null);
 *       }
 *       System.out.println(line);
 *       return Futures.Step.next(l);
 *     }));
 * }
 *
 * <p>A line longer than the limit fails that call at once; the next call skips the rest of that
 * line and goes on with the following one. (The stateless {@link Io#readLine(AsyncBufRead,
 * StringBuilder, int)} instead discards the rest of the line before it fails.)
 *
 * <p><b>Thread safety:</b> one task reads at a time.
 */
public final class Lines {
  private final AsyncBufRead reader;
  private final int maxLength;
  private final ByteAccumulator bytes = new ByteAccumulator();
  private boolean done;
  // After a line over the limit: the rest of it, up to its newline, is skipped before the next.
  private boolean discarding;

  Lines(AsyncBufRead reader, int maxLength) {
    this.reader = reader;
    this.maxLength = maxLength;
  }

  /**
   * Attempts to read the next line.
   *
   * @param cx the polling task's context
   * @return ready with the line, or with {@code null} at end of stream; pending after arranging a
   *     wake-up
   * @throws IOException if reading fails, the line is not valid UTF-8, or it is longer than the
   *     limit
   */
  public Poll<String> pollNextLine(Context cx) throws IOException {
    if (done) {
      return Poll.ready(null);
    }
    if (discarding) {
      if (IoReads.skipRestOfLine(cx, reader).isPending()) {
        return Poll.pending();
      }
      discarding = false;
    }
    int limit = (int) Math.min(IoReads.MAX_ARRAY, maxLength + 2L); // room for "\r\n"
    try {
      if (IoReads.readUntilNewline(cx, reader, bytes, limit, maxLength).isPending()) {
        return Poll.pending();
      }
    } catch (IoReads.LineTooLongException e) {
      bytes.clear();
      discarding = true;
      throw e;
    }
    if (bytes.size() == 0) {
      done = true;
      return Poll.ready(null);
    }
    bytes.stripLineEnding();
    try {
      if (bytes.size() > maxLength) {
        throw new IOException("the line is longer than the limit of " + maxLength + " bytes");
      }
      return Poll.ready(bytes.decodeUtf8());
    } finally {
      bytes.clear();
    }
  }

  /**
   * {@return a future of the next line, or of {@code null} at end of stream}
   *
   * <p><b>Cancel safety:</b> cancel safe: the bytes of a partly read line stay in this object and
   * the next call continues with them.
   */
  public Future<String> nextLine() {
    return this::pollNextLine;
  }

  /** {@return the reader the lines come from} */
  public AsyncBufRead reader() {
    return reader;
  }
}
