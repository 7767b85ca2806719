package io.kyoto.web.internal.h1;

import static io.kyoto.web.internal.h1.H1Syntax.CR;
import static io.kyoto.web.internal.h1.H1Syntax.HTAB;
import static io.kyoto.web.internal.h1.H1Syntax.LF;
import static io.kyoto.web.internal.h1.H1Syntax.SP;

import io.kyoto.web.HttpException;
import io.kyoto.web.Status;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * An incremental decoder of the chunked transfer coding (RFC 9112 section 7.1). It is a byte-level
 * state machine: it never buffers input, so its memory does not grow with the body, and input may
 * be split anywhere.
 *
 * <p>Rules: chunk-size is 1*HEXDIG with at most 15 significant digits (no sign, no {@code 0x}, no
 * whitespace before or after it); chunk extensions ({@code ;name=value}) are skipped but the whole
 * chunk-size line is bounded by {@link H1Limits#maxChunkLineBytes()}; chunk data must be followed
 * by exactly CRLF; trailer fields follow the header field-line rules (no obs-fold, no whitespace
 * before the colon, no CTLs) and are discarded, bounded by {@link H1Limits#maxTrailerBytes()} (431
 * when passed). Every other error is 400. Line endings are CRLF only.
 *
 * <p>One instance decodes one body; it is not thread safe.
 */
public final class ChunkedDecoder {
  private static final int SIZE_START = 0;
  private static final int SIZE = 1;
  private static final int EXT = 2;
  private static final int SIZE_LF = 3;
  private static final int DATA = 4;
  private static final int DATA_CR = 5;
  private static final int DATA_LF = 6;
  private static final int TRAILER_LINE = 7;
  private static final int TRAILER_NAME = 8;
  private static final int TRAILER_VALUE = 9;
  private static final int TRAILER_LF = 10;
  private static final int FINAL_LF = 11;
  private static final int DONE = 12;

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

  private final H1Limits limits;
  private int state = SIZE_START;
  private long size;
  private int digits;
  private int lineBytes;
  private int trailerBytes;
  private long remaining;

  /**
   * Creates a decoder for one body.
   *
   * @param limits the limits to enforce
   */
  public ChunkedDecoder(H1Limits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** {@return whether the last chunk, the trailers and the final CRLF have been consumed} */
  public boolean isDone() {
    return state == DONE;
  }

  /**
   * Consumes framing bytes and returns the next chunk data available in {@code in}.
   *
   * @param in the input in read mode; its position advances past what was consumed
   * @return a non-empty slice of {@code in} (a view: copy it before reusing {@code in}'s storage)
   *     holding chunk data; an empty buffer when more input is needed; or null when the body is
   *     complete (then {@link #isDone()} is true and nothing past the final CRLF was consumed)
   * @throws HttpException 400 for malformed framing, 431 for a trailer section over the limit
   */
  public ByteBuffer decode(ByteBuffer in) throws HttpException {
    int p = in.position();
    final int limit = in.limit();
    try {
      while (true) {
        if (state == DONE) return null;
        if (state == DATA) {
          int avail = limit - p;
          if (avail == 0) return EMPTY;
          int n = (int) Math.min(avail, remaining);
          ByteBuffer data = in.slice(p, n);
          p += n;
          remaining -= n;
          if (remaining == 0) state = DATA_CR;
          return data;
        }
        if (p >= limit) return EMPTY;
        byte c = in.get(p++);
        switch (state) {
          case SIZE_START -> {
            int d = hex(c);
            if (d < 0) throw bad("invalid chunk size");
            size = d;
            digits = d == 0 ? 0 : 1;
            lineBytes = 1;
            state = SIZE;
          }
          case SIZE -> {
            lineLimit();
            int d = hex(c);
            if (d >= 0) {
              if (digits > 0 || d != 0) digits++;
              if (digits > 15) throw bad("chunk size too large");
              size = (size << 4) | d;
            } else if (c == ';') {
              state = EXT;
            } else if (c == CR) {
              state = SIZE_LF;
            } else {
              throw bad("invalid chunk size");
            }
          }
          case EXT -> {
            lineLimit();
            if (c == CR) {
              state = SIZE_LF;
            } else if (!H1Syntax.isFieldByte(c)) {
              throw bad("invalid character in chunk extension");
            }
          }
          case SIZE_LF -> {
            if (c != LF) throw bad("chunk-size line not ended by CRLF");
            if (size == 0) {
              state = TRAILER_LINE;
            } else {
              remaining = size;
              state = DATA;
            }
          }
          case DATA_CR -> {
            if (c != CR) throw bad("chunk data not followed by CRLF");
            state = DATA_LF;
          }
          case DATA_LF -> {
            if (c != LF) throw bad("chunk data not followed by CRLF");
            state = SIZE_START;
          }
          case TRAILER_LINE -> {
            if (c == CR) {
              state = FINAL_LF;
            } else if (c == SP || c == HTAB) {
              throw bad("obsolete line folding in trailer section");
            } else if (H1Syntax.isTchar(c)) {
              trailerByte();
              state = TRAILER_NAME;
            } else {
              throw bad("invalid trailer field name");
            }
          }
          case TRAILER_NAME -> {
            trailerByte();
            if (c == ':') {
              state = TRAILER_VALUE;
            } else if (!H1Syntax.isTchar(c)) {
              throw bad("invalid trailer field name");
            }
          }
          case TRAILER_VALUE -> {
            trailerByte();
            if (c == CR) {
              state = TRAILER_LF;
            } else if (!H1Syntax.isFieldByte(c)) {
              throw bad("invalid character in trailer value");
            }
          }
          case TRAILER_LF -> {
            trailerByte();
            if (c != LF) throw bad("bare CR in trailer section");
            state = TRAILER_LINE;
          }
          case FINAL_LF -> {
            if (c != LF) throw bad("bare CR in trailer section");
            state = DONE;
          }
          default -> throw new IllegalStateException("state " + state);
        }
      }
    } finally {
      in.position(p);
    }
  }

  private void lineLimit() throws HttpException {
    if (++lineBytes > limits.maxChunkLineBytes()) throw bad("chunk-size line too long");
  }

  private void trailerByte() throws HttpException {
    if (++trailerBytes > limits.maxTrailerBytes()) {
      throw new HttpException(Status.REQUEST_HEADER_FIELDS_TOO_LARGE, "trailer section too large");
    }
  }

  private static int hex(byte c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  private static HttpException bad(String message) {
    return new HttpException(Status.BAD_REQUEST, message);
  }
}
