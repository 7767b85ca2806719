package io.kyoto.runtime.service;

/**
 * A function from one service to another that wraps it with behaviour (a timeout, a limit, a log):
 * tower's {@code Layer}. Compose layers with {@link ServiceBuilder}.
 *
 * @param <In> the wrapped service type
 * @param <Out> the resulting service type
 */
@FunctionalInterface
public interface Layer<In, Out> {
  /**
   * {@return {@code inner} wrapped by this layer}
   *
   * @param inner the service to wrap
   */
  Out layer(In inner);

  /**
   * {@return the layer that applies {@code this} outside {@code inner}: {@code this} sees requests
   * first}
   *
   * @param inner the layer applied closer to the service
   * @param <S> the service type {@code inner} takes
   */
  default <S> Layer<S, Out> around(Layer<S, In> inner) {
    return service -> layer(inner.layer(service));
  }

  /**
   * {@return the layer that changes nothing}
   *
   * @param <S> the service type
   */
  static <S> Layer<S, S> identity() {
    return service -> service;
  }
}
