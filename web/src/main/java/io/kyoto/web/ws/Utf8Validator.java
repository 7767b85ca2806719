package io.kyoto.web.ws;

/**
 * An incremental UTF-8 validator (RFC 3629: no overlong forms, no surrogates, nothing above
 * U+10FFFF), so a text message split over fragments is checked as it arrives.
 */
final class Utf8Validator {
  private int need;
  private int lo = 0x80;
  private int hi = 0xBF;

  /** Resets for a new message. */
  void reset() {
    need = 0;
    lo = 0x80;
    hi = 0xBF;
  }

  /**
   * Feeds bytes.
   *
   * @return false as soon as the bytes cannot be UTF-8
   */
  boolean feed(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      int c = b[i] & 0xFF;
      if (need == 0) {
        if (c < 0x80) continue;
        lo = 0x80;
        hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
          need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
          need = 2;
          if (c == 0xE0) lo = 0xA0;
          if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
          need = 3;
          if (c == 0xF0) lo = 0x90;
          if (c == 0xF4) hi = 0x8F;
        } else {
          return false;
        }
      } else {
        if (c < lo || c > hi) return false;
        need--;
        lo = 0x80;
        hi = 0xBF;
      }
    }
    return true;
  }

  /** {@return whether the bytes fed so far end on a character boundary} */
  boolean isComplete() {
    return need == 0;
  }

  static boolean isValid(byte[] b, int off, int len) {
    Utf8Validator v = new Utf8Validator();
    return v.feed(b, off, len) && v.isComplete();
  }
}
