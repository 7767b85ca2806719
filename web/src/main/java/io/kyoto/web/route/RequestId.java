package io.kyoto.web.route;

import io.kyoto.runtime.service.Layer;
import io.kyoto.runtime.service.Service;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Gives every request an id: the client's {@code X-Request-Id} when it is valid (1 to 128
 * characters among {@code A-Z a-z 0-9 - _ . : + / = @ ~}), else a random UUID. The id is stored as
 * a request attribute ({@link #of(Request)}) and sent back in the response's {@code X-Request-Id}.
 * Add it before {@link AccessLog} so the log line carries the id.
 *
 * <p><b>Thread safety:</b> immutable.
 */
public final class RequestId
    implements Layer<Service<Request, Response>, Service<Request, Response>> {
  /** The request attribute key under which the id is stored. */
  public static final Object KEY = new Object();

  private static final RequestId DEFAULT = new RequestId("x-request-id");

  private final String header;

  private RequestId(String header) {
    this.header = header;
  }

  /** {@return the layer using {@code X-Request-Id}} */
  public static RequestId layer() {
    return DEFAULT;
  }

  /**
   * {@return the layer using another header name}
   *
   * @param header the header, e.g. {@code X-Correlation-Id}
   */
  public static RequestId layer(String header) {
    return new RequestId(header);
  }

  /**
   * {@return the id of {@code request}, or null if no {@code RequestId} layer saw it}
   *
   * @param request the request
   */
  public static String of(Request request) {
    return request.attribute(KEY);
  }

  @Override
  public Service<Request, Response> layer(Service<Request, Response> inner) {
    return Service.wrap(
        inner,
        (request, next) -> {
          String given = request.header(header);
          String id = given != null && isValid(given) ? given : generate();
          request.attribute(KEY, id);
          return next.call(request)
              .map(
                  r -> {
                    // A copy: the inner service may answer every request with one response.
                    Response own = r.copy();
                    own.headers().set(header, id);
                    return own;
                  });
        });
  }

  /**
   * {@return whether {@code id} is acceptable as a request id}
   *
   * @param id the candidate
   */
  public static boolean isValid(String id) {
    int n = id.length();
    if (n == 0 || n > 128) return false;
    for (int i = 0; i < n; i++) {
      char c = id.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "-_.:+/=@~".indexOf(c) >= 0;
      if (!ok) return false;
    }
    return true;
  }

  private static String generate() {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    long hi = (rnd.nextLong() & ~0xF000L) | 0x4000L;
    long lo = (rnd.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new java.util.UUID(hi, lo).toString();
  }
}
