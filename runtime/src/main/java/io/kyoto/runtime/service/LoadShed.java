package io.kyoto.runtime.service;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Poll;
import java.util.Objects;

/**
 * Turns backpressure into fast failure, tower's {@code load_shed}.
 *
 * <p>{@link #pollReady} is always ready (unless the inner service failed for good, which
 * propagates): it polls the inner service once and remembers whether it was ready. If it was,
 * {@link #call} goes through; if not, the call fails at once with {@link OverloadedException}
 * instead of waiting. Put it outside a limit ({@link ConcurrencyLimit}, {@link RateLimit}, {@link
 * Buffer}) to reject the requests the limit would have queued.
 *
 * <p><b>Thread safety:</b> a handle serves one caller at a time.
 *
 * @param <Req> the request type
 * @param <Res> the response type
 */
public final class LoadShed<Req, Res> implements Service<Req, Res> {
  private final Service<Req, Res> inner;
  private boolean innerReady;

  /**
   * Wraps {@code inner} so that calls fail instead of waiting for it.
   *
   * @param inner the service
   */
  public LoadShed(Service<Req, Res> inner) {
    this.inner = Objects.requireNonNull(inner, "inner");
  }

  /**
   * {@return a layer that sheds load}
   *
   * @param <Req> the request type
   * @param <Res> the response type
   */
  public static <Req, Res> Layer<Service<Req, Res>, Service<Req, Res>> layer() {
    return LoadShed::new;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Always ready; polls the inner service to learn whether the next call will be accepted.
   */
  @Override
  public Poll<Void> pollReady(Context cx) throws Exception {
    if (!innerReady) {
      innerReady = inner.pollReady(cx).isReady();
    }
    return Poll.ready(null);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Fails with {@link OverloadedException} at once if the inner service was not ready at the
   * last {@link #pollReady}.
   */
  @Override
  public Future<Res> call(Req request) {
    if (!innerReady) {
      // Give up the reservation attempt too: a caller that is shed must not keep a place in the
      // inner service's queue (Java has no drop to do it when the handle is abandoned).
      inner.release();
      return Futures.failed(new OverloadedException());
    }
    innerReady = false;
    return inner.call(request);
  }

  @Override
  public Service<Req, Res> newHandle() {
    return new LoadShed<>(inner.newHandle());
  }

  @Override
  public void release() {
    if (innerReady) {
      innerReady = false;
      inner.release();
    }
  }
}
