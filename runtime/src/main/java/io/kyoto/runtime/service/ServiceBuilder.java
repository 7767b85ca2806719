package io.kyoto.runtime.service;

import java.time.Duration;

/**
 * Stacks {@link Layer}s around a service, tower's {@code ServiceBuilder}: <b>the first layer added
 * is the outermost</b> and sees each request first.
 *
 * {@snippet :
 * Service<Request, Response> svc = ServiceBuilder.<Request, Response>start()
 *     .layer(Timeout.layer(Duration.ofSeconds(5)))   // outermost
 *     .layer(ConcurrencyLimit.layer(100))
 *     .service(app);
 * }
 *
 * @param <Req> the request type of the services being stacked
 * @param <Res> the response type
 */
public final class ServiceBuilder<Req, Res> {
  private final Layer<Service<Req, Res>, Service<Req, Res>> stack;

  private ServiceBuilder(Layer<Service<Req, Res>, Service<Req, Res>> stack) {
    this.stack = stack;
  }

  /**
   * {@return an empty builder}
   *
   * @param <Req> the request type
   * @param <Res> the response type
   */
  public static <Req, Res> ServiceBuilder<Req, Res> start() {
    return new ServiceBuilder<>(Layer.identity());
  }

  /**
   * {@return a builder with {@code layer} added inside the layers added so far}
   *
   * @param layer the layer
   */
  public ServiceBuilder<Req, Res> layer(Layer<Service<Req, Res>, Service<Req, Res>> layer) {
    return new ServiceBuilder<>(stack.around(layer));
  }

  /**
   * {@return {@code service} wrapped by every layer, the first added outermost}
   *
   * @param service the innermost service
   */
  public Service<Req, Res> service(Service<Req, Res> service) {
    return stack.layer(service);
  }

  /**
   * {@return a builder with a {@link Timeout} of {@code duration} per call added}
   *
   * @param duration the limit, from {@code call} to the response
   */
  public ServiceBuilder<Req, Res> timeout(Duration duration) {
    return layer(Timeout.layer(duration));
  }

  /**
   * {@return a builder with a {@link ConcurrencyLimit} of {@code max} calls in flight added}
   *
   * @param max the most calls in flight, at least 1
   */
  public ServiceBuilder<Req, Res> concurrencyLimit(int max) {
    return layer(ConcurrencyLimit.layer(max));
  }

  /**
   * {@return a builder with a {@link RateLimit} of {@code num} calls per {@code per} added}
   *
   * @param num the calls per window, at least 1
   * @param per the window's length, positive
   */
  public ServiceBuilder<Req, Res> rateLimit(int num, Duration per) {
    return layer(RateLimit.layer(num, per));
  }

  /** {@return a builder with {@link LoadShed} added} */
  public ServiceBuilder<Req, Res> loadShed() {
    return layer(LoadShed.layer());
  }

  /**
   * {@return a builder with a {@link Buffer} of {@code bound} requests added} The buffer spawns its
   * worker when {@link #service} is called, which must then run inside a runtime.
   *
   * @param bound how many requests may be queued or reserved at once, at least 1
   */
  public ServiceBuilder<Req, Res> buffer(int bound) {
    return layer(Buffer.layer(bound));
  }

  /**
   * {@return a builder with a {@link Retry} following {@code policy} added}
   *
   * @param policy the retry policy
   */
  public ServiceBuilder<Req, Res> retry(RetryPolicy<Req, Res> policy) {
    return layer(Retry.layer(policy));
  }

  /**
   * {@return a builder with a {@link Retry} following {@code policy} within {@code budget} added}
   *
   * @param policy the retry policy
   * @param budget caps the retries
   */
  public ServiceBuilder<Req, Res> retry(RetryPolicy<Req, Res> policy, RetryBudget budget) {
    return layer(Retry.layer(policy, budget));
  }
}
