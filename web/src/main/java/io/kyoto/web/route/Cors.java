package io.kyoto.web.route;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.service.Layer;
import io.kyoto.runtime.service.Service;
import io.kyoto.web.Method;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import io.kyoto.web.Status;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Cross-origin resource sharing as a layer: warp's {@code cors()}. Nothing is allowed by default.
 *
 * <ul>
 *   <li>A request without {@code Origin} passes through untouched.
 *   <li>A preflight ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method})
 *       is answered here: 204 with the {@code Access-Control-Allow-*} headers when the origin, the
 *       method and every requested header are allowed, otherwise 403 without CORS headers. It never
 *       reaches the routes.
 *   <li>Any other request with an allowed {@code Origin} reaches the routes and its response gets
 *       {@code Access-Control-Allow-Origin} (and {@code -Credentials}, {@code -Expose-Headers});
 *       with a disallowed origin it reaches them too but gets no CORS headers, so the browser keeps
 *       the response from the page.
 * </ul>
 *
 * {@snippet :
 * Router.create()
 *     .with(Cors.builder().allowOrigins("https://app.example").allowMethods(Method.GET, Method.POST)
 *         .allowHeaders("content-type").maxAge(Duration.ofHours(1)).build())
 * }
 *
 * <p><b>Thread safety:</b> the built layer is immutable.
 */
public final class Cors implements Layer<Service<Request, Response>, Service<Request, Response>> {
  private final Set<String> origins;
  private final boolean anyOrigin;
  private final Set<String> methods;
  private final Set<String> headers;
  private final String allowMethods;
  private final String allowHeaders;
  private final String exposeHeaders;
  private final boolean credentials;
  private final String maxAge;

  private Cors(Builder b) {
    this.origins = Set.copyOf(b.origins);
    this.anyOrigin = b.anyOrigin;
    this.methods = Set.copyOf(b.methods);
    this.headers = Set.copyOf(b.headers);
    this.allowMethods = String.join(", ", b.methods);
    this.allowHeaders = String.join(", ", b.headers);
    StringJoiner expose = new StringJoiner(", ");
    b.expose.forEach(expose::add);
    this.exposeHeaders = expose.length() == 0 ? null : expose.toString();
    this.credentials = b.credentials;
    this.maxAge = b.maxAge == null ? null : Long.toString(b.maxAge.toSeconds());
  }

  /** {@return a builder that allows nothing yet} */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Service<Request, Response> layer(Service<Request, Response> inner) {
    return Service.wrap(
        inner,
        (request, next) -> {
          String origin = request.header("origin");
          boolean allowed = origin != null && (anyOrigin || origins.contains(origin));
          if (origin != null
              && request.method().equals(Method.OPTIONS)
              && request.header("access-control-request-method") != null) {
            next.release();
            return Futures.ready(varyByOrigin(preflight(request, origin, allowed)));
          }
          if (!allowed) {
            // No CORS headers, but the answer still depends on Origin when it is reflected.
            Future<Response> plain = next.call(request);
            return reflectsOrigin() ? plain.map(this::varyByOrigin) : plain;
          }
          return next.call(request).map(r -> decorate(r, origin));
        });
  }

  private Response preflight(Request request, String origin, boolean allowed) {
    String method = request.header("access-control-request-method").trim();
    if (!allowed || !methods.contains(method)) return forbidden();
    String requested = request.header("access-control-request-headers");
    if (requested != null) {
      for (String h : requested.split(",")) {
        String name = h.trim().toLowerCase(Locale.ROOT);
        if (!name.isEmpty() && !headers.contains(name)) return forbidden();
      }
    }
    Response r = Response.of(Status.NO_CONTENT);
    r.header("access-control-allow-origin", allowOrigin(origin));
    r.header("access-control-allow-methods", allowMethods);
    if (!allowHeaders.isEmpty()) r.header("access-control-allow-headers", allowHeaders);
    if (credentials) r.header("access-control-allow-credentials", "true");
    if (maxAge != null) r.header("access-control-max-age", maxAge);
    return r;
  }

  private static Response forbidden() {
    return Response.text("CORS request forbidden").status(Status.FORBIDDEN);
  }

  private Response decorate(Response shared, String origin) {
    Response r = shared.copy(); // the inner service may answer every request with one response
    r.headers().set("access-control-allow-origin", allowOrigin(origin));
    if (credentials) r.headers().set("access-control-allow-credentials", "true");
    if (exposeHeaders != null) r.headers().set("access-control-expose-headers", exposeHeaders);
    if (needsVary(r)) r.headers().add("vary", "Origin");
    return r;
  }

  /**
   * {@return whether responses depend on the request's {@code Origin}} True unless every origin
   * gets {@code *}. Then every response must say {@code Vary: Origin}, with or without CORS headers
   * and whether the request had an {@code Origin} or not, or a shared cache could serve one
   * origin's answer to another (the Fetch standard's "CORS protocol and HTTP caches").
   */
  private boolean reflectsOrigin() {
    return !anyOrigin || credentials;
  }

  private boolean needsVary(Response r) {
    return reflectsOrigin() && !r.headers().containsToken("vary", "origin");
  }

  /** {@return {@code r}, or a copy saying {@code Vary: Origin} if it must and does not} */
  private Response varyByOrigin(Response r) {
    return needsVary(r) ? r.copy().header("vary", "Origin") : r;
  }

  private String allowOrigin(String origin) {
    return anyOrigin && !credentials ? "*" : origin;
  }

  /** Collects the CORS policy. */
  public static final class Builder {
    private final Set<String> origins = new LinkedHashSet<>();
    private boolean anyOrigin;
    private final Set<String> methods = new LinkedHashSet<>();
    private final Set<String> headers = new LinkedHashSet<>();
    private final Set<String> expose = new LinkedHashSet<>();
    private boolean credentials;
    private Duration maxAge;

    private Builder() {}

    /**
     * Allows these origins, compared exactly ({@code scheme://host[:port]}).
     *
     * @param origins the origins
     * @return this
     */
    public Builder allowOrigins(String... origins) {
      for (String o : origins) {
        if (o.equals("*")) throw new IllegalArgumentException("use allowAnyOrigin() for *");
        this.origins.add(Objects.requireNonNull(o, "origin"));
      }
      return this;
    }

    /**
     * Allows every origin ({@code *}, or the request's origin echoed with credentials).
     *
     * @return this
     */
    public Builder allowAnyOrigin() {
      this.anyOrigin = true;
      return this;
    }

    /**
     * Allows these methods in preflight requests.
     *
     * @param methods the methods
     * @return this
     */
    public Builder allowMethods(Method... methods) {
      for (Method m : methods) this.methods.add(m.name());
      return this;
    }

    /**
     * Allows these request headers in preflight requests (any case).
     *
     * @param names the header names
     * @return this
     */
    public Builder allowHeaders(String... names) {
      for (String n : names) headers.add(n.toLowerCase(Locale.ROOT));
      return this;
    }

    /**
     * Lets the page read these response headers.
     *
     * @param names the header names
     * @return this
     */
    public Builder exposeHeaders(String... names) {
      for (String n : names) expose.add(n);
      return this;
    }

    /**
     * Allows credentials (cookies, authorization).
     *
     * @param allow whether to allow them
     * @return this
     */
    public Builder allowCredentials(boolean allow) {
      this.credentials = allow;
      return this;
    }

    /**
     * Lets browsers cache a preflight answer.
     *
     * @param maxAge how long
     * @return this
     */
    public Builder maxAge(Duration maxAge) {
      this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
      return this;
    }

    /** {@return the layer} */
    public Cors build() {
      return new Cors(this);
    }
  }
}
