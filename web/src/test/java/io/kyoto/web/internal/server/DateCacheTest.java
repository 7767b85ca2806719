package io.kyoto.web.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DateCacheTest {
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private static void check(long second) {
    String expected = "date: " + IMF_FIXDATE.format(Instant.ofEpochSecond(second)) + "\r\n";
    assertEquals(
        expected, new String(DateCache.format(second), StandardCharsets.US_ASCII), "" + second);
  }

  @Test
  void matchesJavaTime() {
    check(0);
    check(784_111_777L); // RFC 9110's example: Sun, 06 Nov 1994 08:49:37 GMT
    check(951_782_400L); // 2000-02-29
    check(4_107_542_400L); // 2100-03-01
    check(253_402_300_799L); // 9999-12-31T23:59:59
    check(-1);
    long now = System.currentTimeMillis() / 1000;
    for (long s = now - 86_400 * 3; s < now + 86_400 * 3; s += 997) {
      check(s);
    }
    SplittableRandom r = new SplittableRandom(42);
    for (int i = 0; i < 20_000; i++) {
      check(r.nextLong(-62_135_596_800L + 86_400, 253_402_300_799L));
    }
  }

  @Test
  void lineIsCurrent() {
    byte[] line = DateCache.line();
    long now = System.currentTimeMillis() / 1000;
    String text = new String(line, StandardCharsets.US_ASCII);
    String a = new String(DateCache.format(now), StandardCharsets.US_ASCII);
    String b = new String(DateCache.format(now - 1), StandardCharsets.US_ASCII);
    org.junit.jupiter.api.Assertions.assertTrue(text.equals(a) || text.equals(b), text);
  }
}
