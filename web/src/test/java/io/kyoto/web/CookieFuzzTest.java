package io.kyoto.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of {@link Cookie#parse}, {@link Cookie}'s validation and {@link
 * Cookie#toSetCookie} with Jazzer.
 *
 * <p>Plain {@code mvn test} replays the seeds in {@code
 * src/test/resources/io/kyoto/web/CookieFuzzTestInputs/<method>/} (regression mode). Fuzzing mode:
 * {@code mvn -B -pl web -am test -Pfuzz} (every target of the profile), or one short session:
 * {@code JAZZER_FUZZ=1 JAZZER_MAX_DURATION=60s mvn -B -pl web -am test
 * -Dtest='CookieFuzzTest#parse' -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>Input layout (FuzzedDataProvider): for {@link #parse}, up to three {@code Cookie} field
 * values, each ended by a backslash and one more byte ({@code \\} being a backslash); for {@link
 * #setCookie}, a flags byte and two longs taken from the end, then the name, value, path and domain
 * strings from the front, ended the same way.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>{@code parse} never throws, and every cookie it returns is one {@link Cookie#of} accepts;
 *   <li>{@link Cookie}'s constructor accepts exactly what RFC 6265 section 4.1.1 allows (an
 *       independent check in this class) and throws {@link IllegalArgumentException} otherwise;
 *   <li>a valid cookie's {@code Set-Cookie} value is a valid field value (a {@link Response} can
 *       carry it), and read back as a {@code Cookie} field it gives the same name and value first.
 * </ul>
 */
class CookieFuzzTest {

  @FuzzTest(maxDuration = "10m")
  void parse(FuzzedDataProvider data) {
    List<String> fields = new ArrayList<>();
    int n = data.consumeInt(1, 3);
    for (int i = 0; i < n; i++) fields.add(data.consumeString(300));
    List<Cookie> cookies = Cookie.parse(fields);
    for (Cookie c : cookies) {
      Cookie again = Cookie.of(c.name(), c.value());
      assertEquals(c, again);
    }
  }

  @FuzzTest(maxDuration = "10m")
  void setCookie(FuzzedDataProvider data) {
    int flags = data.consumeInt(0, 255);
    long maxAge = data.consumeLong();
    long expires = data.consumeLong(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond());
    String name = data.consumeString(40);
    String value = data.consumeString(80);
    String path = (flags & 1) != 0 ? data.consumeString(80) : null;
    String domain = (flags & 2) != 0 ? data.consumeString(80) : null;
    Cookie.SameSite sameSite = (flags >>> 6) == 3 ? null : Cookie.SameSite.values()[flags >>> 6];
    boolean secure = (flags & 4) != 0;
    boolean valid =
        isToken(name)
            && isCookieValue(value)
            && isAttribute(path)
            && isAttribute(domain)
            && (sameSite != Cookie.SameSite.NONE || secure);
    Cookie c;
    try {
      c =
          new Cookie(
              name,
              value,
              path,
              domain,
              (flags & 16) != 0 ? Duration.ofSeconds(maxAge) : null,
              (flags & 32) != 0 ? Instant.ofEpochSecond(expires) : null,
              secure,
              (flags & 8) != 0,
              sameSite);
    } catch (IllegalArgumentException e) {
      assertTrue(!valid, "a valid cookie refused: " + e.getMessage());
      return;
    }
    assertTrue(valid, "an invalid cookie accepted: " + c);
    String setCookie = c.toSetCookie();
    Response.ok().cookie(c); // throws if the value could break the field
    List<Cookie> back = Cookie.parse(List.of(setCookie));
    assertTrue(!back.isEmpty(), "nothing read back from " + setCookie);
    assertEquals(name, back.getFirst().name());
    assertEquals(value, back.getFirst().value());
  }

  // RFC 7230 section 3.2.6
  private static boolean isToken(String s) {
    if (s.isEmpty()) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean alnum = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
      if (!alnum && "!#$%&'*+-.^_`|~".indexOf(c) < 0) return false;
    }
    return true;
  }

  // RFC 6265 section 4.1.1: cookie-octet (the value is not quoted here)
  private static boolean isCookieValue(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean octet =
          c == 0x21
              || c >= 0x23 && c <= 0x2B
              || c >= 0x2D && c <= 0x3A
              || c >= 0x3C && c <= 0x5B
              || c >= 0x5D && c <= 0x7E;
      if (!octet) return false;
    }
    return true;
  }

  // RFC 6265 section 4.1.1: path-value and av-octets, <any CHAR except CTLs or ";">, CHAR ASCII
  private static boolean isAttribute(String s) {
    if (s == null) return true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7F || c == ';') return false;
    }
    return true;
  }
}
