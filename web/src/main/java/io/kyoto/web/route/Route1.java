package io.kyoto.web.route;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import java.util.Objects;

/**
 * A route with 1 filter waiting for its handler: finish it with {@link #handle} (a handler
 * returning a {@link Response}) or {@link #handleAsync} (a handler returning a {@link Future}).
 * Both return the {@link Router} for the next route.
 *
 * @param <A> the type of the value of filter #1
 */
public final class Route1<A> {
  /**
   * A handler that answers at once.
   *
   * @param <A> the type of the value of filter #1
   */
  @FunctionalInterface
  public interface Handler<A> {
    /**
     * Answers the request.
     *
     * @param request the request
     * @param a the value of filter #1
     * @return the response
     * @throws Exception a failure: an {@link io.kyoto.web.HttpException} answers with its status,
     *     anything else with 500 (unless {@link Router#recover} says otherwise)
     */
    Response handle(Request request, A a) throws Exception;
  }

  /**
   * A handler that answers later.
   *
   * @param <A> the type of the value of filter #1
   */
  @FunctionalInterface
  public interface AsyncHandler<A> {
    /**
     * Starts answering the request.
     *
     * @param request the request
     * @param a the value of filter #1
     * @return a future of the response
     * @throws Exception a failure, as for {@link Handler}
     */
    Future<Response> handle(Request request, A a) throws Exception;
  }

  private final RouteSpec spec;

  Route1(RouteSpec spec) {
    this.spec = spec;
  }

  /**
   * Adds a filter that must accept the request before the others run; its value is not passed to
   * the handler (e.g. {@link Filters#headerExact} or {@link Filters#contentLengthLimit}).
   *
   * @param guard the filter
   * @return this
   */
  public Route1<A> guard(Filter<?> guard) {
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
  public Router handle(Handler<A> handler) {
    Objects.requireNonNull(handler, "handler");
    return spec.finish(
        (req, v, o) ->
            Futures.ready(
                Objects.requireNonNull(
                    handler.handle(req, (A) v[o + 0]), "handler returned null")));
  }

  /**
   * Completes the route with a handler that returns a future of its response.
   *
   * @param handler the handler
   * @return the router, for the next route
   */
  @SuppressWarnings("unchecked")
  public Router handleAsync(AsyncHandler<A> handler) {
    Objects.requireNonNull(handler, "handler");
    return spec.finish((req, v, o) -> handler.handle(req, (A) v[o + 0]));
  }
}
