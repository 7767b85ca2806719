package io.kyoto.web.route;

import io.kyoto.web.Request;
import io.kyoto.web.Response;

/**
 * Turns a failure into a response: warp's {@code recover}. It sees every {@link Rejection} the
 * router produces (404, 405, 400, 411, 413, 415, …) and every exception a handler throws or fails
 * with. Return a response to answer; return null or throw (the same or another exception) to leave
 * it to the default mapping: an {@link io.kyoto.web.HttpException} answers with its status and
 * message, anything else with a bare 500.
 *
 * <p>A response with status 405 returned for a 405 rejection gets the rejection's {@code Allow}
 * header (its {@linkplain Rejection#allowed allowed} methods, as the default mapping sends them)
 * unless it has an {@code Allow} header of its own: a hook that turns rejections into JSON keeps
 * the header RFC 9110 requires without knowing of it. A response with another status gets none.
 *
 * {@snippet :
 * router.recover((req, error) -> {
 *   if (error instanceof Rejection r && r.isNotFound()) {
 *     return Response.html("<h1>Nothing here</h1>").status(Status.NOT_FOUND);
 *   }
 *   return null;
 * });
 * }
 */
@FunctionalInterface
public interface Recover {
  /**
   * Answers a failed request.
   *
   * @param request the request
   * @param error the rejection or the handler's exception
   * @return the response, or null for the default mapping
   * @throws Exception to hand this (or another) exception to the default mapping
   */
  Response recover(Request request, Exception error) throws Exception;
}
