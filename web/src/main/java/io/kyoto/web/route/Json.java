package io.kyoto.web.route;

import io.kyoto.runtime.Futures;
import io.kyoto.web.Body;
import io.kyoto.web.Headers;
import io.kyoto.web.Response;
import io.kyoto.web.Status;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON bodies with Jackson 3, an optional dependency: add {@code
 * tools.jackson.core:jackson-databind} to use this class (nothing else in the package needs it).
 *
 * {@snippet :
 * record NewUser(String name, int age) {}
 * router.post("/users", Json.body(NewUser.class))
 *     .handle((req, user) -> Json.response(Status.CREATED, users.add(user)));
 * }
 *
 * <p>{@link #body} rejects a request whose {@code Content-Type} is not {@code application/json} (or
 * {@code application/*+json}) with 415, a body over the limit with 413, and JSON that does not
 * parse or bind with 400 and a message naming the problem, its line and column, and the property.
 *
 * <p>{@link #body} prepares the type's binding when it is called, so define routes at start-up: the
 * first request does not pay for it.
 *
 * <p>Jackson binds by reflection: on the module path, open the packages of your JSON types to
 * {@code tools.jackson.databind} ({@code opens com.acme.api to tools.jackson.databind;}).
 *
 * <p><b>Thread safety:</b> thread safe.
 */
public final class Json {
  private static final class Default {
    static final Json INSTANCE = new Json(JsonMapper.builder().build());
  }

  private final ObjectMapper mapper;

  private Json(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /**
   * {@return JSON support that uses {@code mapper}}
   *
   * @param mapper a configured mapper
   */
  @SuppressWarnings("exports") // Jackson is optional: only callers that have it use this method
  public static Json with(ObjectMapper mapper) {
    return new Json(Objects.requireNonNull(mapper, "mapper"));
  }

  /**
   * {@return a filter reading the body as {@code type}, at most the router's body limit}
   *
   * @param type the class to bind to (records work)
   * @param <T> the type
   */
  public static <T> Filter<T> body(Class<T> type) {
    return Default.INSTANCE.read(type);
  }

  /**
   * {@return a filter reading the body as {@code type}}
   *
   * @param type the class to bind to
   * @param maxBytes the body limit (413 above it)
   * @param <T> the type
   */
  public static <T> Filter<T> body(Class<T> type, int maxBytes) {
    return Default.INSTANCE.read(type, maxBytes);
  }

  /**
   * {@return a 200 response with {@code value} as JSON}
   *
   * @param value the value to serialise
   */
  public static Response response(Object value) {
    return Default.INSTANCE.write(Status.OK, value);
  }

  /**
   * {@return a response with {@code status} and {@code value} as JSON}
   *
   * @param status the status
   * @param value the value to serialise
   */
  public static Response response(Status status, Object value) {
    return Default.INSTANCE.write(status, value);
  }

  /**
   * {@return a future of {@code response}'s body bound to {@code type}, with the default mapper}
   * The client side of {@link #body}, as reqwest's {@code response.json()}: the body is read whole
   * (at most {@link Body#DEFAULT_LIMIT} bytes) and fails with an {@link java.io.IOException} that
   * names the problem, its line and column and the property when it is not the JSON of {@code
   * type}. The status is not checked: look at it first.
   *
   * {@snippet :
   * record User(String name, int age) {}
   * Future<User> user = client.get(url + "/users/7").flatMap(r -> Json.decode(r, User.class));
   * }
   *
   * @param response a response, typically from {@link io.kyoto.web.HttpClient}
   * @param type the class to bind to
   * @param <T> the type
   */
  public static <T> io.kyoto.runtime.Future<T> decode(Response response, Class<T> type) {
    return Default.INSTANCE.parse(response, type);
  }

  /**
   * {@return a future of {@code response}'s body bound to {@code type} with this mapper} As {@link
   * #decode(Response, Class)}.
   *
   * @param response the response
   * @param type the class to bind to
   * @param <T> the type
   */
  public <T> io.kyoto.runtime.Future<T> parse(Response response, Class<T> type) {
    Objects.requireNonNull(response, "response");
    ObjectReader reader = readerFor(type);
    return response
        .body()
        .bytes(Body.DEFAULT_LIMIT)
        .map(
            bytes -> {
              try {
                return reader.<T>readValue(bytes);
              } catch (JacksonException e) {
                throw new java.io.IOException(
                    describe(e).replaceFirst("^invalid JSON body", "invalid JSON response"), e);
              }
            });
  }

  /**
   * {@return {@code value} as JSON text, with the default mapper} For JSON outside a response body,
   * such as server-sent event data.
   *
   * @param value the value to serialise
   */
  public static String stringify(Object value) {
    return Default.INSTANCE.mapper.writeValueAsString(value);
  }

  /**
   * {@return a filter reading the body as {@code type} with this mapper, at most the router's body
   * limit}
   *
   * @param type the class to bind to
   * @param <T> the type
   */
  public <T> Filter<T> read(Class<T> type) {
    ObjectReader reader = readerFor(type);
    return ex -> read(ex, reader, ex.bodyLimit());
  }

  /**
   * {@return a filter reading the body as {@code type} with this mapper}
   *
   * @param type the class to bind to
   * @param maxBytes the body limit
   * @param <T> the type
   */
  public <T> Filter<T> read(Class<T> type, int maxBytes) {
    ObjectReader reader = readerFor(type);
    return ex -> read(ex, reader, maxBytes);
  }

  /**
   * A reader for {@code type}, made when the route is defined: Jackson builds the type's
   * deserializer (and loads its own classes) there, usually on the thread that starts the
   * application, instead of inside the first request's poll on a runtime thread, where it takes 100
   * ms or more on a cold JVM and trips the blocking-poll detector.
   */
  private ObjectReader readerFor(Class<?> type) {
    Objects.requireNonNull(type, "type");
    return mapper.readerFor(type);
  }

  /**
   * {@return a response with {@code status} and {@code value} serialised with this mapper}
   *
   * @param status the status
   * @param value the value
   */
  public Response write(Status status, Object value) {
    byte[] bytes = mapper.writeValueAsBytes(value);
    return new Response(status, Headers.of("content-type", "application/json"), Body.of(bytes));
  }

  private <T> io.kyoto.runtime.Future<T> read(Exchange ex, ObjectReader reader, int maxBytes) {
    String media = Filters.mediaType(ex.request());
    if (media == null
        || !(media.equals("application/json")
            || (media.startsWith("application/") && media.endsWith("+json")))) {
      return Futures.failed(
          Rejection.unsupportedMediaType(
              "expected Content-Type application/json, got " + (media == null ? "none" : media)));
    }
    return ex.body(maxBytes)
        .map(
            bytes -> {
              if (bytes.length == 0) throw Rejection.badRequest("invalid JSON body: empty body");
              try {
                T value = reader.readValue(bytes);
                if (value == null) {
                  // A literal `null` body: handlers get a value or a 400, never null.
                  throw Rejection.badRequest("invalid JSON body: expected a value, got null");
                }
                return value;
              } catch (JacksonException e) {
                throw Rejection.badRequest(describe(e));
              }
            });
  }

  private static final java.util.regex.Pattern QUALIFIED =
      java.util.regex.Pattern.compile("`((?:[A-Za-z_][\\w]*\\.)+[A-Za-z_][\\w$]*)`");

  private static final java.util.regex.Pattern SOURCE =
      java.util.regex.Pattern.compile(
          "\\s*\\(start marker at \\[Source: [^\\]]*\\]\\)|\\s*\\[Source: [^\\]]*\\]");

  private static String simpleName(String qualified) {
    String s = qualified.substring(qualified.lastIndexOf('.') + 1);
    return java.util.regex.Matcher.quoteReplacement(s.substring(s.lastIndexOf('$') + 1));
  }

  static <T> T decode(byte[] bytes, Class<T> type) {
    return Default.INSTANCE.mapper.readValue(bytes, type);
  }

  static String describe(JacksonException e) {
    StringBuilder sb = new StringBuilder("invalid JSON body: ");
    // Jackson names Java types (`com.acme.api.Users$NewUser`): keep the simple name, not the
    // application's package layout.
    String msg = e.getOriginalMessage();
    if (msg != null) {
      msg = QUALIFIED.matcher(msg).replaceAll(m -> "`" + simpleName(m.group(1)) + "`");
      // "(start marker at [Source: REDACTED (`INCLUDE_SOURCE_IN_LOCATION` disabled); byte offset:
      // #UNKNOWN])": Jackson's own location text, which says nothing to a client; the error's line
      // and column follow below.
      msg = SOURCE.matcher(msg).replaceAll("");
    }
    int nl = msg == null ? -1 : msg.indexOf('\n');
    sb.append(msg == null ? e.getClass().getSimpleName() : nl < 0 ? msg : msg.substring(0, nl));
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference ref : e.getPath()) {
      if (ref.getPropertyName() != null) {
        if (!path.isEmpty()) path.append('.');
        path.append(ref.getPropertyName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    if (!path.isEmpty()) sb.append(" (at property ").append(path).append(')');
    TokenStreamLocation loc = e.getLocation();
    if (loc != null && loc.getLineNr() > 0) {
      sb.append(" at line ").append(loc.getLineNr()).append(", column ").append(loc.getColumnNr());
    }
    return sb.toString();
  }
}
