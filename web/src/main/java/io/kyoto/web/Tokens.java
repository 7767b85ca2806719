package io.kyoto.web;

/** RFC 9110 character classes shared by the model types and the parser. */
final class Tokens {
  private static final boolean[] TCHAR = new boolean[128];

  static {
    for (char c = '0'; c <= '9'; c++) TCHAR[c] = true;
    for (char c = 'a'; c <= 'z'; c++) TCHAR[c] = true;
    for (char c = 'A'; c <= 'Z'; c++) TCHAR[c] = true;
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) TCHAR[c] = true;
  }

  private Tokens() {}

  static boolean isTchar(int c) {
    return c >= 0 && c < 128 && TCHAR[c];
  }

  static boolean isToken(CharSequence s) {
    if (s.isEmpty()) return false;
    for (int i = 0; i < s.length(); i++) {
      if (!isTchar(s.charAt(i))) return false;
    }
    return true;
  }

  /** A field value: VCHAR, obs-text, SP and HTAB; no CR, LF or NUL (no response splitting). */
  static boolean isFieldValue(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\t') continue;
      if (c < 0x20 || c == 0x7f || c > 0xff) return false;
    }
    return true;
  }
}
