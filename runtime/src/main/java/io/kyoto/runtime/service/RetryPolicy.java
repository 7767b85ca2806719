package io.kyoto.runtime.service;

import io.kyoto.runtime.Future;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Decides whether and when {@link Retry} retries a request, tower's {@code retry::Policy}.
 *
 * <p>For each call, {@link Retry} asks {@link #forCall} for the policy instance of that call, so a
 * policy that counts attempts or grows a backoff returns a fresh copy there (tower clones its
 * policy per request); a stateless policy returns {@code this}, and must then be thread safe.
 *
 * @param <Req> the request type
 * @param <Res> the response type
 */
public interface RetryPolicy<Req, Res> {

  /**
   * Decides whether to retry after an attempt.
   *
   * @param request the copy of the request that the retry would send; the policy may change it
   * @param result the attempt's response, when it succeeded (may be null for a null response)
   * @param error the attempt's failure, or null when it succeeded
   * @return null to stop and return this attempt's outcome, or a future to wait for (a backoff,
   *     {@code Futures.ready(null)} for none) before retrying
   */
  Future<Void> retry(Req request, Res result, Exception error);

  /**
   * {@return a copy of {@code request} to send again if the attempt must be retried, or null if the
   * request cannot be retried} For instance a request with a streaming body.
   *
   * @param request the request about to be sent
   */
  Req cloneRequest(Req request);

  /**
   * {@return the policy instance to use for one call} The default returns {@code this}.
   *
   * @param request the call's request
   */
  default RetryPolicy<Req, Res> forCall(Req request) {
    return this;
  }

  /**
   * {@return a policy that retries failures matching {@code retryOn} up to {@code maxRetries} times
   * per call, waiting {@code backoff} before each retry} Successful responses are never retried.
   * The requests are sent again as they are, so they must be immutable (or at least safe to send
   * twice); write a policy with a real {@link #cloneRequest} otherwise.
   *
   * @param maxRetries the most retries per call, at least 0
   * @param backoff the wait before each retry, or null to retry at once
   * @param retryOn which failures to retry
   * @param <Req> the request type
   * @param <Res> the response type
   * @throws IllegalArgumentException if {@code maxRetries} is negative
   */
  static <Req, Res> RetryPolicy<Req, Res> onFailure(
      int maxRetries, Backoff backoff, Predicate<? super Exception> retryOn) {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must not be negative: " + maxRetries);
    }
    Objects.requireNonNull(retryOn, "retryOn");
    return new LimitedRetryPolicy<>(maxRetries, backoff, retryOn);
  }
}
