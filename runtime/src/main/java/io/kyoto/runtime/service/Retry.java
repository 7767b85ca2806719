package io.kyoto.runtime.service;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.internal.task.Cancel;
import java.util.Objects;

/**
 * Retries failed (or unsatisfying) calls as a {@link RetryPolicy} decides, tower's {@code retry}.
 *
 * <p>{@link #call} asks the policy for a {@linkplain RetryPolicy#cloneRequest copy} of the request
 * before sending it; without a copy the call is not retryable and its outcome is final. After each
 * attempt the policy's {@link RetryPolicy#retry} returns null (stop: the attempt's outcome is the
 * call's) or a future to wait for, a backoff. Then the retry waits for the inner service to be
 * ready again, through a {@linkplain Service#newHandle() handle} of its own (the caller's readiness
 * was spent on the first attempt), and sends the copy.
 *
 * <p>With a {@link RetryBudget}, each call deposits once and each retry must withdraw; when the
 * budget is spent the call ends with the last attempt's outcome.
 *
 * <p>{@link #pollReady} passes through to the inner service.
 *
 * <p><b>Thread safety:</b> a handle serves one caller at a time. Response futures of different
 * calls may run concurrently and share the policy as {@link RetryPolicy#forCall} returns it.
 *
 * @param <Req> the request type
 * @param <Res> the response type
 */
public final class Retry<Req, Res> implements Service<Req, Res> {
  private final Service<Req, Res> inner;
  private final RetryPolicy<Req, Res> policy;
  private final RetryBudget budget; // may be null

  /**
   * Wraps {@code inner} with retries decided by {@code policy}.
   *
   * @param inner the service
   * @param policy the retry policy
   * @param budget caps the retries, or null for no cap beyond the policy
   */
  public Retry(Service<Req, Res> inner, RetryPolicy<Req, Res> policy, RetryBudget budget) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.budget = budget;
  }

  /**
   * {@return a layer that retries as {@code policy} decides}
   *
   * @param policy the retry policy
   * @param <Req> the request type
   * @param <Res> the response type
   */
  public static <Req, Res> Layer<Service<Req, Res>, Service<Req, Res>> layer(
      RetryPolicy<Req, Res> policy) {
    Objects.requireNonNull(policy, "policy");
    return inner -> new Retry<>(inner, policy, null);
  }

  /**
   * {@return a layer that retries as {@code policy} decides, within {@code budget}}
   *
   * @param policy the retry policy
   * @param budget caps the retries; shared by every service the layer wraps
   * @param <Req> the request type
   * @param <Res> the response type
   */
  public static <Req, Res> Layer<Service<Req, Res>, Service<Req, Res>> layer(
      RetryPolicy<Req, Res> policy, RetryBudget budget) {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(budget, "budget");
    return inner -> new Retry<>(inner, policy, budget);
  }

  @Override
  public Poll<Void> pollReady(Context cx) throws Exception {
    return inner.pollReady(cx);
  }

  /**
   * {@inheritDoc}
   *
   * <p><b>Cancel safety:</b> cancelling the response future cancels the attempt or backoff in
   * progress and gives back the retry handle's reservation.
   */
  @Override
  public Future<Res> call(Req request) {
    RetryPolicy<Req, Res> p = policy.forCall(request);
    Req copy = p.cloneRequest(request);
    if (budget != null) {
      budget.deposit();
    }
    Future<Res> first = inner.call(request);
    return copy == null ? first : new ResponseFuture<>(inner, p, budget, copy, first);
  }

  @Override
  public Service<Req, Res> newHandle() {
    Service<Req, Res> handle = inner.newHandle();
    return handle == inner ? this : new Retry<>(handle, policy, budget);
  }

  @Override
  public void release() {
    inner.release();
  }

  /** One call: attempt, decide, back off, get ready, attempt again. */
  private static final class ResponseFuture<Req, Res> implements Future<Res> {
    private final Service<Req, Res> service; // to make the retry handle from
    private final RetryPolicy<Req, Res> policy;
    private final RetryBudget budget;
    private Service<Req, Res> handle; // the retries' own handle, made at the first retry
    private Req copy; // what the next retry sends, null if the request cannot be retried
    private Future<Res> attempt; // state ATTEMPT
    private Future<Void> backoff; // state BACKOFF
    private boolean readying; // state READY: waiting for the handle's readiness

    ResponseFuture(
        Service<Req, Res> service,
        RetryPolicy<Req, Res> policy,
        RetryBudget budget,
        Req copy,
        Future<Res> first) {
      this.service = service;
      this.policy = policy;
      this.budget = budget;
      this.copy = copy;
      this.attempt = first;
    }

    @Override
    public Poll<Res> poll(Context cx) throws Exception {
      while (true) {
        if (attempt != null) {
          Res value = null;
          Exception error = null;
          try {
            Poll<Res> p = attempt.poll(cx);
            if (p.isPending()) {
              return Poll.pending();
            }
            value = p.value();
          } catch (Exception e) {
            Cancel.afterFailure(attempt, e); // the failed attempt is dropped here
            error = e;
          }
          attempt = null;
          Future<Void> wait = copy == null ? null : policy.retry(copy, value, error);
          if (wait == null || (budget != null && !budget.withdraw())) {
            if (wait != null) {
              if (error != null) {
                Cancel.afterFailure(wait, error); // the failure stays the outcome
              } else {
                wait.cancel(); // as a select's winner: a drop that throws fails the call
              }
            }
            return finish(value, error);
          }
          backoff = wait;
        }
        if (backoff != null) {
          if (backoff.poll(cx).isPending()) {
            return Poll.pending();
          }
          backoff = null;
          readying = true;
        }
        if (readying) {
          if (handle == null) {
            handle = service.newHandle();
          }
          if (handle.pollReady(cx).isPending()) {
            return Poll.pending();
          }
          readying = false;
          Req request = copy;
          copy = policy.cloneRequest(request);
          attempt = handle.call(request);
        }
      }
    }

    private Poll<Res> finish(Res value, Exception error) throws Exception {
      if (error != null) {
        throw error;
      }
      return Poll.ready(value);
    }

    @Override
    public void cancel() {
      Future<Res> a = attempt;
      attempt = null;
      if (a != null) {
        a.cancel();
      }
      Future<Void> b = backoff;
      backoff = null;
      if (b != null) {
        b.cancel();
      }
      if (readying && handle != null) {
        readying = false;
        handle.release();
      }
    }
  }
}
