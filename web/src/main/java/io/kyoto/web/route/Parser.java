package io.kyoto.web.route;

import java.util.UUID;

/**
 * Turns the text of a path segment, query parameter or header into a value. Any method reference of
 * the right shape is a parser ({@code Long::parseLong}, {@code Instant::parse}); an exception
 * becomes a 400 rejection naming the parameter and the expected {@linkplain #description() kind}.
 *
 * @param <T> the value type
 */
@FunctionalInterface
public interface Parser<T> {
  /** Text as it is. */
  Parser<String> STRING = named("a string", s -> s);

  /**
   * A decimal {@code int}: ASCII digits with an optional sign ({@code Integer.parseInt} alone takes
   * any Unicode digit, so that {@code ١٢} and {@code １２} would name the same id as {@code 12}).
   */
  Parser<Integer> INT = named("an integer", s -> Integer.parseInt(asciiDecimal(s)));

  /** A decimal {@code long}: ASCII digits with an optional sign, as {@link #INT}. */
  Parser<Long> LONG = named("a long integer", s -> Long.parseLong(asciiDecimal(s)));

  /** A UUID in its canonical 36-character form. */
  Parser<UUID> UUID =
      named(
          "a UUID",
          s -> {
            if (s.length() != 36) throw new IllegalArgumentException("not a UUID");
            return java.util.UUID.fromString(s);
          });

  /** {@code true} or {@code false}, ignoring case. */
  Parser<Boolean> BOOLEAN =
      named(
          "a boolean",
          s -> {
            if (s.equalsIgnoreCase("true")) return true;
            if (s.equalsIgnoreCase("false")) return false;
            throw new IllegalArgumentException("not a boolean");
          });

  /**
   * Parses {@code text}.
   *
   * @param text the decoded text
   * @return the value
   * @throws Exception if the text is not valid
   */
  T parse(String text) throws Exception;

  /** {@return a phrase naming what this parser accepts, used in 400 messages} */
  default String description() {
    return "valid";
  }

  /**
   * {@return {@code parser} described as {@code description} in error messages}
   *
   * @param description e.g. {@code "an ISO date"}
   * @param parser the parser
   * @param <T> the value type
   */
  static <T> Parser<T> named(String description, Parser<T> parser) {
    return new Parser<>() {
      @Override
      public T parse(String text) throws Exception {
        return parser.parse(text);
      }

      @Override
      public String description() {
        return description;
      }
    };
  }

  /**
   * {@return {@code s} if it is an ASCII decimal number with an optional sign}
   *
   * @throws NumberFormatException otherwise
   */
  private static String asciiDecimal(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < '0' || c > '9') && !(i == 0 && (c == '-' || c == '+') && s.length() > 1)) {
        throw new NumberFormatException("not an ASCII decimal number: " + s);
      }
    }
    return s;
  }
}
