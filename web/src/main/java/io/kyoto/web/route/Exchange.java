package io.kyoto.web.route;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.web.HttpException;
import io.kyoto.web.Request;

/**
 * A request on its way through a route: the {@link Request}, the path parameters the route's
 * pattern captured, and the body once read (so a second route tried for the same request can read
 * it again). {@link Filter}s receive it.
 *
 * <p><b>Thread safety:</b> not thread safe; it belongs to the request's task.
 */
public final class Exchange {
  private final Request request;
  private final int bodyLimit;
  private String pattern;
  private String[] names;
  private String[] values;
  private byte[] body;
  // why reading the body failed part-way: the bytes read are gone, so no later filter may read
  // the rest as if it were the whole body (warp: a body is taken once)
  private Exception bodyFailure;

  Exchange(Request request, int bodyLimit) {
    this.request = request;
    this.bodyLimit = bodyLimit;
  }

  void bind(String pattern, String[] names, String[] values) {
    this.pattern = pattern;
    this.names = names;
    this.values = values;
  }

  /** {@return the request} */
  public Request request() {
    return request;
  }

  /** {@return the pattern of the route being tried, e.g. {@code /users/{id}}} */
  public String pattern() {
    return pattern;
  }

  /**
   * {@return the percent-decoded value the route's pattern captured as {@code {name}}, or null}
   *
   * @param name the parameter name in the pattern
   */
  public String pathParam(String name) {
    if (names == null) return null;
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) return values[i];
    }
    return null;
  }

  /** {@return the router's default body limit in bytes} */
  public int bodyLimit() {
    return bodyLimit;
  }

  /**
   * {@return a future of the whole body, read once and kept for later filters}
   *
   * <p>Fails with a 413 {@link Rejection} when the body (or its declared {@code Content-Length}) is
   * larger than {@code maxBytes}. Once reading has failed part-way (an earlier route's smaller
   * limit, say), every later call fails the same way: the bytes read are gone, and the rest is not
   * the body.
   *
   * @param maxBytes the most bytes to accept
   */
  public Future<byte[]> body(int maxBytes) {
    if (body != null) {
      return body.length > maxBytes ? Futures.failed(tooLarge(maxBytes)) : Futures.ready(body);
    }
    if (bodyFailure != null) return Futures.failed(bodyFailure);
    String declared = request.header("content-length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared.trim()) > maxBytes) return Futures.failed(tooLarge(maxBytes));
      } catch (NumberFormatException e) {
        return Futures.failed(Rejection.badRequest("invalid Content-Length"));
      }
    }
    return request
        .body()
        .bytes(maxBytes)
        .recoverWith(
            e -> {
              bodyFailure =
                  e instanceof HttpException h && h.status().code() == 413 ? tooLarge(maxBytes) : e;
              return Futures.failed(bodyFailure);
            })
        .map(
            b -> {
              body = b;
              return b;
            });
  }

  private static Rejection tooLarge(int maxBytes) {
    return Rejection.payloadTooLarge(
        "request body larger than the limit of " + maxBytes + " bytes");
  }
}
