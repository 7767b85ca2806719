package io.kyoto.web.route;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import java.util.Objects;

/**
 * A route with no filter waiting for its handler: finish it with {@link #handle} (a handler
 * returning a {@link Response}) or {@link #handleAsync} (a handler returning a {@link Future}).
 * Both return the {@link Router} for the next route.
 */
public final class Route0 {
  /** A handler that answers at once. */
  @FunctionalInterface
  public interface Handler {
    /**
     * Answers the request.
     *
     * @param request the request
     * @return the response
     * @throws Exception a failure: an {@link io.kyoto.web.HttpException} answers with its status,
     *     anything else with 500 (unless {@link Router#recover} says otherwise)
     */
    Response handle(Request request) throws Exception;
  }

  /** A handler that answers later. */
  @FunctionalInterface
  public interface AsyncHandler {
    /**
     * Starts answering the request.
     *
     * @param request the request
     * @return a future of the response
     * @throws Exception a failure, as for {@link Handler}
     */
    Future<Response> handle(Request request) throws Exception;
  }

  private final RouteSpec spec;

  Route0(RouteSpec spec) {
    this.spec = spec;
  }

  /**
   * Adds a filter that must accept the request before the others run; its value is not passed to
   * the handler (e.g. {@link Filters#headerExact} or {@link Filters#contentLengthLimit}).
   *
   * @param guard the filter
   * @return this
   */
  public Route0 guard(Filter<?> guard) {
    spec.guard(guard);
    return this;
  }

  /**
   * Completes the route with a handler that returns its response directly.
   *
   * @param handler the handler
   * @return the router, for the next route
   */
  public Router handle(Handler handler) {
    Objects.requireNonNull(handler, "handler");
    return spec.finish(
        (req, v, o) ->
            Futures.ready(Objects.requireNonNull(handler.handle(req), "handler returned null")));
  }

  /**
   * Completes the route with a handler that returns a future of its response.
   *
   * @param handler the handler
   * @return the router, for the next route
   */
  public Router handleAsync(AsyncHandler handler) {
    Objects.requireNonNull(handler, "handler");
    return spec.finish((req, v, o) -> handler.handle(req));
  }
}
