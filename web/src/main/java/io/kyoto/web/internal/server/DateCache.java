package io.kyoto.web.internal.server;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code date: <IMF-fixdate>\r\n} header line, formatted at most once per second and shared by
 * every connection (RFC 9110 section 6.6.1: a server with a clock sends Date).
 */
final class DateCache {
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private record Line(long second, byte[] bytes) {}

  private static volatile Line current = format(System.currentTimeMillis() / 1000);

  private DateCache() {}

  /** {@return the header line for the current second, CRLF included} */
  static byte[] line() {
    long second = System.currentTimeMillis() / 1000;
    Line line = current;
    if (line.second != second) {
      line = format(second);
      current = line;
    }
    return line.bytes;
  }

  private static Line format(long second) {
    String text = "date: " + IMF_FIXDATE.format(Instant.ofEpochSecond(second)) + "\r\n";
    return new Line(second, text.getBytes(StandardCharsets.US_ASCII));
  }
}
