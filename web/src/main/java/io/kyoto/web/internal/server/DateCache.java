package io.kyoto.web.internal.server;

import java.nio.charset.StandardCharsets;

/**
 * The {@code date: <IMF-fixdate>\r\n} header line, formatted at most once per second and shared by
 * every connection (RFC 9110 section 6.6.1: a server with a clock sends Date).
 *
 * <p>Formatted by hand rather than with {@code java.time.format.DateTimeFormatter}: the first use
 * of a pattern formatter loads the locale providers and resource bundles (over 100 classes, tens of
 * ms) on the way to a server's first response; an IMF-fixdate is fixed-width ASCII in UTC and needs
 * none of that.
 */
final class DateCache {
  private static final byte[] DAYS = "ThuFriSatSunMonTueWed".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MONTHS =
      "JanFebMarAprMayJunJulAugSepOctNovDec".getBytes(StandardCharsets.US_ASCII);

  private record Line(long second, byte[] bytes) {}

  private static volatile Line current = new Line(0, format(System.currentTimeMillis() / 1000));

  private DateCache() {}

  /** {@return the header line for the current second, CRLF included} */
  static byte[] line() {
    long second = System.currentTimeMillis() / 1000;
    Line line = current;
    if (line.second != second) {
      line = new Line(second, format(second));
      current = line;
    }
    return line.bytes;
  }

  /**
   * {@return {@code date: Sun, 06 Nov 1994 08:49:37 GMT\r\n} for {@code second} since the epoch}
   * Years 0-9999 (four digits), as IMF-fixdate allows.
   */
  static byte[] format(long second) {
    long days = Math.floorDiv(second, 86_400L);
    int secOfDay = (int) Math.floorMod(second, 86_400L);
    // 1970-01-01 was a Thursday: DAYS starts there.
    int weekday = (int) Math.floorMod(days, 7L);
    // Civil date from days since the epoch (H. Hinnant's days_from_civil inverse), proleptic
    // Gregorian as java.time uses.
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097L);
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int day = (int) (doy - (153 * mp + 2) / 5 + 1);
    int month = (int) (mp < 10 ? mp + 3 : mp - 9);
    long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    byte[] b = new byte[37];
    int i = put(b, 0, "date: ");
    System.arraycopy(DAYS, weekday * 3, b, i, 3);
    i = put(b, i + 3, ", ");
    i = two(b, i, day);
    b[i++] = ' ';
    System.arraycopy(MONTHS, (month - 1) * 3, b, i, 3);
    b[i + 3] = ' ';
    i += 4;
    i = two(b, i, (int) (year / 100));
    i = two(b, i, (int) (year % 100));
    b[i++] = ' ';
    i = two(b, i, secOfDay / 3600);
    b[i++] = ':';
    i = two(b, i, secOfDay / 60 % 60);
    b[i++] = ':';
    i = two(b, i, secOfDay % 60);
    put(b, i, " GMT\r\n");
    return b;
  }

  private static int put(byte[] b, int at, String ascii) {
    for (int k = 0; k < ascii.length(); k++) {
      b[at + k] = (byte) ascii.charAt(k);
    }
    return at + ascii.length();
  }

  private static int two(byte[] b, int at, int v) {
    b[at] = (byte) ('0' + v / 10);
    b[at + 1] = (byte) ('0' + v % 10);
    return at + 2;
  }
}
