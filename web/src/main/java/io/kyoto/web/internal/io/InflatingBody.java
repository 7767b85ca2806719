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
 *   <li>{@code gzip} (RFC 1952): every header field is understood (extra, name, comment, header
 *       CRC); the trailer's CRC-32 and length are checked; concatenated members are decoded one
 *       after the other, and bytes after the last member that do not start a new one are ignored,
 *       as {@link java.util.zip.GZIPInputStream} does.
 *   <li>{@code deflate} (RFC 9110 section 8.4.1.2: the zlib format of RFC 1950, checksum checked);
 *       a raw deflate stream without the zlib header, which some servers send, is recognised by its
 *       first two bytes and decoded too, as browsers and curl do.
 * </ul>
 *
 * <p>Malformed or truncated data fails the read with a {@link ZipException} or {@link
 * EOFException}. Each decoded chunk lives in one reused buffer, valid until the next poll (the
 * {@link Body} contract). The inflater's native memory is freed at the end, on {@link #cancel()},
 * or by its cleaner.
 */
public final class InflatingBody implements Body {
  private static final int OUT = 16 * 1024;
  private static final int MAX_HEADER = 16 * 1024;

  private enum State {
    HEADER,
    DATA,
    TRAILER,
    BETWEEN_MEMBERS,
    IGNORE_REST,
    DONE
  }

  private final Body source;
  private final boolean gzip;
  private Inflater inflater;
  private final CRC32 crc = new CRC32();
  private long size;
  private byte[] out;
  private ByteBuffer input; // the source's current chunk, valid until the source is polled again
  private byte[] pending = new byte[16]; // header or trailer bytes gathered across chunks
  private int pendingLen;
  private State state = State.HEADER;
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
        }
        case HEADER, TRAILER, BETWEEN_MEMBERS, IGNORE_REST -> {
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
      // What the inflater did not use of this chunk is the trailer (or the next member).
      if (input != null) input.position(input.limit() - inflater.getRemaining());
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
        gather(input.get());
        int len = gzip ? gzipHeaderLength() : zlibHeaderLength();
        if (len >= 0) startData();
        else if (pendingLen > MAX_HEADER) throw new ZipException("gzip header too long");
      }
      case TRAILER -> {
        gather(input.get());
        if (pendingLen == 8) {
          long expectCrc = le32(0);
          long expectSize = le32(4);
          if (expectCrc != crc.getValue()) throw new ZipException("gzip CRC-32 mismatch");
          if (expectSize != (size & 0xFFFF_FFFFL)) throw new ZipException("gzip length mismatch");
          inflater.end();
          state = State.BETWEEN_MEMBERS;
          pendingLen = 0;
        }
      }
      case BETWEEN_MEMBERS -> {
        gather(input.get());
        if ((pending[0] & 0xFF) != 0x1f) {
          state = State.IGNORE_REST;
        } else if (pendingLen == 2) {
          if ((pending[1] & 0xFF) != 0x8b) {
            state = State.IGNORE_REST;
          } else {
            crc.reset();
            size = 0;
            state = State.HEADER; // a concatenated member: its header goes on from these 2 bytes
          }
        }
      }
      case IGNORE_REST -> input.position(input.limit());
      default -> throw new IllegalStateException(state.name());
    }
  }

  private void endOfSource() throws Exception {
    switch (state) {
      case HEADER -> {
        if (pendingLen == 0 && inflater == null) {
          // An empty body labelled as compressed (some servers do that for an empty answer):
          // empty, as browsers and curl read it.
          state = State.DONE;
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

  private void gather(byte b) {
    if (pendingLen == pending.length) pending = Arrays.copyOf(pending, pending.length * 2);
    pending[pendingLen++] = b;
  }

  private int u8(int i) {
    return pending[i] & 0xFF;
  }

  private long le32(int at) {
    return (u8(at) | (u8(at + 1) << 8) | (u8(at + 2) << 16) | ((long) u8(at + 3) << 24));
  }

  /** {@return the full gzip header's length once gathered, or -1 while more is needed} */
  private int gzipHeaderLength() throws ZipException {
    if (pendingLen >= 1 && u8(0) != 0x1f) throw new ZipException("not in gzip format");
    if (pendingLen >= 2 && u8(1) != 0x8b) throw new ZipException("not in gzip format");
    if (pendingLen >= 3 && u8(2) != 8) throw new ZipException("unsupported gzip method " + u8(2));
    if (pendingLen < 10) return -1;
    int flags = u8(3);
    if ((flags & 0xE0) != 0) throw new ZipException("reserved gzip flags set");
    int at = 10;
    if ((flags & 4) != 0) { // FEXTRA
      if (pendingLen < at + 2) return -1;
      at += 2 + (u8(at) | (u8(at + 1) << 8));
      if (pendingLen < at) return -1;
    }
    for (int flag : new int[] {8, 16}) { // FNAME, FCOMMENT: zero-terminated
      if ((flags & flag) != 0) {
        while (true) {
          if (pendingLen <= at) return -1;
          if (pending[at++] == 0) break;
        }
      }
    }
    if ((flags & 2) != 0) { // FHCRC
      if (pendingLen < at + 2) return -1;
      CRC32 h = new CRC32();
      h.update(pending, 0, at);
      int expect = u8(at) | (u8(at + 1) << 8);
      if ((h.getValue() & 0xFFFF) != expect) throw new ZipException("gzip header CRC mismatch");
      at += 2;
    }
    return pendingLen == at ? at : -1;
  }

  /**
   * {@return 0 once the first two bytes are in: zlib-wrapped or raw deflate is decided then, and
   * both bytes are given back to the inflater} -1 while fewer are in.
   */
  private int zlibHeaderLength() {
    return pendingLen < 2 ? -1 : 0;
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
