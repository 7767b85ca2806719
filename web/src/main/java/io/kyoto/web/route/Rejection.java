package io.kyoto.web.route;

import io.kyoto.web.HttpException;
import io.kyoto.web.Method;
import io.kyoto.web.Status;
import java.io.Serial;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Why a request did not reach a handler: warp's {@code Rejection}. A filter fails its future with a
 * rejection ({@link #badRequest}, {@link #unsupportedMediaType}, …); the router tries the next
 * route registered for the same path and method, and if every one rejects, it answers with the
 * {@linkplain #preferred preferred} rejection's status, after giving {@link Router#recover} a
 * chance to answer differently.
 *
 * <p>A rejection is an {@link HttpException}, so a server that meets one answers with its status
 * too. Its message is shown to the client: keep it free of secrets.
 */
public final class Rejection extends HttpException {
  @Serial private static final long serialVersionUID = 1L;

  private final transient Set<Method> allowed;

  private Rejection(Status status, String message, Set<Method> allowed) {
    super(status, message);
    this.allowed = allowed;
  }

  /**
   * {@return a rejection with any status}
   *
   * @param status the status to answer with
   * @param message a message safe to show to the client
   */
  public static Rejection of(Status status, String message) {
    return new Rejection(status, message, Set.of());
  }

  /** {@return the 404 rejection: no route matched the path} */
  public static Rejection notFound() {
    return of(Status.NOT_FOUND, "Not Found");
  }

  /**
   * {@return the 405 rejection: routes matched the path, but not the method}
   *
   * @param allowed the methods that did match, sent in the {@code Allow} header
   */
  public static Rejection methodNotAllowed(Set<Method> allowed) {
    return new Rejection(
        Status.METHOD_NOT_ALLOWED,
        "Method Not Allowed",
        Collections.unmodifiableSet(new LinkedHashSet<>(allowed)));
  }

  /**
   * {@return a 400 rejection: a bad parameter, query, header or body}
   *
   * @param message what was wrong, e.g. {@code invalid path parameter id: "x" is not a long}
   */
  public static Rejection badRequest(String message) {
    return of(Status.BAD_REQUEST, message);
  }

  /**
   * {@return a 415 rejection}
   *
   * @param message the expected and the received content type
   */
  public static Rejection unsupportedMediaType(String message) {
    return of(Status.UNSUPPORTED_MEDIA_TYPE, message);
  }

  /**
   * {@return a 413 rejection}
   *
   * @param message the limit that was exceeded
   */
  public static Rejection payloadTooLarge(String message) {
    return of(Status.CONTENT_TOO_LARGE, message);
  }

  /** {@return a 411 rejection: the route needs a {@code Content-Length}} */
  public static Rejection lengthRequired() {
    return of(Status.LENGTH_REQUIRED, "Content-Length required");
  }

  /**
   * {@return a 403 rejection}
   *
   * @param message why
   */
  public static Rejection forbidden(String message) {
    return of(Status.FORBIDDEN, message);
  }

  /** {@return whether this is the 404 "no route matched" rejection} */
  public boolean isNotFound() {
    return status().code() == 404;
  }

  /**
   * {@return the methods allowed on the path, for a 405 rejection; otherwise empty} The router
   * sends them in the {@code Allow} header of the default 405 response, and adds that header to a
   * 405 response {@link Router#recover} builds for this rejection if it has none.
   */
  public Set<Method> allowed() {
    return allowed;
  }

  /**
   * {@return the rejection to report of two, by warp's rule} 404 is the weakest, then 405; between
   * other statuses the higher one wins; on a tie, {@code a}.
   *
   * @param a the earlier rejection, or null
   * @param b the later rejection, or null
   */
  public static Rejection preferred(Rejection a, Rejection b) {
    if (a == null) return b;
    if (b == null) return a;
    int sa = a.status().code();
    int sb = b.status().code();
    if (sb == 404) return a;
    if (sa == 404) return b;
    if (sb == 405) return a;
    if (sa == 405) return b;
    return sa < sb ? b : a;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    // Rejections are control flow on the request path: a stack trace is pure cost.
    return this;
  }
}
