package io.kyoto.web;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An HTTP cookie (RFC 6265): what {@link Response#cookie} sends as {@code Set-Cookie} and {@link
 * Request#cookie} reads back from {@code Cookie}.
 *
 * {@snippet :
 * Response.text("signed in")
 *     .cookie(Cookie.of("session", token).path("/").httpOnly(true).secure(true)
 *         .sameSite(Cookie.SameSite.LAX).maxAge(Duration.ofHours(8)));
 * }
 *
 * <p>Names must be tokens and values cookie-octets (RFC 6265 section 4.1.1: no spaces, double
 * quotes, commas, semicolons, backslashes or control characters; encode anything else, e.g. with
 * Base64url), and {@code Path} and {@code Domain} ASCII without {@code ;} or control characters, so
 * a cookie can never smuggle another attribute or header field in: the factory and the attribute
 * methods throw {@link IllegalArgumentException} otherwise. {@code SameSite=None} needs {@code
 * Secure}, as browsers require.
 *
 * @param name the name
 * @param value the value (possibly empty)
 * @param path the {@code Path} attribute, or null
 * @param domain the {@code Domain} attribute, or null
 * @param maxAge the {@code Max-Age} attribute, or null; zero or negative deletes the cookie
 * @param expires the {@code Expires} attribute, or null
 * @param secure the {@code Secure} attribute
 * @param httpOnly the {@code HttpOnly} attribute
 * @param sameSite the {@code SameSite} attribute, or null
 */
public record Cookie(
    String name,
    String value,
    String path,
    String domain,
    Duration maxAge,
    Instant expires,
    boolean secure,
    boolean httpOnly,
    SameSite sameSite) {

  /** The {@code SameSite} attribute's values. */
  public enum SameSite {
    /** Sent on same-site requests only. */
    STRICT("Strict"),
    /** Also sent on top-level navigations from other sites (browsers' default). */
    LAX("Lax"),
    /** Sent on cross-site requests too; needs {@code Secure}. */
    NONE("None");

    private final String text;

    SameSite(String text) {
      this.text = text;
    }
  }

  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);

  /**
   * Checks the fields.
   *
   * @throws IllegalArgumentException if a name, value or attribute could break the header
   */
  public Cookie {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (name.isEmpty() || !Tokens.isToken(name)) {
      throw new IllegalArgumentException("a cookie name must be a token: \"" + name + "\"");
    }
    if (!isCookieValue(value)) {
      throw new IllegalArgumentException(
          "a cookie value may not hold spaces, quotes, commas, semicolons, backslashes or control"
              + " characters (encode it): \""
              + value
              + "\"");
    }
    checkAttribute("path", path);
    checkAttribute("domain", domain);
    if (sameSite == SameSite.NONE && !secure) {
      throw new IllegalArgumentException(
          "SameSite=None needs Secure: browsers refuse such a cookie (cookie " + name + ")");
    }
  }

  /**
   * {@return a session cookie with no attributes}
   *
   * @param name a token
   * @param value cookie-octets
   */
  public static Cookie of(String name, String value) {
    return new Cookie(name, value, null, null, null, null, false, false, null);
  }

  /**
   * {@return a cookie that deletes {@code name} in the browser: empty, {@code Max-Age=0} and an
   * {@code Expires} in the past} Give the same path and domain as the cookie had.
   *
   * @param name the cookie's name
   */
  public static Cookie removal(String name) {
    return new Cookie(name, "", null, null, Duration.ZERO, Instant.EPOCH, false, false, null);
  }

  /**
   * {@return a copy with {@code Path}}
   *
   * @param path the path, e.g. {@code /}
   */
  public Cookie path(String path) {
    return new Cookie(name, value, path, domain, maxAge, expires, secure, httpOnly, sameSite);
  }

  /**
   * {@return a copy with {@code Domain}}
   *
   * @param domain the domain
   */
  public Cookie domain(String domain) {
    return new Cookie(name, value, path, domain, maxAge, expires, secure, httpOnly, sameSite);
  }

  /**
   * {@return a copy with {@code Max-Age} (whole seconds)}
   *
   * @param maxAge the lifetime; zero or negative deletes the cookie
   */
  public Cookie maxAge(Duration maxAge) {
    return new Cookie(name, value, path, domain, maxAge, expires, secure, httpOnly, sameSite);
  }

  /**
   * {@return a copy with {@code Expires}}
   *
   * @param expires the instant
   */
  public Cookie expires(Instant expires) {
    return new Cookie(name, value, path, domain, maxAge, expires, secure, httpOnly, sameSite);
  }

  /**
   * {@return a copy with or without {@code Secure}}
   *
   * @param secure whether browsers send it over https only
   */
  public Cookie secure(boolean secure) {
    return new Cookie(name, value, path, domain, maxAge, expires, secure, httpOnly, sameSite);
  }

  /**
   * {@return a copy with or without {@code HttpOnly}}
   *
   * @param httpOnly whether scripts are kept from reading it
   */
  public Cookie httpOnly(boolean httpOnly) {
    return new Cookie(name, value, path, domain, maxAge, expires, secure, httpOnly, sameSite);
  }

  /**
   * {@return a copy with {@code SameSite}}
   *
   * @param sameSite the policy, or null for none
   */
  public Cookie sameSite(SameSite sameSite) {
    return new Cookie(name, value, path, domain, maxAge, expires, secure, httpOnly, sameSite);
  }

  /** {@return the {@code Set-Cookie} field value} */
  public String toSetCookie() {
    StringBuilder b = new StringBuilder(name).append('=').append(value);
    if (path != null) b.append("; Path=").append(path);
    if (domain != null) b.append("; Domain=").append(domain);
    if (maxAge != null) b.append("; Max-Age=").append(Math.max(0, maxAge.toSeconds()));
    if (expires != null) b.append("; Expires=").append(HTTP_DATE.format(expires));
    if (secure) b.append("; Secure");
    if (httpOnly) b.append("; HttpOnly");
    if (sameSite != null) b.append("; SameSite=").append(sameSite.text);
    return b.toString();
  }

  /**
   * {@return the name-value pairs of {@code Cookie} field values, in order} RFC 6265 section 5.4's
   * shape, read leniently as browsers write it: pairs are split at {@code ;}, a pair without {@code
   * =} or with an empty name is skipped, names and values are trimmed, and a value in double quotes
   * loses them.
   *
   * <p>Only pairs that could be sent again as a {@code Cookie} are returned: a pair whose name is
   * not a token or whose value is not cookie-octets is skipped here. {@link Request#cookie} still
   * reads such a value (a browser script may set one), as {@link #value(List, String)} does.
   *
   * @param cookieHeaders the {@code Cookie} field values (a request should have one)
   */
  public static List<Cookie> parse(List<String> cookieHeaders) {
    List<Cookie> out = new ArrayList<>();
    for (String header : cookieHeaders) {
      for (String pair : header.split(";")) {
        int eq = pair.indexOf('=');
        if (eq <= 0) continue;
        String n = pair.substring(0, eq).trim();
        String v = unquote(pair.substring(eq + 1).trim());
        if (n.isEmpty() || !Tokens.isToken(n) || !isCookieValue(v)) continue;
        out.add(of(n, v));
      }
    }
    return out;
  }

  /**
   * {@return the value of the first cookie {@code name} in {@code Cookie} field values, or null}
   * Read as browsers send cookies, which is laxer than what {@link #parse} returns: a script's
   * {@code document.cookie} may set any value without {@code ;} or control characters (RFC 6265bis
   * section 5.6), so spaces, commas, double quotes and backslashes are kept (JSON values arrive
   * whole), as warp's cookie filter keeps them. Pairs are split at {@code ;}, names and values are
   * trimmed, and a value in double quotes loses them; a value holding a control character is
   * skipped.
   *
   * @param cookieHeaders the {@code Cookie} field values
   * @param name the cookie's name
   */
  public static String value(List<String> cookieHeaders, String name) {
    for (String header : cookieHeaders) {
      for (String pair : header.split(";")) {
        int eq = pair.indexOf('=');
        if (eq <= 0 || !pair.substring(0, eq).trim().equals(name)) continue;
        String v = unquote(pair.substring(eq + 1).trim());
        if (!hasControl(v)) return v;
      }
    }
    return null;
  }

  private static String unquote(String v) {
    return v.length() >= 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"'
        ? v.substring(1, v.length() - 1)
        : v;
  }

  private static boolean hasControl(String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < 0x20 || c == 0x7F) return true;
    }
    return false;
  }

  private static boolean isCookieValue(String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      // cookie-octet: %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
      if (c < 0x21 || c > 0x7E || c == '"' || c == ',' || c == ';' || c == '\\') return false;
    }
    return true;
  }

  private static void checkAttribute(String what, String v) {
    if (v == null) return;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      // RFC 6265 section 4.1.1: <any CHAR except CTLs or ";">, CHAR being US-ASCII
      if (c < 0x20 || c >= 0x7F || c == ';') {
        throw new IllegalArgumentException(
            "a cookie "
                + what
                + " may not hold ';', control or non-ASCII characters (percent-encode a path,"
                + " punycode a domain): \""
                + v
                + "\"");
      }
    }
  }
}
