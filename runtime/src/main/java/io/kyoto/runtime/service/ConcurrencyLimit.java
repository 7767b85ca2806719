package io.kyoto.runtime.service;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.sync.Semaphore;
import io.kyoto.runtime.sync.SemaphorePermit;
import java.util.Objects;

/**
 * Limits how many calls are in flight at once, tower's {@code concurrency_limit}.
 *
 * <p>{@link #pollReady} first acquires a permit from a {@link Semaphore} shared by every handle
 * (waiting, in queue order, while all are taken), keeps it as this handle's reservation, then polls
 * the inner service's readiness. {@link #call} moves the permit into the response future, which
 * holds it until it completes, fails or is {@linkplain Future#cancel() cancelled}. A {@link
 * #newHandle()} shares the semaphore and starts without a permit; {@link #release()} gives back a
 * permit that will not be used.
 *
 * <p><b>Thread safety:</b> a handle serves one caller at a time; the shared semaphore is thread
 * safe, so handles may be used from different tasks and threads.
 *
 * @param <Req> the request type
 * @param <Res> the response type
 */
public final class ConcurrencyLimit<Req, Res> implements Service<Req, Res> {
  private final Service<Req, Res> inner;
  private final Semaphore semaphore;
  private Future<SemaphorePermit> acquiring; // the pending acquisition of this handle's permit
  private SemaphorePermit permit; // this handle's reservation

  /**
   * Wraps {@code inner} so that at most {@code max} calls are in flight.
   *
   * @param inner the service
   * @param max the most calls in flight, at least 1
   * @throws IllegalArgumentException if {@code max < 1}
   */
  public ConcurrencyLimit(Service<Req, Res> inner, int max) {
    this(inner, new Semaphore(positive(max)));
  }

  /**
   * Wraps {@code inner} so that each call in flight holds a permit of {@code semaphore}; several
   * services may share one semaphore, and one limit.
   *
   * @param inner the service
   * @param semaphore the permits
   */
  public ConcurrencyLimit(Service<Req, Res> inner, Semaphore semaphore) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.semaphore = Objects.requireNonNull(semaphore, "semaphore");
  }

  /**
   * {@return a layer that limits the calls in flight to {@code max}} Each service the layer wraps
   * gets its own limit, shared by that service's handles.
   *
   * @param max the most calls in flight, at least 1
   * @param <Req> the request type
   * @param <Res> the response type
   * @throws IllegalArgumentException if {@code max < 1}
   */
  public static <Req, Res> Layer<Service<Req, Res>, Service<Req, Res>> layer(int max) {
    positive(max);
    return inner -> new ConcurrencyLimit<>(inner, max);
  }

  private static int positive(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("the concurrency limit must be at least 1: " + max);
    }
    return max;
  }

  /** {@return the semaphore shared by this service's handles} */
  public Semaphore semaphore() {
    return semaphore;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Waits for a permit, then for the inner service. If the inner service fails, the permit is
   * given back before the failure propagates.
   */
  @Override
  public Poll<Void> pollReady(Context cx) throws Exception {
    if (permit == null) {
      if (acquiring == null) {
        acquiring = semaphore.acquire();
      }
      Poll<SemaphorePermit> p = acquiring.poll(cx);
      if (p.isPending()) {
        return Poll.pending();
      }
      acquiring = null;
      permit = p.value();
    }
    try {
      return inner.pollReady(cx);
    } catch (Exception e) {
      permit.close();
      permit = null;
      throw e;
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p><b>Cancel safety:</b> cancelling the response future cancels the inner one and returns the
   * permit.
   *
   * @throws IllegalStateException if {@link #pollReady} has not returned ready since the last call
   */
  @Override
  public Future<Res> call(Req request) {
    SemaphorePermit p = permit;
    if (p == null) {
      throw new IllegalStateException("ConcurrencyLimit called before pollReady returned ready");
    }
    permit = null;
    Future<Res> response;
    try {
      response = inner.call(request);
    } catch (RuntimeException | Error e) {
      p.close();
      throw e;
    }
    return new ResponseFuture<>(response, p);
  }

  @Override
  public Service<Req, Res> newHandle() {
    return new ConcurrencyLimit<>(inner.newHandle(), semaphore);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Also stops a pending acquisition, and releases the inner service's reservation.
   */
  @Override
  public void release() {
    Future<SemaphorePermit> a = acquiring;
    acquiring = null;
    if (a != null) {
      a.cancel();
    }
    SemaphorePermit p = permit;
    permit = null;
    if (p != null) {
      p.close();
    }
    inner.release();
  }

  /** The response: holds the permit until the inner response is done or cancelled. */
  private static final class ResponseFuture<T> implements Future<T> {
    private final Future<T> response;
    private final SemaphorePermit permit;

    ResponseFuture(Future<T> response, SemaphorePermit permit) {
      this.response = response;
      this.permit = permit;
    }

    @Override
    public Poll<T> poll(Context cx) throws Exception {
      Poll<T> p;
      try {
        p = response.poll(cx);
      } catch (Exception | Error e) {
        // An Error too: the task that polls a failing future does not cancel it afterwards.
        permit.close();
        throw e;
      }
      if (p.isReady()) {
        permit.close();
      }
      return p;
    }

    @Override
    public void cancel() {
      try {
        response.cancel();
      } finally {
        permit.close(); // idempotent; even if the inner cancel() threw, or the limit shrinks
      }
    }
  }
}
