package io.kyoto.web.route;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import java.util.Objects;

/**
 * A route with 2 filters waiting for its handler: finish it with {@link #handle} (a handler
 * returning a {@link Response}) or {@link #handleAsync} (a handler returning a {@link Future}).
 * Both return the {@link Router} for the next route.
 *
 * @param <A> the type of the value of filter #1
 * @param <B> the type of the value of filter #2
 */
public final class Route2<A, B> {
  /**
   * A handler that answers at once.
   *
   * @param <A> the type of the value of filter #1
   * @param <B> the type of the value of filter #2
   */
  @FunctionalInterface
  public interface Handler<A, B> {
    /**
     * Answers the request.
     *
     * @param request the request
     * @param a the value of filter #1
     * @param b the value of filter #2
     * @return the response
     * @throws Exception a failure: an {@link io.kyoto.web.HttpException} answers with its status,
     *     anything else with 500 (unless {@link Router#recover} says otherwise)
     */
    Response handle(Request request, A a, B b) throws Exception;
  }

  /**
   * A handler that answers later.
   *
   * @param <A> the type of the value of filter #1
   * @param <B> the type of the value of filter #2
   */
  @FunctionalInterface
  public interface AsyncHandler<A, B> {
    /**
     * Starts answering the request.
     *
     * @param request the request
     * @param a the value of filter #1
     * @param b the value of filter #2
     * @return a future of the response
     * @throws Exception a failure, as for {@link Handler}
     */
    Future<Response> handle(Request request, A a, B b) throws Exception;
  }

  private final RouteSpec spec;

  Route2(RouteSpec spec) {
    this.spec = spec;
  }

  /**
   * Adds a filter that must accept the request before the others run; its value is not passed to
   * the handler (e.g. {@link Filters#headerExact} or {@link Filters#contentLengthLimit}).
   *
   * @param guard the filter
   * @return this
   */
  public Route2<A, B> guard(Filter<?> guard) {
    spec.guard(guard);
    return this;
  }

  /**
   * Completes the route with a handler that returns its response directly.
   *
   * @param handler the handler
   * @return the router, for the next route
   */
  @SuppressWarnings("unchecked")
  public Router handle(Handler<A, B> handler) {
    Objects.requireNonNull(handler, "handler");
    return spec.finish(
        (req, v, o) ->
            Futures.ready(
                Objects.requireNonNull(
                    handler.handle(req, (A) v[o + 0], (B) v[o + 1]), "handler returned null")));
  }

  /**
   * Completes the route with a handler that returns a future of its response.
   *
   * @param handler the handler
   * @return the router, for the next route
   */
  @SuppressWarnings("unchecked")
  public Router handleAsync(AsyncHandler<A, B> handler) {
    Objects.requireNonNull(handler, "handler");
    return spec.finish((req, v, o) -> handler.handle(req, (A) v[o + 0], (B) v[o + 1]));
  }
}
