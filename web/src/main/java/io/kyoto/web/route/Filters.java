package io.kyoto.web.route;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.web.Request;
import io.kyoto.web.internal.UriDecoding;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The stock {@link Filter}s: path parameters, query parameters, headers and bodies. Import them
 * statically; every failure is a {@link Rejection} with a message naming the problem.
 *
 * {@snippet :
 * router.get("/users/{id}/posts", path("id", Parser.LONG), queryOr("page", Parser.INT, 1))
 *     .handle((req, id, page) -> Response.text(id + " page " + page));
 * }
 *
 * <table class="striped">
 *   <caption>Rejections</caption>
 *   <tr><th>failure</th><th>status</th></tr>
 *   <tr><td>unparsable path parameter, query parameter or header; missing query or header; bad
 *       form body</td><td>400</td></tr>
 *   <tr><td>{@link #contentLengthLimit} without {@code Content-Length}</td><td>411</td></tr>
 *   <tr><td>body over its limit</td><td>413</td></tr>
 *   <tr><td>wrong {@code Content-Type} for {@link #form()} (or {@link Json#body})</td>
 *       <td>415</td></tr>
 * </table>
 */
public final class Filters {
  private Filters() {}

  /**
   * {@return the path parameter {@code {name}} as text, percent-decoded}
   *
   * @param name the name in the route's pattern (checked when the route is added)
   */
  public static Filter<String> path(String name) {
    return path(name, Parser.STRING);
  }

  /**
   * {@return the path parameter {@code {name}} parsed by {@code parser}} Unparsable → 400.
   *
   * @param name the name in the route's pattern (checked when the route is added)
   * @param parser the parser, e.g. {@link Parser#LONG} or {@code Instant::parse}
   * @param <T> the value type
   */
  public static <T> Filter<T> path(String name, Parser<T> parser) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(parser, "parser");
    // As text, a parameter the pattern has (checked at registration) is always there: no rejection.
    return new SyncFilter<>(
        ex -> parse("path parameter", name, ex.pathParam(name), parser),
        name,
        parser == Parser.STRING);
  }

  /**
   * {@return the required query parameter {@code name}, decoded} Missing → 400.
   *
   * @param name the name
   */
  public static Filter<String> query(String name) {
    return query(name, Parser.STRING);
  }

  /**
   * {@return the required query parameter {@code name}, parsed} Missing or unparsable → 400.
   *
   * @param name the name
   * @param parser the parser
   * @param <T> the value type
   */
  public static <T> Filter<T> query(String name, Parser<T> parser) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(parser, "parser");
    return Filter.of(
        ex -> {
          String v = queryValue(ex.request(), name);
          if (v == null) throw Rejection.badRequest("missing query parameter " + name);
          return parse("query parameter", name, v, parser);
        });
  }

  /**
   * {@return the query parameter {@code name} parsed, or {@code fallback} when absent} Unparsable →
   * 400.
   *
   * @param name the name
   * @param parser the parser
   * @param fallback the value when the parameter is absent
   * @param <T> the value type
   */
  public static <T> Filter<T> queryOr(String name, Parser<T> parser, T fallback) {
    return queryOptional(name, parser).map(o -> o.orElse(fallback));
  }

  /**
   * {@return the query parameter {@code name} parsed, or empty when absent} Unparsable → 400.
   *
   * @param name the name
   * @param parser the parser
   * @param <T> the value type
   */
  public static <T> Filter<Optional<T>> queryOptional(String name, Parser<T> parser) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(parser, "parser");
    return Filter.of(
        ex -> {
          String v = queryValue(ex.request(), name);
          return v == null
              ? Optional.empty()
              : Optional.of(parse("query parameter", name, v, parser));
        });
  }

  /**
   * {@return the first value of query parameter {@code name}, decoded, or null when absent} Unlike
   * {@link Request#queryParam}, a value with a malformed escape is not taken for an absent one: it
   * is a 400, so that {@link #queryOr} does not quietly fall back. Pairs whose name does not decode
   * are skipped.
   */
  private static String queryValue(Request request, String name) throws Rejection {
    String q = request.query();
    if (q == null) return null;
    for (String pair : q.split("&", -1)) {
      int eq = pair.indexOf('=');
      String key;
      try {
        key = UriDecoding.percentDecode(eq < 0 ? pair : pair.substring(0, eq), true);
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (!key.equals(name)) continue;
      if (eq < 0) return "";
      String raw = pair.substring(eq + 1);
      try {
        return UriDecoding.percentDecode(raw, true);
      } catch (IllegalArgumentException e) {
        String shown = raw.length() > 64 ? raw.substring(0, 64) + "…" : raw;
        throw Rejection.badRequest(
            "invalid query parameter " + name + ": " + e.getMessage() + " in \"" + shown + "\"");
      }
    }
    return null;
  }

  /** {@return every query parameter, decoded} A malformed escape → 400. */
  public static Filter<Form> queries() {
    return Filter.of(
        ex -> {
          try {
            return Form.parse(ex.request().query());
          } catch (IllegalArgumentException e) {
            throw Rejection.badRequest("invalid query string: " + e.getMessage());
          }
        });
  }

  /**
   * {@return the required header {@code name}} Missing → 400.
   *
   * @param name the header name, any case
   */
  public static Filter<String> header(String name) {
    return header(name, Parser.STRING);
  }

  /**
   * {@return the required header {@code name}, parsed} Missing or unparsable → 400.
   *
   * @param name the header name, any case
   * @param parser the parser
   * @param <T> the value type
   */
  public static <T> Filter<T> header(String name, Parser<T> parser) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(parser, "parser");
    return Filter.of(
        ex -> {
          String v = ex.request().header(name);
          if (v == null) throw Rejection.badRequest("missing request header " + name);
          return parse("header", name, v.trim(), parser);
        });
  }

  /**
   * {@return the header {@code name}, or empty when absent}
   *
   * @param name the header name, any case
   */
  public static Filter<Optional<String>> headerOptional(String name) {
    Objects.requireNonNull(name, "name");
    return Filter.of(ex -> Optional.ofNullable(ex.request().header(name)));
  }

  /**
   * {@return a filter that requires header {@code name} to equal {@code value} exactly} Missing or
   * different → 400. Its value is {@code value}; use it as a {@link Route0#guard guard}.
   *
   * @param name the header name, any case
   * @param value the required value (compared after trimming whitespace, case-sensitively)
   */
  public static Filter<String> headerExact(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    return Filter.of(
        ex -> {
          String v = ex.request().header(name);
          if (v == null) throw Rejection.badRequest("missing request header " + name);
          if (!v.trim().equals(value)) {
            throw Rejection.badRequest("header " + name + " must be \"" + value + "\"");
          }
          return value;
        });
  }

  /**
   * {@return the value of the request's cookie {@code name}} Missing → 400. warp's {@code cookie}.
   *
   * @param name the cookie's name
   */
  public static Filter<String> cookie(String name) {
    Objects.requireNonNull(name, "name");
    return Filter.of(
        ex -> {
          String v = ex.request().cookie(name);
          if (v == null) throw Rejection.badRequest("missing request cookie " + name);
          return v;
        });
  }

  /**
   * {@return the value of the request's cookie {@code name}, if it has one} warp's {@code
   * cookie::optional}.
   *
   * @param name the cookie's name
   */
  public static Filter<Optional<String>> cookieOptional(String name) {
    Objects.requireNonNull(name, "name");
    return Filter.of(ex -> Optional.ofNullable(ex.request().cookie(name)));
  }

  /**
   * {@return a guard requiring a {@code Content-Length} of at most {@code maxBytes}} warp's {@code
   * content_length_limit}: missing → 411, larger → 413, before any byte is read.
   *
   * @param maxBytes the limit
   */
  public static Filter<Long> contentLengthLimit(long maxBytes) {
    return Filter.of(
        ex -> {
          String v = ex.request().header("content-length");
          if (v == null) throw Rejection.lengthRequired();
          long n;
          try {
            n = Long.parseLong(v.trim());
          } catch (NumberFormatException e) {
            throw Rejection.badRequest("invalid Content-Length");
          }
          if (n > maxBytes) {
            throw Rejection.payloadTooLarge(
                "request body larger than the limit of " + maxBytes + " bytes");
          }
          return n;
        });
  }

  /** {@return the whole body, at most the router's {@linkplain Router#bodyLimit body limit}} */
  public static Filter<byte[]> bytes() {
    return ex -> ex.body(ex.bodyLimit());
  }

  /**
   * {@return the whole body} Larger → 413.
   *
   * @param maxBytes the limit
   */
  public static Filter<byte[]> bytes(int maxBytes) {
    return ex -> ex.body(maxBytes);
  }

  /** {@return the whole body as UTF-8 text, at most the router's body limit} */
  public static Filter<String> string() {
    return ex -> ex.body(ex.bodyLimit()).map(b -> new String(b, StandardCharsets.UTF_8));
  }

  /**
   * {@return the whole body as UTF-8 text} Larger → 413.
   *
   * @param maxBytes the limit
   */
  public static Filter<String> string(int maxBytes) {
    return ex -> ex.body(maxBytes).map(b -> new String(b, StandardCharsets.UTF_8));
  }

  /**
   * {@return an {@code application/x-www-form-urlencoded} body, at most the router's body limit}
   * Another content type → 415; a malformed body → 400.
   */
  public static Filter<Form> form() {
    return ex -> form(ex, ex.bodyLimit());
  }

  /**
   * {@return an {@code application/x-www-form-urlencoded} body} Another content type → 415; a
   * malformed body → 400; larger → 413.
   *
   * @param maxBytes the limit
   */
  public static Filter<Form> form(int maxBytes) {
    return ex -> form(ex, maxBytes);
  }

  private static Future<Form> form(Exchange ex, int maxBytes) {
    String type = mediaType(ex.request());
    if (!"application/x-www-form-urlencoded".equals(type)) {
      return Futures.failed(
          Rejection.unsupportedMediaType(
              "expected Content-Type application/x-www-form-urlencoded, got "
                  + (type == null ? "none" : type)));
    }
    return ex.body(maxBytes)
        .map(
            b -> {
              try {
                return Form.parse(new String(b, StandardCharsets.UTF_8));
              } catch (IllegalArgumentException e) {
                throw Rejection.badRequest("malformed form body: " + e.getMessage());
              }
            });
  }

  /**
   * {@return a {@code multipart/form-data} body (forms with files), at most the router's body
   * limit} Another content type → 415; no boundary or a malformed body → 400. See {@link
   * Multipart}.
   */
  public static Filter<Multipart> multipart() {
    return ex -> multipart(ex, ex.bodyLimit());
  }

  /**
   * {@return a {@code multipart/form-data} body} Another content type → 415; no boundary or a
   * malformed body → 400; larger than {@code maxBytes} → 413.
   *
   * @param maxBytes the limit for the whole body
   */
  public static Filter<Multipart> multipart(int maxBytes) {
    return ex -> multipart(ex, maxBytes);
  }

  private static Future<Multipart> multipart(Exchange ex, int maxBytes) {
    String boundary;
    try {
      boundary = multipartBoundary(ex.request());
    } catch (Rejection r) {
      return Futures.failed(r);
    }
    return ex.body(maxBytes).map(b -> Multipart.parse(boundary, b));
  }

  /**
   * {@return a {@code multipart/form-data} body read as it arrives, within the {@linkplain
   * MultipartLimits#defaults() default limits}} See {@link #multipartStream(MultipartLimits)}.
   */
  public static Filter<MultipartStream> multipartStream() {
    return multipartStream(MultipartLimits.defaults());
  }

  /**
   * {@return a {@code multipart/form-data} body read as it arrives: its parts one after the other,
   * each part's data a stream of chunks, in bounded memory} For uploads too large to hold: the
   * handler consumes the form (see {@link MultipartStream}); the body is read only as it does.
   * Another content type → 415; no boundary → 400; a {@code Content-Length} over {@code
   * limits.maxTotalBytes()} → 413 at once. A malformed body or a limit broken later fails the
   * handler's poll with a 400 or 413 {@link Rejection}, which becomes the response if the handler
   * lets it through.
   *
   * <p>The body can be read once: a route tried after this one (because a later filter of this
   * route rejected the request) must not read it if this route's handler ran.
   *
   * @param limits the limits for this form
   */
  public static Filter<MultipartStream> multipartStream(MultipartLimits limits) {
    Objects.requireNonNull(limits, "limits");
    return new SyncFilter<>(ex -> MultipartStream.from(ex.request(), limits));
  }

  /** {@return the boundary of a {@code multipart/form-data} request} Else 415 or 400. */
  static String multipartBoundary(Request request) throws Rejection {
    String type = mediaType(request);
    if (!"multipart/form-data".equals(type)) {
      throw Rejection.unsupportedMediaType(
          "expected Content-Type multipart/form-data, got " + (type == null ? "none" : type));
    }
    String boundary = Multipart.boundary(request.header("content-type"));
    if (boundary == null) {
      throw Rejection.badRequest("multipart/form-data without a valid boundary parameter");
    }
    return boundary;
  }

  /**
   * {@return the media type of the request's {@code Content-Type}, lower case, without parameters;
   * or null}
   *
   * @param request the request
   */
  public static String mediaType(Request request) {
    String v = request.header("content-type");
    if (v == null) return null;
    int semi = v.indexOf(';');
    return (semi < 0 ? v : v.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  static <T> T parse(String what, String name, String text, Parser<T> parser) throws Rejection {
    if (text == null) throw Rejection.badRequest("missing " + what + " " + name);
    T value;
    try {
      value = parser.parse(text);
    } catch (Rejection r) {
      throw r;
    } catch (Exception e) {
      value = null;
    }
    if (value == null) {
      String shown = text.length() > 64 ? text.substring(0, 64) + "…" : text;
      throw Rejection.badRequest(
          "invalid " + what + " " + name + ": \"" + shown + "\" is not " + parser.description());
    }
    return value;
  }
}
