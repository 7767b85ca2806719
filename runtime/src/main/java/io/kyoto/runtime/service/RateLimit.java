package io.kyoto.runtime.service;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Sleep;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.Waker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Limits calls to {@code num} per window of {@code per}, tower's {@code rate_limit}.
 *
 * <p>A fixed window: the first reservation after a window ended opens a new one of length {@code
 * per}. Each ready {@link #pollReady} reserves one of the window's {@code num} calls; once they are
 * all reserved, {@code pollReady} is pending until the window ends, then the count resets. The
 * window is shared by every {@link #newHandle() handle}, so the limit holds for the service as a
 * whole (tower's clones each have their own window; a shared limit is what {@code newHandle} is
 * for). {@link #release()} gives an unused reservation back to the window it was made in, if that
 * window is still open, and wakes the handles waiting for it. After reserving, {@code pollReady}
 * polls the inner service.
 *
 * <p>Needs a runtime with time enabled; with a paused clock the windows are deterministic.
 *
 * <p><b>Thread safety:</b> a handle serves one caller at a time; the shared window is thread safe.
 *
 * @param <Req> the request type
 * @param <Res> the response type
 */
public final class RateLimit<Req, Res> implements Service<Req, Res> {
  private final Service<Req, Res> inner;
  private final Window window;
  private long reservedIn = -1; // the generation of the window this handle's reservation is in
  private Sleep waiting; // until the current window ends, while it is full

  /**
   * Wraps {@code inner} with a limit of {@code num} calls per {@code per}.
   *
   * @param inner the service
   * @param num the calls per window, at least 1
   * @param per the window's length, positive
   * @throws IllegalArgumentException if {@code num < 1} or {@code per} is not positive
   */
  public RateLimit(Service<Req, Res> inner, int num, Duration per) {
    this(Objects.requireNonNull(inner, "inner"), new Window(num, per));
  }

  private RateLimit(Service<Req, Res> inner, Window window) {
    this.inner = inner;
    this.window = window;
  }

  /**
   * {@return a layer that limits calls to {@code num} per {@code per}} Each service the layer wraps
   * gets its own window, shared by that service's handles.
   *
   * @param num the calls per window, at least 1
   * @param per the window's length, positive
   * @param <Req> the request type
   * @param <Res> the response type
   * @throws IllegalArgumentException if {@code num < 1} or {@code per} is not positive
   */
  public static <Req, Res> Layer<Service<Req, Res>, Service<Req, Res>> layer(
      int num, Duration per) {
    Window.check(num, per);
    return inner -> new RateLimit<>(inner, num, per);
  }

  @Override
  public Poll<Void> pollReady(Context cx) throws Exception {
    while (reservedIn < 0) {
      long generation = window.tryReserve(Time.now(), cx.waker());
      if (generation >= 0) {
        reservedIn = generation;
        cancelWaiting();
        break;
      }
      long end = window.end();
      if (waiting == null || waiting.deadline() != end) {
        cancelWaiting();
        waiting = Time.sleepUntil(end);
      }
      if (waiting.poll(cx).isPending()) {
        return Poll.pending();
      }
      waiting = null;
    }
    return inner.pollReady(cx);
  }

  private void cancelWaiting() {
    Sleep w = waiting;
    waiting = null;
    if (w != null) {
      w.cancel();
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException if {@link #pollReady} has not returned ready since the last call
   */
  @Override
  public Future<Res> call(Req request) {
    if (reservedIn < 0) {
      throw new IllegalStateException("RateLimit called before pollReady returned ready");
    }
    reservedIn = -1;
    return inner.call(request);
  }

  @Override
  public Service<Req, Res> newHandle() {
    return new RateLimit<>(inner.newHandle(), window);
  }

  @Override
  public void release() {
    cancelWaiting();
    if (reservedIn >= 0) {
      window.giveBack(reservedIn);
      reservedIn = -1;
    }
    inner.release();
  }

  /** The fixed window shared by every handle. Guarded by its monitor. */
  private static final class Window {
    private final int num;
    private final long perNanos;
    private long generation = -1; // -1: no window opened yet
    private long end;
    private int reserved;
    // Wakers of handles that found the window full; a given-back reservation wakes them (the
    // window's end wakes them through their own sleeps). Cleared at each new window.
    private final List<Waker> waiters = new ArrayList<>();

    Window(int num, Duration per) {
      check(num, per);
      this.num = num;
      this.perNanos = saturatedNanos(per);
    }

    /**
     * Reserves a call at {@code now}; returns its window's generation, or -1 if the window is full,
     * after registering {@code waker} to be woken if a reservation is given back.
     */
    synchronized long tryReserve(long now, Waker waker) {
      if (generation < 0 || now - end >= 0) {
        generation++;
        end = now + perNanos < now ? Long.MAX_VALUE : now + perNanos;
        reserved = 0;
        waiters.clear();
      }
      if (reserved == num) {
        if (!waiters.contains(waker)) {
          waiters.add(waker);
        }
        return -1;
      }
      reserved++;
      return generation;
    }

    synchronized long end() {
      return end;
    }

    void giveBack(long reservedIn) {
      List<Waker> wake;
      synchronized (this) {
        if (reservedIn != generation || reserved == 0) {
          return;
        }
        reserved--;
        wake = List.copyOf(waiters);
        waiters.clear();
      }
      wake.forEach(Waker::wake);
    }

    static void check(int num, Duration per) {
      if (num < 1) {
        throw new IllegalArgumentException("the rate limit must allow at least 1 call: " + num);
      }
      Objects.requireNonNull(per, "per");
      if (per.isZero() || per.isNegative()) {
        throw new IllegalArgumentException("the rate limit window must be positive: " + per);
      }
    }

    private static long saturatedNanos(Duration d) {
      try {
        return d.toNanos();
      } catch (ArithmeticException e) {
        return Long.MAX_VALUE;
      }
    }
  }
}
