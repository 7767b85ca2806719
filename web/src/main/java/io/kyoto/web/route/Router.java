package io.kyoto.web.route;

import io.kyoto.runtime.service.Layer;
import io.kyoto.runtime.service.Service;
import io.kyoto.web.Body;
import io.kyoto.web.Method;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Builds an HTTP application from routes: a method, a path pattern, typed {@link Filter}s and a
 * handler that receives the filters' values as arguments. {@link #build()} compiles the routes into
 * a trie (lookup cost grows with the path's length, not the number of routes) and returns the
 * {@link Service} a server runs.
 *
 * {@snippet :
 * Service<Request, Response> app = Router.create()
 *     .get("/").handle(req -> Response.text("hello\n"))
 *     .get("/users/{id}", path("id", Parser.LONG)).handleAsync((req, id) -> users.find(id))
 *     .post("/users", Json.body(NewUser.class)).handle((req, u) -> Json.response(users.add(u)))
 *     .with(RequestId.layer())
 *     .with(AccessLog.toLogger())
 *     .build();
 * }
 *
 * <h2>Patterns</h2>
 *
 * <p>A pattern is {@code /}-separated segments: a literal ({@code users}), a parameter that takes
 * one non-empty segment ({@code {id}}, read with {@link Filters#path}), or, last, a tail that takes
 * the rest of the path ({@code {*file}}). Literals win over parameters, parameters over tails.
 * Segments are percent-decoded before matching; matching is exact (a trailing slash is a segment of
 * its own). A segment that starts with {@code :} (Express's {@code /users/:id}) is refused with an
 * {@link IllegalArgumentException} that suggests {@code {id}}; a colon further in ({@code
 * /v1/items:batch}) is literal.
 *
 * <h2>Rejections</h2>
 *
 * <p>No route matches the path: 404. Routes match the path but not the method: 405 with an {@code
 * Allow} header ({@code HEAD} is served by {@code GET} routes). Several routes for the same path
 * and method are tried in the order added; when every one rejects, the {@linkplain
 * Rejection#preferred preferred} rejection answers, after {@link #recover} has had its say. A
 * handler's {@link io.kyoto.web.HttpException} answers with its status; as the server maps
 * failures, a {@link java.util.concurrent.TimeoutException} ({@code Time.timeout}, tower's {@code
 * Timeout}) with 504, an {@code OverloadedException} or {@code ServiceClosedException} with 503 and
 * {@code retry-after}; any other exception with 500, logged.
 *
 * <p>A route that could never run fails when its handler is set, with an {@link
 * IllegalStateException} naming it: one added after a route for the same method and path (parameter
 * names aside: {@code /a/{id}} and {@code /a/{name}} are the same path) that has no guard and no
 * filter able to reject ({@link Filters#path(String)} cannot; a parser can). A duplicate route is
 * the usual cause. Overlaps the router resolves are fine: a literal and a parameter or tail at the
 * same place, other methods, or an earlier route with a guard or a filter that rejects what the
 * later one takes.
 *
 * <p><b>Thread safety:</b> the builder is not thread safe; the built service is immutable,
 * stateless and always ready, so one instance serves every connection.
 */
public final class Router {
  private final PathTrie trie = new PathTrie();
  private final List<Layer<Service<Request, Response>, Service<Request, Response>>> layers =
      new ArrayList<>();
  private Recover recover;
  private int bodyLimit = Body.DEFAULT_LIMIT;
  private String prefix = "";
  private boolean built;

  private Router() {}

  /** {@return an empty router} */
  public static Router create() {
    return new Router();
  }

  /**
   * Sets the limit of body filters that take none ({@link Filters#bytes()}, {@link Filters#form()},
   * {@link Json#body(Class)} …). Default {@link Body#DEFAULT_LIMIT} (2 MiB).
   *
   * @param maxBytes the limit in bytes
   * @return this
   */
  public Router bodyLimit(int maxBytes) {
    if (maxBytes < 0) throw new IllegalArgumentException("maxBytes < 0: " + maxBytes);
    this.bodyLimit = maxBytes;
    return this;
  }

  /**
   * Sets the hook that turns rejections and handler failures into responses.
   *
   * @param recover the hook
   * @return this
   */
  public Router recover(Recover recover) {
    this.recover = Objects.requireNonNull(recover, "recover");
    return this;
  }

  /**
   * Wraps the whole router in {@code layer} ({@link Cors}, {@link AccessLog}, {@link RequestId}, or
   * any tower-style layer). The first layer added is the outermost: it sees requests first.
   *
   * @param layer the layer
   * @return this
   */
  public Router with(Layer<Service<Request, Response>, Service<Request, Response>> layer) {
    layers.add(Objects.requireNonNull(layer, "layer"));
    return this;
  }

  /**
   * Adds the routes {@code routes} registers, each pattern prefixed with {@code prefix}.
   *
   * {@snippet :
   * router.scope("/api/v1", api -> api
   *     .get("/health").handle(req -> Response.text("ok")));
   * }
   *
   * @param prefix a path prefix starting with {@code /}, without a trailing slash
   * @param routes registers the routes
   * @return this
   */
  public Router scope(String prefix, Consumer<Router> routes) {
    if (!prefix.startsWith("/") || prefix.endsWith("/")) {
      throw new IllegalArgumentException(
          "scope prefix must start with '/' and not end with it: \"" + prefix + "\"");
    }
    String saved = this.prefix;
    this.prefix = saved + prefix;
    try {
      routes.accept(this);
    } finally {
      this.prefix = saved;
    }
    return this;
  }

  /** {@return the service that routes requests} The router can be built once. */
  public Service<Request, Response> build() {
    if (built) throw new IllegalStateException("router already built");
    built = true;
    Service<Request, Response> service = new RouterService(trie, recover, bodyLimit);
    for (int i = layers.size() - 1; i >= 0; i--) service = layers.get(i).layer(service);
    return service;
  }

  void add(Method method, String pattern, Filter<?>[] filters, int argOffset, Invoker invoker) {
    if (built) throw new IllegalStateException("router already built");
    List<String> names = new ArrayList<>();
    List<String> segments = Paths.pattern(pattern, names);
    for (Filter<?> f : filters) {
      if (f instanceof SyncFilter<?> s && s.pathParam != null && !names.contains(s.pathParam)) {
        throw new IllegalArgumentException(
            "path(\"" + s.pathParam + "\") but \"" + pattern + "\" has no {" + s.pathParam + "}");
      }
    }
    RouteDef def =
        new RouteDef(method, pattern, names.toArray(String[]::new), filters, argOffset, invoker);
    trie.add(segments, def);
  }

  /**
   * {@return a route for {@code method} and {@code pattern}, to finish with a handler}
   *
   * @param method the method
   * @param pattern the path pattern
   */
  public Route0 route(Method method, String pattern) {
    return new Route0(new RouteSpec(this, method, prefix + pattern));
  }

  /**
   * {@return a GET route for {@code pattern}, to finish with a handler}
   *
   * @param pattern the path pattern, e.g. {@code /users/{id}}
   */
  public Route0 get(String pattern) {
    return route(Method.GET, pattern);
  }

  /**
   * {@return a POST route for {@code pattern}, to finish with a handler}
   *
   * @param pattern the path pattern, e.g. {@code /users/{id}}
   */
  public Route0 post(String pattern) {
    return route(Method.POST, pattern);
  }

  /**
   * {@return a PUT route for {@code pattern}, to finish with a handler}
   *
   * @param pattern the path pattern, e.g. {@code /users/{id}}
   */
  public Route0 put(String pattern) {
    return route(Method.PUT, pattern);
  }

  /**
   * {@return a PATCH route for {@code pattern}, to finish with a handler}
   *
   * @param pattern the path pattern, e.g. {@code /users/{id}}
   */
  public Route0 patch(String pattern) {
    return route(Method.PATCH, pattern);
  }

  /**
   * {@return a DELETE route for {@code pattern}, to finish with a handler}
   *
   * @param pattern the path pattern, e.g. {@code /users/{id}}
   */
  public Route0 delete(String pattern) {
    return route(Method.DELETE, pattern);
  }

  /**
   * {@return a route for {@code method} and {@code pattern}, to finish with a handler}
   *
   * @param method the method
   * @param pattern the path pattern
   * @param a the first filter: its value is the handler's argument #1
   * @param <A> the first filter's value type
   */
  public <A> Route1<A> route(Method method, String pattern, Filter<A> a) {
    return new Route1<>(new RouteSpec(this, method, prefix + pattern, a));
  }

  /**
   * {@return a GET route for {@code pattern}, to finish with a handler}
   *
   * @param pattern the path pattern, e.g. {@code /users/{id}}
   * @param a the first filter: its value is the handler's argument #1
   * @param <A> the first filter's value type
   */
  public <A> Route1<A> get(String pattern, Filter<A> a) {
    return route(Method.GET, pattern, a);
  }

  /**
   * {@return a POST route for {@code pattern}, to finish with a handler}
   *
   * @param pattern the path pattern, e.g. {@code /users/{id}}
   * @param a the first filter: its value is the handler's argument #1
   * @param <A> the first filter's value type
   */
  public <A> Route1<A> post(String pattern, Filter<A> a) {
    return route(Method.POST, pattern, a);
  }

  /**
   * {@return a PUT route for {@code pattern}, to finish with a handler}
   *
   * @param pattern the path pattern, e.g. {@code /users/{id}}
   * @param a the first filter: its value is the handler's argument #1
   * @param <A> the first filter's value type
   */
  public <A> Route1<A> put(String pattern, Filter<A> a) {
    return route(Method.PUT, pattern, a);
  }

  /**
   * {@return a PATCH route for {@code pattern}, to finish with a handler}
   *
   * @param pattern the path pattern, e.g. {@code /users/{id}}
   * @param a the first filter: its value is the handler's argument #1
   * @param <A> the first filter's value type
   */
  public <A> Route1<A> patch(String pattern, Filter<A> a) {
    return route(Method.PATCH, pattern, a);
  }

  /**
   * {@return a DELETE route for {@code pattern}, to finish with a handler}
   *
   * @param pattern the path pattern, e.g. {@code /users/{id}}
   * @param a the first filter: its value is the handler's argument #1
   * @param <A> the first filter's value type
   */
  public <A> Route1<A> delete(String pattern, Filter<A> a) {
    return route(Method.DELETE, pattern, a);
  }

  /**
   * {@return a route for {@code method} and {@code pattern}, to finish with a handler}
   *
   * @param method the method
   * @param pattern the path pattern
   * @param a the first filter: its value is the handler's argument #1
   * @param b the second filter: its value is the handler's argument #2
   * @param <A> the first filter's value type
   * @param <B> the second filter's value type
   */
  public <A, B> Route2<A, B> route(Method method, String pattern, Filter<A> a, Filter<B> b) {
    return new Route2<>(new RouteSpec(this, method, prefix + pattern, a, b));
  }

  /**
   * {@return a GET route for {@code pattern}, to finish with a handler}
   *
   * @param pattern the path pattern, e.g. {@code /users/{id}}
   * @param a the first filter: its value is the handler's argument #1
   * @param b the second filter: its value is the handler's argument #2
   * @param <A> the first filter's value type
   * @param <B> the second filter's value type
   */
  public <A, B> Route2<A, B> get(String pattern, Filter<A> a, Filter<B> b) {
    return route(Method.GET, pattern, a, b);
  }

  /**
   * {@return a POST route for {@code pattern}, to finish with a handler}
   *
   * @param pattern the path pattern, e.g. {@code /users/{id}}
   * @param a the first filter: its value is the handler's argument #1
   * @param b the second filter: its value is the handler's argument #2
   * @param <A> the first filter's value type
   * @param <B> the second filter's value type
   */
  public <A, B> Route2<A, B> post(String pattern, Filter<A> a, Filter<B> b) {
    return route(Method.POST, pattern, a, b);
  }

  /**
   * {@return a PUT route for {@code pattern}, to finish with a handler}
   *
   * @param pattern the path pattern, e.g. {@code /users/{id}}
   * @param a the first filter: its value is the handler's argument #1
   * @param b the second filter: its value is the handler's argument #2
   * @param <A> the first filter's value type
   * @param <B> the second filter's value type
   */
  public <A, B> Route2<A, B> put(String pattern, Filter<A> a, Filter<B> b) {
    return route(Method.PUT, pattern, a, b);
  }

  /**
   * {@return a PATCH route for {@code pattern}, to finish with a handler}
   *
   * @param pattern the path pattern, e.g. {@code /users/{id}}
   * @param a the first filter: its value is the handler's argument #1
   * @param b the second filter: its value is the handler's argument #2
   * @param <A> the first filter's value type
   * @param <B> the second filter's value type
   */
  public <A, B> Route2<A, B> patch(String pattern, Filter<A> a, Filter<B> b) {
    return route(Method.PATCH, pattern, a, b);
  }

  /**
   * {@return a DELETE route for {@code pattern}, to finish with a handler}
   *
   * @param pattern the path pattern, e.g. {@code /users/{id}}
   * @param a the first filter: its value is the handler's argument #1
   * @param b the second filter: its value is the handler's argument #2
   * @param <A> the first filter's value type
   * @param <B> the second filter's value type
   */
  public <A, B> Route2<A, B> delete(String pattern, Filter<A> a, Filter<B> b) {
    return route(Method.DELETE, pattern, a, b);
  }

  /**
   * {@return a route for {@code method} and {@code pattern}, to finish with a handler}
   *
   * @param method the method
   * @param pattern the path pattern
   * @param a the first filter: its value is the handler's argument #1
   * @param b the second filter: its value is the handler's argument #2
   * @param c the third filter: its value is the handler's argument #3
   * @param <A> the first filter's value type
   * @param <B> the second filter's value type
   * @param <C> the third filter's value type
   */
  public <A, B, C> Route3<A, B, C> route(
      Method method, String pattern, Filter<A> a, Filter<B> b, Filter<C> c) {
    return new Route3<>(new RouteSpec(this, method, prefix + pattern, a, b, c));
  }

  /**
   * {@return a GET route for {@code pattern}, to finish with a handler}
   *
   * @param pattern the path pattern, e.g. {@code /users/{id}}
   * @param a the first filter: its value is the handler's argument #1
   * @param b the second filter: its value is the handler's argument #2
   * @param c the third filter: its value is the handler's argument #3
   * @param <A> the first filter's value type
   * @param <B> the second filter's value type
   * @param <C> the third filter's value type
   */
  public <A, B, C> Route3<A, B, C> get(String pattern, Filter<A> a, Filter<B> b, Filter<C> c) {
    return route(Method.GET, pattern, a, b, c);
  }

  /**
   * {@return a POST route for {@code pattern}, to finish with a handler}
   *
   * @param pattern the path pattern, e.g. {@code /users/{id}}
   * @param a the first filter: its value is the handler's argument #1
   * @param b the second filter: its value is the handler's argument #2
   * @param c the third filter: its value is the handler's argument #3
   * @param <A> the first filter's value type
   * @param <B> the second filter's value type
   * @param <C> the third filter's value type
   */
  public <A, B, C> Route3<A, B, C> post(String pattern, Filter<A> a, Filter<B> b, Filter<C> c) {
    return route(Method.POST, pattern, a, b, c);
  }

  /**
   * {@return a PUT route for {@code pattern}, to finish with a handler}
   *
   * @param pattern the path pattern, e.g. {@code /users/{id}}
   * @param a the first filter: its value is the handler's argument #1
   * @param b the second filter: its value is the handler's argument #2
   * @param c the third filter: its value is the handler's argument #3
   * @param <A> the first filter's value type
   * @param <B> the second filter's value type
   * @param <C> the third filter's value type
   */
  public <A, B, C> Route3<A, B, C> put(String pattern, Filter<A> a, Filter<B> b, Filter<C> c) {
    return route(Method.PUT, pattern, a, b, c);
  }

  /**
   * {@return a PATCH route for {@code pattern}, to finish with a handler}
   *
   * @param pattern the path pattern, e.g. {@code /users/{id}}
   * @param a the first filter: its value is the handler's argument #1
   * @param b the second filter: its value is the handler's argument #2
   * @param c the third filter: its value is the handler's argument #3
   * @param <A> the first filter's value type
   * @param <B> the second filter's value type
   * @param <C> the third filter's value type
   */
  public <A, B, C> Route3<A, B, C> patch(String pattern, Filter<A> a, Filter<B> b, Filter<C> c) {
    return route(Method.PATCH, pattern, a, b, c);
  }

  /**
   * {@return a DELETE route for {@code pattern}, to finish with a handler}
   *
   * @param pattern the path pattern, e.g. {@code /users/{id}}
   * @param a the first filter: its value is the handler's argument #1
   * @param b the second filter: its value is the handler's argument #2
   * @param c the third filter: its value is the handler's argument #3
   * @param <A> the first filter's value type
   * @param <B> the second filter's value type
   * @param <C> the third filter's value type
   */
  public <A, B, C> Route3<A, B, C> delete(String pattern, Filter<A> a, Filter<B> b, Filter<C> c) {
    return route(Method.DELETE, pattern, a, b, c);
  }

  /**
   * {@return a route for {@code method} and {@code pattern}, to finish with a handler}
   *
   * @param method the method
   * @param pattern the path pattern
   * @param a the first filter: its value is the handler's argument #1
   * @param b the second filter: its value is the handler's argument #2
   * @param c the third filter: its value is the handler's argument #3
   * @param d the fourth filter: its value is the handler's argument #4
   * @param <A> the first filter's value type
   * @param <B> the second filter's value type
   * @param <C> the third filter's value type
   * @param <D> the fourth filter's value type
   */
  public <A, B, C, D> Route4<A, B, C, D> route(
      Method method, String pattern, Filter<A> a, Filter<B> b, Filter<C> c, Filter<D> d) {
    return new Route4<>(new RouteSpec(this, method, prefix + pattern, a, b, c, d));
  }

  /**
   * {@return a GET route for {@code pattern}, to finish with a handler}
   *
   * @param pattern the path pattern, e.g. {@code /users/{id}}
   * @param a the first filter: its value is the handler's argument #1
   * @param b the second filter: its value is the handler's argument #2
   * @param c the third filter: its value is the handler's argument #3
   * @param d the fourth filter: its value is the handler's argument #4
   * @param <A> the first filter's value type
   * @param <B> the second filter's value type
   * @param <C> the third filter's value type
   * @param <D> the fourth filter's value type
   */
  public <A, B, C, D> Route4<A, B, C, D> get(
      String pattern, Filter<A> a, Filter<B> b, Filter<C> c, Filter<D> d) {
    return route(Method.GET, pattern, a, b, c, d);
  }

  /**
   * {@return a POST route for {@code pattern}, to finish with a handler}
   *
   * @param pattern the path pattern, e.g. {@code /users/{id}}
   * @param a the first filter: its value is the handler's argument #1
   * @param b the second filter: its value is the handler's argument #2
   * @param c the third filter: its value is the handler's argument #3
   * @param d the fourth filter: its value is the handler's argument #4
   * @param <A> the first filter's value type
   * @param <B> the second filter's value type
   * @param <C> the third filter's value type
   * @param <D> the fourth filter's value type
   */
  public <A, B, C, D> Route4<A, B, C, D> post(
      String pattern, Filter<A> a, Filter<B> b, Filter<C> c, Filter<D> d) {
    return route(Method.POST, pattern, a, b, c, d);
  }

  /**
   * {@return a PUT route for {@code pattern}, to finish with a handler}
   *
   * @param pattern the path pattern, e.g. {@code /users/{id}}
   * @param a the first filter: its value is the handler's argument #1
   * @param b the second filter: its value is the handler's argument #2
   * @param c the third filter: its value is the handler's argument #3
   * @param d the fourth filter: its value is the handler's argument #4
   * @param <A> the first filter's value type
   * @param <B> the second filter's value type
   * @param <C> the third filter's value type
   * @param <D> the fourth filter's value type
   */
  public <A, B, C, D> Route4<A, B, C, D> put(
      String pattern, Filter<A> a, Filter<B> b, Filter<C> c, Filter<D> d) {
    return route(Method.PUT, pattern, a, b, c, d);
  }

  /**
   * {@return a PATCH route for {@code pattern}, to finish with a handler}
   *
   * @param pattern the path pattern, e.g. {@code /users/{id}}
   * @param a the first filter: its value is the handler's argument #1
   * @param b the second filter: its value is the handler's argument #2
   * @param c the third filter: its value is the handler's argument #3
   * @param d the fourth filter: its value is the handler's argument #4
   * @param <A> the first filter's value type
   * @param <B> the second filter's value type
   * @param <C> the third filter's value type
   * @param <D> the fourth filter's value type
   */
  public <A, B, C, D> Route4<A, B, C, D> patch(
      String pattern, Filter<A> a, Filter<B> b, Filter<C> c, Filter<D> d) {
    return route(Method.PATCH, pattern, a, b, c, d);
  }

  /**
   * {@return a DELETE route for {@code pattern}, to finish with a handler}
   *
   * @param pattern the path pattern, e.g. {@code /users/{id}}
   * @param a the first filter: its value is the handler's argument #1
   * @param b the second filter: its value is the handler's argument #2
   * @param c the third filter: its value is the handler's argument #3
   * @param d the fourth filter: its value is the handler's argument #4
   * @param <A> the first filter's value type
   * @param <B> the second filter's value type
   * @param <C> the third filter's value type
   * @param <D> the fourth filter's value type
   */
  public <A, B, C, D> Route4<A, B, C, D> delete(
      String pattern, Filter<A> a, Filter<B> b, Filter<C> c, Filter<D> d) {
    return route(Method.DELETE, pattern, a, b, c, d);
  }
}
