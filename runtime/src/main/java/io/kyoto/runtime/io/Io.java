package io.kyoto.runtime.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.ThrowingFunction;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.internal.blocking.BlockingReader;
import io.kyoto.runtime.internal.blocking.BlockingWriter;
import io.kyoto.runtime.internal.io.WithdrawingOp;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.Objects;

/**
 * Futures over {@link AsyncRead} and {@link AsyncWrite}: tokio's {@code AsyncReadExt}, {@code
 * AsyncWriteExt}, {@code copy}, {@code duplex}, plus {@link #using} for resource scoping.
 *
 * <p>Every method returns a lazy future: nothing is read or written until it is polled. The most
 * common ones are also default methods of the traits ({@code reader.readExact(buf)}, {@code
 * writer.writeAll(buf)}).
 *
 * <p>
 *
 * {@snippet :
 * Future<Void> echo = Io.copy(conn, conn).discard();
 * Future<String> greeting =
 *     Io.using(stream, s -> s.writeAll(ByteBuffer.wrap(hello)).flatMap(v -> s.shutdown())
 *         .flatMap(v -> s.readToString(StandardCharsets.UTF_8)));
 * }
 *
 * <h2>Cancel safety</h2>
 *
 * <p>Each method says what a cancelled future loses, in tokio's words where they apply. Methods
 * marked cancel safe can be raced in a {@code select} and called again without losing data.
 */
public final class Io {
  /** The buffer size of {@link #copy} and {@link #copyBidirectional}, as tokio's: 8 KiB. */
  public static final int DEFAULT_BUF_SIZE = 8 * 1024;

  private Io() {}

  /**
   * {@return a future of one read into {@code dst}: the number of bytes read, 0 if {@code dst} had
   * no space, or -1 at end of stream}
   *
   * <p><b>Cancel safety:</b> cancel safe: if cancelled before it completes, no data was read.
   *
   * @param reader the source
   * @param dst where the bytes go, from its position; the position advances
   */
  public static Future<Integer> read(AsyncRead reader, ByteBuffer dst) {
    return IoReads.read(Objects.requireNonNull(reader, "reader"), Objects.requireNonNull(dst));
  }

  /**
   * {@return a future that fills {@code dst} from its position to its limit, and is ready with the
   * number of bytes read} It fails with {@link java.io.EOFException} ("early eof") if the stream
   * ends first.
   *
   * <p><b>Cancel safety:</b> not cancel safe: if cancelled, some data may already have been read
   * into the buffer ({@code dst}'s position tells how much).
   *
   * @param reader the source
   * @param dst the buffer to fill
   */
  public static Future<Integer> readExact(AsyncRead reader, ByteBuffer dst) {
    return new IoReads.ReadExact(
        Objects.requireNonNull(reader, "reader"), Objects.requireNonNull(dst, "dst"));
  }

  /**
   * {@return a future of every byte up to end of stream} The buffer starts at 8 KiB and doubles.
   *
   * <p><b>Cancel safety:</b> not cancel safe: if cancelled, the bytes read so far are lost.
   *
   * @param reader the source
   */
  public static Future<byte[]> readToEnd(AsyncRead reader) {
    return readToEnd(reader, IoReads.MAX_ARRAY);
  }

  /**
   * {@return a future of every byte up to end of stream, failing with an {@link
   * java.io.IOException} once the stream proves longer than {@code maxBytes}} Never buffers more
   * than {@code maxBytes}: a hostile peer cannot make it allocate more.
   *
   * <p><b>Cancel safety:</b> not cancel safe: if cancelled, the bytes read so far are lost.
   *
   * @param reader the source
   * @param maxBytes the largest accepted stream, at least 0
   */
  public static Future<byte[]> readToEnd(AsyncRead reader, int maxBytes) {
    return new IoReads.ReadToEnd(Objects.requireNonNull(reader, "reader"), checkMax(maxBytes));
  }

  /**
   * {@return a future of the whole stream decoded with {@code charset}} Malformed input fails the
   * future with an {@link java.io.IOException} ("stream did not contain valid UTF-8").
   *
   * <p><b>Cancel safety:</b> not cancel safe: if cancelled, the bytes read so far are lost.
   *
   * @param reader the source
   * @param charset the encoding
   */
  public static Future<String> readToString(AsyncRead reader, Charset charset) {
    return readToString(reader, charset, IoReads.MAX_ARRAY);
  }

  /**
   * {@return a future of the whole stream decoded with {@code charset}, failing once the stream
   * proves longer than {@code maxBytes}}
   *
   * <p><b>Cancel safety:</b> not cancel safe: if cancelled, the bytes read so far are lost.
   *
   * @param reader the source
   * @param charset the encoding
   * @param maxBytes the largest accepted stream in bytes, at least 0
   */
  public static Future<String> readToString(AsyncRead reader, Charset charset, int maxBytes) {
    return IoReads.readToString(
        Objects.requireNonNull(reader, "reader"),
        Objects.requireNonNull(charset, "charset"),
        checkMax(maxBytes));
  }

  /**
   * {@return a future that reads one line, up to and including {@code '\n'}, appends it to {@code
   * line} as UTF-8, and is ready with the number of bytes read (0 at end of stream)} As tokio's
   * {@code read_line}, the newline stays in the text; a last line without one is returned as is.
   * Invalid UTF-8 fails the future and leaves {@code line} unchanged. Lines have no length limit
   * (beyond the largest array); prefer {@link #readLine(AsyncBufRead, StringBuilder, int)} for
   * input from the network.
   *
   * <p><b>Cancel safety:</b> not cancel safe: if cancelled, some data may have been partially read,
   * and this data is lost; {@code line} is unchanged. Use {@link #lines} in a {@code select} loop.
   *
   * @param reader the source
   * @param line where the line is appended
   */
  public static Future<Integer> readLine(AsyncBufRead reader, StringBuilder line) {
    return readLine(reader, line, IoReads.MAX_ARRAY);
  }

  /**
   * {@return as {@link #readLine(AsyncBufRead, StringBuilder)}, failing with an {@link
   * java.io.IOException} when the line (with its newline) exceeds {@code maxBytes}}
   *
   * <p>A line over the limit is not returned in part: the future keeps reading and discards the
   * rest of that line, through its newline (or to the end of the stream), one buffered chunk at a
   * time, and only then fails; {@code line} is left unchanged. The next call therefore starts at
   * the next line, however the bytes were buffered, and never sees the tail of the rejected line as
   * a line of its own. Memory stays bounded by {@code maxBytes} and the reader's buffer. As Netty's
   * {@code LineBasedFrameDecoder} with {@code failFast = false}; {@link #lines(AsyncBufRead, int)}
   * (and {@link io.kyoto.runtime.codec.LinesCodec}) instead fail at once and discard the rest of
   * the line on the next call, which they can because they keep state between calls.
   *
   * <p>So a peer that never ends an overlong line keeps this future waiting (and reading) until it
   * does or the stream ends: bound the call with a timeout, e.g. {@link
   * io.kyoto.runtime.Time#timeout Time.timeout}, when the peer is not trusted.
   *
   * <p><b>Cancel safety:</b> not cancel safe: if cancelled, some data may have been partially read,
   * and this data is lost; {@code line} is unchanged. If cancelled while discarding an overlong
   * line (a timeout that fired, for example), the reader is left inside that line, just after the
   * bytes that had arrived: the next read would see the rest of the rejected line as if it were a
   * line, so after such a cancellation, stop reading lines from the reader (close the connection).
   *
   * @param reader the source
   * @param line where the line is appended
   * @param maxBytes the longest accepted line in bytes, newline included
   */
  public static Future<Integer> readLine(AsyncBufRead reader, StringBuilder line, int maxBytes) {
    return new IoReads.ReadLine(
        Objects.requireNonNull(reader, "reader"),
        Objects.requireNonNull(line, "line"),
        checkMax(maxBytes));
  }

  /**
   * {@return the lines of {@code reader}, without their terminators} Lines have no length limit, as
   * tokio's; prefer {@link #lines(AsyncBufRead, int)} for input from the network.
   *
   * @param reader the source
   */
  public static Lines lines(AsyncBufRead reader) {
    return lines(reader, IoReads.MAX_ARRAY);
  }

  /**
   * {@return the lines of {@code reader}, failing on a line longer than {@code maxLength} bytes
   * (terminator excluded)}
   *
   * @param reader the source
   * @param maxLength the longest accepted line
   */
  public static Lines lines(AsyncBufRead reader, int maxLength) {
    return new Lines(Objects.requireNonNull(reader, "reader"), checkMax(maxLength));
  }

  /**
   * {@return a future of one write from {@code src}: the number of bytes accepted} 0 means that
   * {@code src} was empty or the sink accepts no more.
   *
   * <p><b>Cancel safety:</b> cancel safe: if cancelled before it completes, no data was written.
   *
   * @param writer the sink
   * @param src the bytes, from its position; the position advances
   */
  public static Future<Integer> write(AsyncWrite writer, ByteBuffer src) {
    return IoWrites.write(Objects.requireNonNull(writer, "writer"), Objects.requireNonNull(src));
  }

  /**
   * {@return a future that writes every remaining byte of {@code src}} It fails with an {@link
   * java.io.IOException} ("failed to write whole buffer") if the sink stops accepting bytes.
   *
   * <p><b>Cancel safety:</b> not cancel safe: if cancelled, some of the buffer may already have
   * been written ({@code src}'s position tells how much).
   *
   * @param writer the sink
   * @param src the bytes
   */
  public static Future<Void> writeAll(AsyncWrite writer, ByteBuffer src) {
    return IoWrites.writeAll(
        Objects.requireNonNull(writer, "writer"), Objects.requireNonNull(src, "src"));
  }

  /**
   * {@return a future that writes every remaining byte of {@code srcs}, in order, with gathering
   * writes} Fails as {@link #writeAll} does.
   *
   * <p><b>Cancel safety:</b> not cancel safe: if cancelled, some of the buffers may already have
   * been written (their positions tell how much).
   *
   * @param writer the sink
   * @param srcs the buffers
   */
  public static Future<Void> writeAllVectored(AsyncWrite writer, ByteBuffer... srcs) {
    Objects.requireNonNull(writer, "writer");
    for (ByteBuffer b : srcs) {
      Objects.requireNonNull(b, "srcs contains null");
    }
    return new IoWrites.WriteAllVectored(writer, srcs.clone());
  }

  /**
   * {@return a future that flushes {@code writer}}
   *
   * <p><b>Cancel safety:</b> cancel safe: calling it again continues the flush.
   *
   * @param writer the sink
   */
  public static Future<Void> flush(AsyncWrite writer) {
    Objects.requireNonNull(writer, "writer");
    return new WithdrawingOp.Write<>(writer) {
      @Override
      protected Poll<Void> pollOperation(Context cx) throws IOException {
        return writer.pollFlush(cx);
      }
    };
  }

  /**
   * {@return a future that flushes {@code writer} and shuts its write side down}
   *
   * <p><b>Cancel safety:</b> cancel safe: calling it again continues the shutdown.
   *
   * @param writer the sink
   */
  public static Future<Void> shutdown(AsyncWrite writer) {
    Objects.requireNonNull(writer, "writer");
    return new WithdrawingOp.Write<>(writer) {
      @Override
      protected Poll<Void> pollOperation(Context cx) throws IOException {
        return writer.pollShutdown(cx);
      }
    };
  }

  /**
   * {@return a future that copies {@code reader} to {@code writer} until end of stream, flushes,
   * and is ready with the number of bytes copied} As tokio's {@code copy}: an 8 KiB buffer; while
   * the reader is pending with nothing left to write, the writer is flushed, so a buffering writer
   * never holds back bytes the other side waits for. {@code writer} is not shut down.
   *
   * <p><b>Cancel safety:</b> not cancel safe: if cancelled, bytes read but not yet written are
   * lost.
   *
   * @param reader the source
   * @param writer the sink
   */
  public static Future<Long> copy(AsyncRead reader, AsyncWrite writer) {
    return IoCopies.copy(
        Objects.requireNonNull(reader, "reader"),
        Objects.requireNonNull(writer, "writer"),
        DEFAULT_BUF_SIZE);
  }

  /**
   * {@return a future that copies {@code reader} to {@code writer} straight from the reader's
   * buffer (no copy buffer of its own), flushes at end of stream, and is ready with the count}
   *
   * <p><b>Cancel safety:</b> cancel safe in the sense that no byte is lost: bytes are consumed from
   * the reader only once written. The count of a cancelled copy is lost.
   *
   * @param reader the source
   * @param writer the sink
   */
  public static Future<Long> copyBuf(AsyncBufRead reader, AsyncWrite writer) {
    return new IoCopies.CopyBuf(
        Objects.requireNonNull(reader, "reader"), Objects.requireNonNull(writer, "writer"));
  }

  /**
   * {@return a future that copies {@code a} to {@code b} and {@code b} to {@code a} at the same
   * time} As tokio's {@code copy_bidirectional}: when one side reaches end of stream, the copy
   * flushes and shuts down the other side's write half and carries on in the other direction; it
   * completes once both directions are done, with the byte counts. An error on either side fails
   * it.
   *
   * <p><b>Cancel safety:</b> not cancel safe: if cancelled, bytes read but not yet written are
   * lost.
   *
   * @param a one stream
   * @param b the other stream
   * @param <A> the first stream's type
   * @param <B> the second stream's type
   */
  public static <A extends AsyncRead & AsyncWrite, B extends AsyncRead & AsyncWrite>
      Future<BidirectionalCopy> copyBidirectional(A a, B b) {
    return new IoCopies.CopyBidirectional(
        Objects.requireNonNull(a, "a"), Objects.requireNonNull(b, "b"), DEFAULT_BUF_SIZE);
  }

  /**
   * {@return a future that runs {@code body} with {@code resource} and then always closes it} The
   * asynchronous try-with-resources: after the body's future completes or fails, {@link
   * AsyncCloseable#closeAsync()} runs to completion, then {@link AsyncCloseable#close()}. If the
   * returned future is cancelled, the body's future (or the graceful close) is cancelled and {@code
   * close()} runs at once.
   *
   * <p>The body's failure comes first; a failure of {@code closeAsync} or {@code close} is added to
   * it as suppressed, or fails the future on its own when the body succeeded.
   *
   * <p>
   *
   * {@snippet :
   * Future<Long> served = Io.using(conn, c -> Io.copy(c, c));
   * }
   *
   * <p><b>Cancel safety:</b> as cancel safe as the body; the resource is closed either way.
   *
   * @param resource the resource; owned by the returned future from now on
   * @param body the work to do with it
   * @param <R> the resource's type
   * @param <T> the body's value type
   */
  public static <R extends AsyncCloseable, T> Future<T> using(
      R resource, ThrowingFunction<? super R, ? extends Future<T>> body) {
    return new Using<>(
        Objects.requireNonNull(resource, "resource"), Objects.requireNonNull(body, "body"));
  }

  /**
   * {@return the process's standard input as an {@link AsyncRead}: tokio's {@code io::stdin}} Reads
   * run on the blocking pool, one at a time, as tokio's do (a terminal or pipe offers no readiness
   * to wait for). Use one handle: two handles reading at once split the input between them
   * unpredictably. A read that waits for input holds one blocking thread until it arrives; the
   * runtime's {@code close()} does not wait for it (with tokio, a program that stopped reading its
   * standard input cannot exit until a line is typed).
   *
   * {@snippet :
   * Lines lines = Io.lines(BufReader.create(Io.stdin()));
   * }
   */
  public static AsyncRead stdin() {
    BlockingReader in = new BlockingReader(System.in, "stdin");
    return new AsyncRead() {
      @Override
      public Poll<Void> pollRead(Context cx, ByteBuffer dst) throws IOException {
        return in.pollRead(cx, dst);
      }

      @Override
      public void withdrawRead(Waker waker) {
        in.withdrawRead(waker); // a read waiting for input would wake a cancelled task
      }
    };
  }

  /**
   * {@return the process's standard output as an {@link AsyncWrite}: tokio's {@code io::stdout}} A
   * write completes once handed to the blocking pool and {@code flush} waits for it, so writes keep
   * their order; they go through {@link System#out}, so they do not tear lines that other code
   * prints at the same time. {@code shutdown} flushes and leaves the stream open. A failed write (a
   * pipe whose reader has gone) fails the next write, flush or shutdown with an {@link
   * IOException}; {@code System.out} keeps the cause to itself, so the exception does not name it.
   */
  public static AsyncWrite stdout() {
    return standard(System.out, "stdout");
  }

  /**
   * {@return the process's standard error as an {@link AsyncWrite}: tokio's {@code io::stderr}} As
   * {@link #stdout()}, through {@link System#err}.
   */
  public static AsyncWrite stderr() {
    return standard(System.err, "stderr");
  }

  private static AsyncWrite standard(java.io.PrintStream stream, String name) {
    BlockingWriter w =
        new BlockingWriter(
            new java.io.OutputStream() {
              @Override
              public void write(int b) {
                stream.write(b);
              }

              @Override
              public void write(byte[] b, int off, int len) {
                stream.write(b, off, len);
              }

              @Override
              public void flush() throws IOException {
                // A PrintStream keeps its IOExceptions to itself (a broken pipe too) and only
                // reports that one happened: pass that on, as tokio's stdout returns the error.
                if (stream.checkError()) { // flushes first
                  throw new IOException(
                      "writing " + name + " failed (the stream reports an error; a closed pipe?)");
                }
              }

              @Override
              public void close() throws IOException {
                flush(); // the process's stream stays open
              }
            },
            name);
    return new AsyncWrite() {
      @Override
      public Poll<Void> pollWrite(Context cx, ByteBuffer src) throws IOException {
        return w.pollWrite(cx, src);
      }

      @Override
      public Poll<Void> pollFlush(Context cx) throws IOException {
        return w.pollFlush(cx);
      }

      @Override
      public Poll<Void> pollShutdown(Context cx) throws IOException {
        return w.pollFlush(cx); // as tokio's: shutting stdout down only flushes it
      }

      @Override
      public void withdrawWrite(Waker waker) {
        w.withdrawWrite(waker);
      }
    };
  }

  /**
   * {@return two connected in-memory streams: tokio's {@code duplex}} What one writes, the other
   * reads; each direction buffers at most {@code maxBufSize} bytes.
   *
   * @param maxBufSize the capacity of each direction, positive
   * @throws IllegalArgumentException if {@code maxBufSize} is not positive
   */
  public static DuplexStream.Pair duplex(int maxBufSize) {
    return DuplexStream.pair(maxBufSize);
  }

  private static int checkMax(int max) {
    if (max < 0) {
      throw new IllegalArgumentException("the limit must not be negative: " + max);
    }
    return max;
  }
}
