package io.kyoto.web.route;

import io.kyoto.web.Method;

/**
 * A compiled route: guards then argument filters in {@code filters}; the handler's arguments start
 * at {@code argOffset}.
 */
record RouteDef(
    Method method,
    String pattern,
    String[] paramNames,
    Filter<?>[] filters,
    int argOffset,
    Invoker invoker) {

  /**
   * {@return whether this route accepts every request that reaches it} It has no guard and no
   * filter that can reject, so a later route for the same method and path could never run.
   */
  boolean acceptsAll() {
    for (Filter<?> f : filters) {
      if (!(f instanceof SyncFilter<?> s && s.infallible)) return false;
    }
    return true;
  }
}
