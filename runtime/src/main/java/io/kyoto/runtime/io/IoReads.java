package io.kyoto.runtime.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.internal.io.WithdrawingOp;
import io.kyoto.runtime.internal.task.Describe;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.util.Arrays;

/** The reading futures behind {@link Io}. Each keeps its progress in its own fields. */
final class IoReads {
  /** The largest array the JVM reliably allocates. */
  static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  private IoReads() {}

  /** {@code Io.read}: one read; the count, or -1 at end of stream. */
  static Future<Integer> read(AsyncRead reader, ByteBuffer dst) {
    return new WithdrawingOp.Read<>(reader) {
      @Override
      protected Poll<Integer> pollOperation(Context cx) throws IOException {
        if (!dst.hasRemaining()) {
          return Poll.ready(0);
        }
        int before = dst.position();
        if (reader.pollRead(cx, dst).isPending()) {
          return Poll.pending();
        }
        int n = dst.position() - before;
        return Poll.ready(n == 0 ? -1 : n);
      }

      @Override
      public String toString() {
        return "Io.read[" + Describe.of(reader) + "]";
      }
    };
  }

  /** {@code Io.readExact}: fills {@code dst}, or fails at an early end of stream. */
  static final class ReadExact extends WithdrawingOp.Read<Integer> {
    private final ByteBuffer dst;
    private int wanted = -1;

    ReadExact(AsyncRead reader, ByteBuffer dst) {
      super(reader);
      this.dst = dst;
    }

    @Override
    protected Poll<Integer> pollOperation(Context cx) throws IOException {
      if (wanted < 0) {
        wanted = dst.remaining();
      }
      while (dst.hasRemaining()) {
        int before = dst.position();
        if (reader.pollRead(cx, dst).isPending()) {
          return Poll.pending();
        }
        if (dst.position() == before) {
          throw new EOFException("early eof");
        }
      }
      return Poll.ready(wanted);
    }

    @Override
    public String toString() {
      return "Io.readExact[" + dst.remaining() + " bytes left, " + Describe.of(reader) + "]";
    }
  }

  /** {@code Io.readToEnd}: every byte up to end of stream, at most {@code max}. */
  static final class ReadToEnd extends WithdrawingOp.Read<byte[]> {
    private static final int INITIAL = 8 * 1024;

    private final int max;
    private ByteBuffer buf;
    private ByteBuffer probe;

    ReadToEnd(AsyncRead reader, int max) {
      super(reader);
      this.max = max;
    }

    @Override
    protected Poll<byte[]> pollOperation(Context cx) throws IOException {
      if (buf == null) {
        buf = ByteBuffer.allocate(Math.min(max, INITIAL));
      }
      while (true) {
        if (!buf.hasRemaining()) {
          if (buf.capacity() >= max) {
            return probeForMore(cx);
          }
          long grown = Math.max(2L * buf.capacity(), INITIAL);
          ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(grown, max));
          buf = bigger.put(buf.flip());
        }
        int before = buf.position();
        if (reader.pollRead(cx, buf).isPending()) {
          return Poll.pending();
        }
        if (buf.position() == before) {
          return Poll.ready(result());
        }
      }
    }

    /** At the limit: one more byte means the stream is too long. */
    private Poll<byte[]> probeForMore(Context cx) throws IOException {
      if (probe == null) {
        probe = ByteBuffer.allocate(1);
      }
      if (reader.pollRead(cx, probe).isPending()) {
        return Poll.pending();
      }
      if (probe.position() > 0) {
        throw new IOException("the stream is longer than the limit of " + max + " bytes");
      }
      return Poll.ready(result());
    }

    private byte[] result() {
      byte[] array = buf.array();
      return buf.position() == array.length ? array : Arrays.copyOf(array, buf.position());
    }
  }

  /** {@code Io.readToString}: strict decoding of {@code readToEnd}. */
  static Future<String> readToString(AsyncRead reader, Charset charset, int max) {
    return new ReadToEnd(reader, max).map(bytes -> decode(bytes, charset));
  }

  static String decode(byte[] bytes, Charset charset) throws IOException {
    try {
      return charset
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IOException("stream did not contain valid " + charset.name(), e);
    }
  }

  /**
   * A line over its limit. {@link #readUntilNewline} throws it without consuming the overflowing
   * chunk; {@code Io.readLine} throws it only after discarding the rest of the line.
   */
  static final class LineTooLongException extends IOException {
    private static final long serialVersionUID = 1L;

    LineTooLongException(int max) {
      super("the line is longer than the limit of " + max + " bytes");
    }
  }

  /**
   * {@code Io.readLine}: up to and including {@code '\n'}, appended to a builder. A line over the
   * limit is read to its end and discarded before the future fails, as Netty's {@code
   * LineBasedFrameDecoder} with {@code failFast = false}: the next call starts at the next line
   * whatever the buffering, and memory stays bounded by the limit.
   */
  static final class ReadLine extends WithdrawingOp.Read<Integer> {
    private final AsyncBufRead bufReader;
    private final StringBuilder line;
    private final int max;
    private final ByteAccumulator bytes = new ByteAccumulator();
    // Set once the line proved too long: the rest of it is being skipped, then this is thrown.
    private LineTooLongException tooLong;

    ReadLine(AsyncBufRead reader, StringBuilder line, int max) {
      super(reader);
      this.bufReader = reader;
      this.line = line;
      this.max = max;
    }

    @Override
    protected Poll<Integer> pollOperation(Context cx) throws IOException {
      if (tooLong == null) {
        try {
          if (readUntilNewline(cx, bufReader, bytes, max, max).isPending()) {
            return Poll.pending();
          }
        } catch (LineTooLongException e) {
          bytes.clear();
          tooLong = e;
        }
      }
      if (tooLong != null) {
        if (skipRestOfLine(cx, bufReader).isPending()) {
          return Poll.pending();
        }
        throw tooLong;
      }
      int n = bytes.size();
      line.append(bytes.decodeUtf8());
      return Poll.ready(n);
    }

    @Override
    public String toString() {
      return "Io.readLine[" + (tooLong != null ? "discarding, " : "") + Describe.of(reader) + "]";
    }
  }

  /**
   * Moves bytes from {@code reader} into {@code bytes} up to and including the next {@code '\n'}.
   *
   * @param max the most bytes to accumulate, line ending included
   * @param reportedMax the limit named in the error, the user's (which may exclude the ending)
   * @return ready when a newline was consumed or the stream ended
   * @throws IOException if reading fails or the line exceeds {@code max} bytes
   */
  static Poll<Void> readUntilNewline(
      Context cx, AsyncBufRead reader, ByteAccumulator bytes, int max, int reportedMax)
      throws IOException {
    while (true) {
      Poll<ByteBuffer> p = reader.pollFillBuf(cx);
      if (p.isPending()) {
        return Poll.pending();
      }
      ByteBuffer view = p.value();
      int start = view.position();
      int end = view.limit();
      if (start == end) {
        return Poll.ready(null);
      }
      int newline = ByteAccumulator.indexOf(view, (byte) '\n', start, end);
      int n = (newline < 0 ? end : newline + 1) - start;
      if ((long) bytes.size() + n > max) {
        throw new LineTooLongException(reportedMax);
      }
      bytes.append(view, n);
      reader.consume(n);
      if (newline >= 0) {
        return Poll.ready(null);
      }
    }
  }

  /**
   * Consumes bytes up to and including the next {@code '\n'}, or to the end of the stream, one
   * buffered chunk at a time: nothing is kept, so memory stays bounded however long the line.
   *
   * @return ready when a newline was consumed or the stream ended
   * @throws IOException if reading fails
   */
  static Poll<Void> skipRestOfLine(Context cx, AsyncBufRead reader) throws IOException {
    while (true) {
      Poll<ByteBuffer> p = reader.pollFillBuf(cx);
      if (p.isPending()) {
        return Poll.pending();
      }
      ByteBuffer view = p.value();
      int start = view.position();
      int end = view.limit();
      if (start == end) {
        return Poll.ready(null);
      }
      int newline = ByteAccumulator.indexOf(view, (byte) '\n', start, end);
      reader.consume((newline < 0 ? end : newline + 1) - start);
      if (newline >= 0) {
        return Poll.ready(null);
      }
    }
  }
}
