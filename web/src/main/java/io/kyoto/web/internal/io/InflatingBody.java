package io.kyoto.web.internal.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.stream.Stream;
import io.kyoto.web.Body;
import io.kyoto.web.HttpException;
import io.kyoto.web.Status;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * A body decoded from {@code gzip} or {@code deflate} content coding as it is read: the decoding
 * half of {@code Compression}, used by the client's {@code decompress} option and by the {@code
 * Decompression} layer.
 *
 * <ul>
 *   <li>{@code gzip} (RFC 1952): every header field is understood. The extra field is skipped
 *       whatever its size (up to the format's 65,535 bytes) without being kept; the file name and
 *       comment are skipped up to {@value #MAX_STRING} bytes each, and a longer one fails the read;
 *       the header CRC is checked. The header is parsed as it arrives, each byte looked at once
 *       whatever the chunk boundaries, in a few fixed fields of memory. The trailer's CRC-32 and
 *       length are checked; concatenated members are decoded one after the other.
 *   <li>{@code deflate} (RFC 9110 section 8.4.1.2: the zlib format of RFC 1950, checksum checked);
 *       a raw deflate stream without the zlib header, which some servers send, is recognised by its
 *       first two bytes and decoded too, as browsers and curl do.
 * </ul>
 *
 * <p><b>Bytes after the end.</b> After a gzip member, what follows is decoded as another member
 * only if it starts with a complete, valid member header; that member must then be whole (corrupt
 * or truncated data in it fails the read). On a response anything else is ignored to the end of the
 * body: stray bytes, a lone {@code 1f}, a header cut short, with another method than deflate or a
 * wrong header CRC; so are bytes after a deflate stream. That is what the JDK's {@link
 * java.util.zip.GZIPInputStream}, gzip(1) ("trailing garbage ignored") and browsers do, and what a
 * client user expects of a body whose data all checked out (Go's {@code gzip.Reader} and curl fail
 * instead). A header with reserved flags set, or an over-long name or comment, fails the read
 * wherever it is (RFC 1952 section 2.3.1.2 asks a decoder to reject reserved flags). A request body
 * ({@link #ofRequest}) is strict: any byte after the last member or the deflate stream fails it,
 * since a server should not read a body that other decoders read differently or refuse.
 *
 * <p>Malformed or truncated data fails the read with a {@link ZipException} or {@link
 * EOFException}. Each decoded chunk lives in one reused buffer, valid until the next poll (the
 * {@link Body} contract). The inflater's native memory is freed at the end, on {@link #cancel()},
 * or by its cleaner.
 */
public final class InflatingBody implements Body {
  private static final int OUT = 16 * 1024;

  /** The longest gzip file name or comment, in bytes without its terminating zero. */
  static final int MAX_STRING = 64 * 1024;

  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;

  private enum State {
    HEADER,
    DATA,
    TRAILER,
    IGNORE_REST,
    DONE
  }

  /** The gzip header field being read, in the order of RFC 1952 section 2.3. */
  private enum Field {
    FIXED,
    EXTRA_LENGTH,
    EXTRA,
    NAME,
    COMMENT,
    HEADER_CRC,
    END
  }

  private final Body source;
  private final boolean gzip;
  private Inflater inflater;
  private final CRC32 crc = new CRC32();
  private long size;
  private byte[] out;
  private ByteBuffer input; // the source's current chunk, valid until the source is polled again
  // The fixed part of a gzip header, a zlib header or a gzip trailer, gathered across chunks.
  private final byte[] pending = new byte[10];
  private int pendingLen;
  private State state = State.HEADER;
  private Field field = Field.FIXED;
  private int flags; // the gzip header's FLG
  private int fieldValue; // EXTRA_LENGTH, HEADER_CRC: the value so far; EXTRA: the bytes left
  private int fieldLength; // bytes of the current field read so far
  private final CRC32 headerCrc = new CRC32();
  private boolean following; // the header is that of a member after the first
  // The inflater's input is the two bytes held back to tell zlib from raw deflate, not `input`
  private boolean onHeldBytes;
  private boolean sourceEnded;
  private boolean badRequest;

  /**
   * Decodes {@code source}.
   *
   * @param source the encoded body
   * @param coding {@code gzip}, {@code x-gzip} or {@code deflate} (case-insensitive)
   * @throws IllegalArgumentException for another coding
   */
  public InflatingBody(Body source, String coding) {
    this.source = source;
    String c = coding.trim().toLowerCase(java.util.Locale.ROOT);
    if (c.equals("gzip") || c.equals("x-gzip")) {
      gzip = true;
    } else if (c.equals("deflate")) {
      gzip = false;
    } else {
      throw new IllegalArgumentException("not a coding InflatingBody decodes: " + coding);
    }
  }

  /**
   * {@return whether {@code coding} (a {@code Content-Encoding} value) is one this body decodes}
   *
   * @param coding the value, or null
   */
  public static boolean decodes(String coding) {
    if (coding == null) return false;
    String c = coding.trim();
    return c.equalsIgnoreCase("gzip")
        || c.equalsIgnoreCase("x-gzip")
        || c.equalsIgnoreCase("deflate");
  }

  /**
   * Decodes a request body: malformed or truncated data fails the read with an {@link
   * HttpException} of status 400 (the client's fault), the original error as its cause.
   *
   * @param source the encoded body
   * @param coding {@code gzip}, {@code x-gzip} or {@code deflate}
   * @return the decoding body
   */
  public static InflatingBody ofRequest(Body source, String coding) {
    InflatingBody b = new InflatingBody(source, coding);
    b.badRequest = true;
    return b;
  }

  @Override
  public Poll<ByteBuffer> pollNext(Context cx) throws Exception {
    if (!badRequest) return decode(cx);
    try {
      return decode(cx);
    } catch (ZipException | EOFException e) {
      throw new HttpException(
          Status.BAD_REQUEST, "malformed " + name() + " body: " + e.getMessage(), e);
    }
  }

  private Poll<ByteBuffer> decode(Context cx) throws Exception {
    while (true) {
      switch (state) {
        case DONE -> {
          return Stream.end();
        }
        case DATA -> {
          if (!inflater.needsInput() || inflater.finished() || inflater.needsDictionary()) {
            Poll<ByteBuffer> p = inflate();
            if (p != null) return p;
            continue;
          }
          if (!nextInput(cx)) return Poll.pending();
          if (input == null) throw new EOFException(name() + " stream truncated");
          inflater.setInput(input);
          onHeldBytes = false;
        }
        case HEADER, TRAILER, IGNORE_REST -> {
          if (input == null || !input.hasRemaining()) {
            if (!nextInput(cx)) return Poll.pending();
            if (input == null) {
              endOfSource();
              continue;
            }
          }
          consumeFraming();
        }
      }
    }
  }

  private String name() {
    return gzip ? "gzip" : "deflate";
  }

  /**
   * Makes {@link #input} a chunk with bytes left: keeps the current one if it has some, else polls
   * the source. {@return false if the source is pending} At the end of the source {@link #input} is
   * null.
   */
  private boolean nextInput(Context cx) throws Exception {
    if (input != null && input.hasRemaining()) return true;
    input = null;
    while (!sourceEnded) {
      Poll<ByteBuffer> p = source.pollNext(cx);
      if (p.isPending()) return false;
      if (Stream.isEnd(p)) {
        sourceEnded = true;
        return true;
      }
      if (p.value().hasRemaining()) {
        input = p.value();
        return true;
      }
    }
    return true;
  }

  /** Runs the inflater; {@return a chunk of output, or null to go on} */
  private Poll<ByteBuffer> inflate() throws Exception {
    if (out == null) out = new byte[OUT];
    int n;
    try {
      n = inflater.inflate(out);
    } catch (DataFormatException e) {
      throw new ZipException("invalid " + name() + " data: " + e.getMessage());
    }
    if (inflater.needsDictionary()) {
      throw new ZipException("invalid deflate data: a preset dictionary is required");
    }
    if (n > 0) {
      if (gzip) crc.update(out, 0, n);
      size += n;
      return Poll.ready(ByteBuffer.wrap(out, 0, n));
    }
    if (inflater.finished()) {
      // What the inflater did not use of this chunk is the trailer (or the next member). If it
      // ended within the two held-back bytes (03 00, the empty raw stream), the chunk is untouched.
      if (input != null && !onHeldBytes) input.position(input.limit() - inflater.getRemaining());
      if (gzip) {
        state = State.TRAILER;
        pendingLen = 0;
      } else {
        inflater.end();
        state = State.IGNORE_REST;
      }
    }
    return null;
  }

  /** Takes header, trailer or leftover bytes from {@link #input} in the current state. */
  private void consumeFraming() throws Exception {
    switch (state) {
      case HEADER -> {
        if (gzip ? gzipHeader() : zlibHeader()) startData();
      }
      case TRAILER -> {
        pending[pendingLen++] = input.get();
        if (pendingLen == 8) {
          long expectCrc = le32(0);
          long expectSize = le32(4);
          if (expectCrc != crc.getValue()) throw new ZipException("gzip CRC-32 mismatch");
          if (expectSize != (size & 0xFFFF_FFFFL)) throw new ZipException("gzip length mismatch");
          inflater.end();
          crc.reset();
          size = 0;
          following = true;
          field = Field.FIXED;
          pendingLen = 0;
          state = State.HEADER; // another member, or the end
        }
      }
      case IGNORE_REST -> {
        if (badRequest) throw new ZipException("trailing bytes after the " + name() + " data");
        input.position(input.limit());
      }
      default -> throw new IllegalStateException(state.name());
    }
  }

  private void endOfSource() throws Exception {
    switch (state) {
      case HEADER -> {
        if (pendingLen == 0 && field == Field.FIXED) {
          // The end after a member, or an empty body labelled as compressed (some servers do that
          // for an empty answer): empty, as browsers and curl read it.
          state = State.DONE;
          return;
        }
        if (following && !badRequest) {
          state = State.DONE; // a header cut short after the last member: trailing garbage
          return;
        }
        throw new EOFException(name() + " header truncated");
      }
      case TRAILER -> throw new EOFException("gzip trailer truncated");
      default -> {
        if (inflater != null) inflater.end();
        state = State.DONE;
      }
    }
  }

  /**
   * Bytes after the last member that do not start another one: ignored on a response (the rest of
   * the body with them), a failure on a request, and a failure as the first member's header.
   */
  private void notAMember(String why) throws ZipException {
    if (!following) throw new ZipException(why);
    if (badRequest) throw new ZipException("trailing bytes after the gzip data: " + why);
    input.position(input.limit());
    state = State.IGNORE_REST;
  }

  private int u8(int i) {
    return pending[i] & 0xFF;
  }

  private long le32(int at) {
    return (u8(at) | (u8(at + 1) << 8) | (u8(at + 2) << 16) | ((long) u8(at + 3) << 24));
  }

  /**
   * Reads as much of a gzip header as {@link #input} holds, each byte once. {@return true once the
   * header is complete} False with the state changed if the bytes are no member (see {@link
   * #notAMember}).
   */
  private boolean gzipHeader() throws ZipException {
    while (field != Field.END) {
      if (!input.hasRemaining()) return false;
      switch (field) {
        case FIXED -> {
          if (!fixedHeaderByte(input.get() & 0xFF)) return false;
        }
        case EXTRA_LENGTH -> {
          fieldValue |= headerByte() << (8 * fieldLength++);
          if (fieldLength == 2) {
            if (fieldValue > 0) {
              field = Field.EXTRA; // fieldValue: the bytes left
            } else {
              enter(afterExtra());
            }
          }
        }
        case EXTRA -> {
          int n = Math.min(fieldValue, input.remaining());
          skipHeaderBytes(n);
          fieldValue -= n;
          if (fieldValue == 0) enter(afterExtra());
        }
        case NAME, COMMENT -> {
          int from = input.position();
          int limit = input.limit();
          int zero = from;
          while (zero < limit && input.get(zero) != 0) zero++;
          fieldLength += zero - from;
          if (fieldLength > MAX_STRING) {
            throw new ZipException(
                "gzip "
                    + (field == Field.NAME ? "file name" : "comment")
                    + " longer than "
                    + MAX_STRING
                    + " bytes");
          }
          boolean ended = zero < limit;
          skipHeaderBytes(zero - from + (ended ? 1 : 0));
          if (ended) enter(field == Field.NAME ? afterName() : afterComment());
        }
        case HEADER_CRC -> {
          fieldValue |= (input.get() & 0xFF) << (8 * fieldLength++);
          if (fieldLength == 2) {
            if ((headerCrc.getValue() & 0xFFFF) != fieldValue) {
              notAMember("gzip header CRC mismatch");
              return false;
            }
            field = Field.END;
          }
        }
        case END -> throw new IllegalStateException();
      }
    }
    return true;
  }

  /** Takes byte {@link #pendingLen} of the 10-byte fixed header; {@return false if no member} */
  private boolean fixedHeaderByte(int b) throws ZipException {
    pending[pendingLen++] = (byte) b;
    switch (pendingLen) {
      case 1, 2 -> {
        if (b != (pendingLen == 1 ? 0x1f : 0x8b)) {
          notAMember("not in gzip format");
          return false;
        }
      }
      case 3 -> {
        if (b != 8) {
          notAMember("unsupported gzip method " + b);
          return false;
        }
      }
      case 4 -> {
        if ((b & 0xE0) != 0) throw new ZipException("reserved gzip flags set");
        flags = b;
      }
      case 10 -> {
        if ((flags & FHCRC) != 0) {
          headerCrc.reset();
          headerCrc.update(pending, 0, 10);
        }
        enter((flags & FEXTRA) != 0 ? Field.EXTRA_LENGTH : afterExtra());
      }
      default -> {}
    }
    return true;
  }

  private Field afterExtra() {
    return (flags & FNAME) != 0 ? Field.NAME : afterName();
  }

  private Field afterName() {
    return (flags & FCOMMENT) != 0 ? Field.COMMENT : afterComment();
  }

  private Field afterComment() {
    return (flags & FHCRC) != 0 ? Field.HEADER_CRC : Field.END;
  }

  private void enter(Field f) {
    field = f;
    fieldValue = 0;
    fieldLength = 0;
  }

  /** {@return the next input byte, counted in the header CRC} */
  private int headerByte() {
    int b = input.get() & 0xFF;
    if ((flags & FHCRC) != 0) headerCrc.update(b);
    return b;
  }

  /** Skips {@code n} input bytes of the header, counting them in the header CRC. */
  private void skipHeaderBytes(int n) {
    if ((flags & FHCRC) != 0) headerCrc.update(input.slice(input.position(), n));
    input.position(input.position() + n);
  }

  /**
   * {@return true once the first two bytes are in: zlib-wrapped or raw deflate is decided then, and
   * both bytes are given back to the inflater}
   */
  private boolean zlibHeader() {
    pending[pendingLen++] = input.get();
    return pendingLen == 2;
  }

  private void startData() {
    if (gzip) {
      inflater = new Inflater(true);
    } else {
      int cmf = u8(0);
      int flg = u8(1);
      boolean zlib = (cmf & 0x0F) == 8 && (cmf >>> 4) <= 7 && ((cmf << 8) | flg) % 31 == 0;
      inflater = new Inflater(!zlib);
      inflater.setInput(Arrays.copyOf(pending, 2));
      onHeldBytes = true;
      // Those two bytes go through the inflater before the rest of the chunk: inflate them now,
      // so the inflater asks for input again when they are used up.
    }
    pendingLen = 0;
    state = State.DATA;
  }

  @Override
  public void cancel() {
    if (state != State.DONE) {
      state = State.DONE;
      if (inflater != null) inflater.end();
      input = null;
    }
    source.cancel();
  }
}
