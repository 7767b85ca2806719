package io.kyoto.runtime.service;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.ThrowingBiFunction;
import io.kyoto.runtime.ThrowingFunction;

/**
 * An asynchronous function from a request to a response with backpressure: tower's {@code Service}.
 * Protocol servers (HTTP in {@code kyoto-web}, or any line or frame protocol built on {@link
 * io.kyoto.runtime.codec}) execute a service; clients are services too.
 *
 * <h2>The contract</h2>
 *
 * <ul>
 *   <li>Call {@link #call} only after {@link #pollReady} returned ready. Until that call, further
 *       {@code pollReady} calls keep returning ready. A service that is not ready makes its caller
 *       wait: that is the backpressure signal, not a failure.
 *   <li>{@code pollReady} may reserve a resource (a semaphore permit, a queue slot) for the next
 *       {@code call}; the response future then owns it until it completes or is cancelled. A
 *       service dropped between a ready {@code pollReady} and {@code call} must be {@linkplain
 *       #release() released}.
 *   <li>{@code pollReady} throwing means the service has failed for good and must be discarded.
 * </ul>
 *
 * <h2>Concurrent callers: {@link #newHandle()}</h2>
 *
 * <p>Readiness belongs to one caller. Where tower clones a service, a second caller (another
 * connection, another task) asks for {@link #newHandle()}: a handle that shares what must be shared
 * (the limit, the queue, the rate window) but holds no reservation of its own. A handle obtained
 * from a ready service is <em>not</em> ready, which removes tower's clone-readiness pitfall: nobody
 * can copy a reservation by accident. Stateless services return {@code this}.
 *
 * {@snippet :
 * Service<String, Integer> length = Service.of(s -> Futures.ready(s.length()));
 * Future<Integer> five = length.oneshot("hello");
 * }
 *
 * @param <Req> the request type
 * @param <Res> the response type
 */
@FunctionalInterface
public interface Service<Req, Res> {

  /**
   * Waits until the service can take a request. The default is always ready.
   *
   * @param cx the caller's context
   * @return ready when {@link #call} may be called; pending after arranging a wake-up
   * @throws Exception if the service failed for good
   */
  default Poll<Void> pollReady(Context cx) throws Exception {
    return Poll.ready(null);
  }

  /**
   * Starts processing {@code request}. Call only after {@link #pollReady} returned ready.
   *
   * @param request the request
   * @return a future of the response; cancelling it releases what the call holds
   */
  Future<Res> call(Req request);

  /**
   * {@return a handle for another concurrent caller} It shares this service's shared state but not
   * its readiness: it starts not ready. The default returns {@code this}, right for services whose
   * {@link #pollReady} reserves nothing.
   */
  default Service<Req, Res> newHandle() {
    return this;
  }

  /**
   * Gives back a reservation made by a ready {@link #pollReady} that will not be followed by a
   * {@link #call}. Idempotent; the default does nothing.
   */
  default void release() {}

  /**
   * {@return a future that completes when this service is ready} tower's {@code ready()}.
   *
   * <p><b>Cancel safety:</b> cancel safe. Cancelled while waiting, it {@linkplain #release()
   * releases} the reservation being made (a queued permit acquisition), so that what frees up does
   * not go to nobody; cancelled after readiness was reached, it keeps the reservation: call {@link
   * #release()} or {@link #call}.
   */
  default Future<Void> ready() {
    Service<Req, Res> service = this;
    return new Future<>() {
      private boolean reached;

      @Override
      public Poll<Void> poll(Context cx) throws Exception {
        Poll<Void> p = service.pollReady(cx);
        reached = p.isReady();
        return p;
      }

      @Override
      public void cancel() {
        if (!reached) {
          service.release();
        }
      }
    };
  }

  /**
   * {@return a future that waits for readiness, then calls the service with {@code request}}
   * tower's {@code oneshot}.
   *
   * <p><b>Cancel safety:</b> cancelled while waiting for readiness, it {@linkplain #release()
   * releases} the reservation being made; after the call, it cancels the response future.
   *
   * @param request the request
   */
  default Future<Res> oneshot(Req request) {
    Service<Req, Res> service = this;
    return new Future<>() {
      private Future<Res> response;

      @Override
      public Poll<Res> poll(Context cx) throws Exception {
        if (response == null) {
          if (service.pollReady(cx).isPending()) {
            return Poll.pending();
          }
          response = service.call(request);
        }
        return response.poll(cx);
      }

      @Override
      public void cancel() {
        if (response != null) {
          response.cancel();
        } else {
          service.release();
        }
      }
    };
  }

  /**
   * {@return this service with {@code fn} applied to each response}
   *
   * @param fn the response mapping
   * @param <R> the new response type
   */
  default <R> Service<Req, R> mapResponse(ThrowingFunction<? super Res, ? extends R> fn) {
    return wrap(this, (request, next) -> next.call(request).map(fn));
  }

  /**
   * {@return this service with {@code fn} applied to each request before it reaches this one}
   *
   * @param fn the request mapping; an exception fails the call
   * @param <R> the new request type
   */
  default <R> Service<R, Res> mapRequest(ThrowingFunction<? super R, ? extends Req> fn) {
    return wrap(this, (request, next) -> next.call(fn.apply(request)));
  }

  /**
   * {@return a middleware around {@code inner}: each request goes to {@code call}, which decides
   * what reaches {@code inner} and what comes back} Readiness, {@link #release()} and {@link
   * #newHandle()} are forwarded to {@code inner}, so the middleware keeps its backpressure and its
   * reservations without a hand-written {@code Service}:
   *
   * {@snippet :
   * Layer<Service<Request, Response>, Service<Request, Response>> poweredBy =
   *     inner -> Service.wrap(inner, (request, next) ->
   *         next.call(request).map(r -> r.header("x-powered-by", "kyoto")));
   * }
   *
   * <p>{@code call} gets the inner service to use as {@code next}: call that one, never an {@code
   * inner} captured from outside, because a {@linkplain #newHandle() new handle} passes its own.
   * {@code call} must either call {@code next} once or answer by itself after {@code
   * next.release()} (a preflight, a rejection). An exception it throws fails the returned future
   * and releases {@code next}, so it must throw only before calling {@code next}.
   *
   * @param inner the wrapped service
   * @param call what the middleware does with each request
   * @param <Req> the request type of the middleware
   * @param <Res> the response type of the middleware
   * @param <InReq> the request type of {@code inner}
   * @param <InRes> the response type of {@code inner}
   */
  static <Req, Res, InReq, InRes> Service<Req, Res> wrap(
      Service<InReq, InRes> inner,
      ThrowingBiFunction<? super Req, ? super Service<InReq, InRes>, ? extends Future<Res>> call) {
    return new Wrapped<>(inner, call);
  }

  /**
   * {@return a stateless, always-ready service that calls {@code fn}} tower's {@code service_fn}.
   * An exception thrown by {@code fn} fails the returned future.
   *
   * @param fn the function from request to response future
   * @param <Req> the request type
   * @param <Res> the response type
   */
  static <Req, Res> Service<Req, Res> of(ThrowingFunction<? super Req, ? extends Future<Res>> fn) {
    return request -> {
      try {
        return fn.apply(request);
      } catch (Exception e) {
        return io.kyoto.runtime.Futures.failed(e);
      }
    };
  }
}
