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
    Invoker invoker) {}
