package io.kyoto.runtime.service;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Sleep;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.internal.task.Cancel;
import java.time.Duration;
import java.util.Objects;

/**
 * Fails calls that take longer than a limit, tower's {@code timeout}.
 *
 * <p>The timer starts when {@link #call} is made, not while waiting for readiness: {@link
 * #pollReady} passes through to the inner service. When the limit elapses before the response, the
 * inner response future is {@linkplain Future#cancel() cancelled} (releasing what it holds) and the
 * call fails with {@link ServiceTimeoutException}. As with {@link Time#timeout}, the inner future
 * is polled before the timer, so a response that is ready at once always wins.
 *
 * <p>Needs a runtime with time enabled when the response future is polled.
 *
 * <p><b>Thread safety:</b> a handle serves one caller at a time, as every {@link Service}; take
 * {@link #newHandle()} for another caller.
 *
 * @param <Req> the request type
 * @param <Res> the response type
 */
public final class Timeout<Req, Res> implements Service<Req, Res> {
  private final Service<Req, Res> inner;
  private final Duration duration;

  /**
   * Wraps {@code inner} with a time limit per call.
   *
   * @param inner the service
   * @param duration the limit, from {@link #call} to the response
   */
  public Timeout(Service<Req, Res> inner, Duration duration) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.duration = Objects.requireNonNull(duration, "duration");
  }

  /**
   * {@return a layer that wraps services with a time limit per call}
   *
   * @param duration the limit, from {@code call} to the response
   * @param <Req> the request type
   * @param <Res> the response type
   */
  public static <Req, Res> Layer<Service<Req, Res>, Service<Req, Res>> layer(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    return inner -> new Timeout<>(inner, duration);
  }

  /** {@return the limit per call} */
  public Duration duration() {
    return duration;
  }

  @Override
  public Poll<Void> pollReady(Context cx) throws Exception {
    return inner.pollReady(cx);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The timer starts now.
   *
   * <p><b>Cancel safety:</b> cancelling the response future cancels the inner one and the timer.
   */
  @Override
  public Future<Res> call(Req request) {
    Sleep timer = Time.sleep(duration); // inside a runtime the deadline is fixed now
    return new ResponseFuture<>(inner.call(request), timer, duration);
  }

  @Override
  public Service<Req, Res> newHandle() {
    Service<Req, Res> handle = inner.newHandle();
    return handle == inner ? this : new Timeout<>(handle, duration);
  }

  @Override
  public void release() {
    inner.release();
  }

  /** The response: the inner response raced against the timer. */
  private static final class ResponseFuture<T> implements Future<T> {
    private final Future<T> response;
    private final Sleep timer;
    private final Duration duration;
    private boolean expired; // the response was cancelled when the timer fired

    ResponseFuture(Future<T> response, Sleep timer, Duration duration) {
      this.response = response;
      this.timer = timer;
      this.duration = duration;
    }

    @Override
    public Poll<T> poll(Context cx) throws Exception {
      Poll<T> p;
      try {
        p = response.poll(cx);
      } catch (Exception e) {
        timer.cancel();
        throw e;
      }
      if (p.isReady()) {
        timer.cancel();
        return p;
      }
      if (timer.poll(cx).isReady()) {
        // The expiry is the outcome: what the drop of the response throws is suppressed into it.
        expired = true;
        throw Cancel.afterFailure(response, new ServiceTimeoutException(duration));
      }
      return Poll.pending();
    }

    @Override
    public void cancel() {
      try {
        if (!expired) {
          response.cancel();
        }
      } finally {
        timer.cancel(); // even if the response's cancel() threw
      }
    }
  }
}
