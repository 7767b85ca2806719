package io.kyoto.web.route;

import io.kyoto.runtime.Future;
import io.kyoto.web.Request;
import io.kyoto.web.Response;

/** Calls a route's handler with the filters' values, which start at {@code offset}. */
@FunctionalInterface
interface Invoker {
  Future<Response> invoke(Request request, Object[] values, int offset) throws Exception;
}
