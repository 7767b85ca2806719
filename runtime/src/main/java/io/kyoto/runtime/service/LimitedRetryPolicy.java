package io.kyoto.runtime.service;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import java.util.function.Predicate;

/**
 * The policy behind {@link RetryPolicy#onFailure}: retries matching failures of immutable requests
 * up to a number of times, with a backoff. One instance per call counts that call's retries.
 */
final class LimitedRetryPolicy<Req, Res> implements RetryPolicy<Req, Res> {
  private final int maxRetries;
  private final Backoff backoff; // null: retry at once
  private final Predicate<? super Exception> retryOn;
  private int retries;

  LimitedRetryPolicy(int maxRetries, Backoff backoff, Predicate<? super Exception> retryOn) {
    this.maxRetries = maxRetries;
    this.backoff = backoff;
    this.retryOn = retryOn;
  }

  @Override
  public Future<Void> retry(Req request, Res result, Exception error) {
    if (error == null || retries >= maxRetries || !retryOn.test(error)) {
      return null;
    }
    int attempt = retries++;
    return backoff == null ? Futures.ready(null) : backoff.sleep(attempt);
  }

  @Override
  public Req cloneRequest(Req request) {
    return request; // immutable requests, as the factory documents
  }

  @Override
  public RetryPolicy<Req, Res> forCall(Req request) {
    return new LimitedRetryPolicy<>(maxRetries, backoff, retryOn);
  }
}
