package io.kyoto.runtime.service;

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
}
