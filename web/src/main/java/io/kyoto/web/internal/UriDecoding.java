package io.kyoto.web.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Percent-decoding of paths, queries and forms, shared by the HTTP model and the router. */
public final class UriDecoding {
  private UriDecoding() {}

  /**
   * {@return {@code s} with its {@code %XX} escapes decoded as UTF-8} Strict, as warp: an escape
   * that is cut short or not hex, or bytes that are not UTF-8 ({@code %C0%AF}), fail instead of
   * becoming U+FFFD, so two different requests never decode to one value.
   *
   * @param s the encoded text
   * @param plusIsSpace whether {@code +} means a space ({@code application/x-www-form-urlencoded})
   * @throws IllegalArgumentException naming what is wrong
   */
  public static String percentDecode(String s, boolean plusIsSpace) {
    if (s.indexOf('%') < 0 && (!plusIsSpace || s.indexOf('+') < 0)) return s;
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
        int lo = hi < 0 ? -1 : Character.digit(s.charAt(i + 2), 16);
        if (lo < 0) throw new IllegalArgumentException("malformed percent-encoding");
        out.write(hi << 4 | lo);
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        out.write(' ');
      } else if (c < 0x80) {
        out.write(c);
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(out.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("percent-encoding that is not UTF-8");
    }
  }
}
