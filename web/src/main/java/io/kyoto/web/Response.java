package io.kyoto.web;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.ThrowingFunction;
import java.util.Objects;

/**
 * An HTTP response: status, headers and a {@link Body}.
 *
 * <p>The server adds {@code Date}, and {@code Content-Length} or chunked coding from the body,
 * unless the response sets them; it never changes the response object, so a constant response may
 * be returned to many requests as long as its body is a {@linkplain Body#of(byte[]) full body}.
 *
 * {@snippet :
 * Response r = Response.text("hello\n");
 * Response j = Response.json("{\"id\":7}").status(Status.CREATED);
 * }
 *
 * <p><b>Thread safety:</b> not thread safe.
 */
public final class Response {
  private Status status;
  private final Headers headers;
  private Body body;
  private ThrowingFunction<Upgraded, Future<Void>> upgrade;
  Upgraded upgraded; // set by HttpClient on a 101 (or a 2xx answer to CONNECT) it received

  /**
   * Creates a response.
   *
   * @param status the status
   * @param headers the headers, taken as they are
   * @param body the body
   */
  public Response(Status status, Headers headers, Body body) {
    this.status = Objects.requireNonNull(status, "status");
    this.headers = Objects.requireNonNull(headers, "headers");
    this.body = Objects.requireNonNull(body, "body");
  }

  /**
   * {@return an empty response with {@code status}}
   *
   * @param status the status
   */
  public static Response of(Status status) {
    return new Response(status, new Headers(), Body.empty());
  }

  /**
   * {@return an empty response with status {@code code}}
   *
   * @param code the status code
   */
  public static Response of(int code) {
    return of(Status.of(code));
  }

  /** {@return an empty 200 response} */
  public static Response ok() {
    return of(Status.OK);
  }

  /**
   * {@return a 200 response with {@code text} as {@code text/plain; charset=utf-8}}
   *
   * @param text the body
   */
  public static Response text(String text) {
    return new Response(
        Status.OK, Headers.of("content-type", "text/plain; charset=utf-8"), Body.of(text));
  }

  /**
   * {@return a 200 response with {@code html} as {@code text/html; charset=utf-8}}
   *
   * @param html the body
   */
  public static Response html(String html) {
    return new Response(
        Status.OK, Headers.of("content-type", "text/html; charset=utf-8"), Body.of(html));
  }

  /**
   * {@return a 200 response with already-serialised JSON as {@code application/json}}
   *
   * @param json the JSON text
   */
  public static Response json(String json) {
    return new Response(Status.OK, Headers.of("content-type", "application/json"), Body.of(json));
  }

  /**
   * {@return a 200 response with {@code bytes} of {@code contentType}}
   *
   * @param bytes the body
   * @param contentType the media type
   */
  public static Response bytes(byte[] bytes, String contentType) {
    return new Response(Status.OK, Headers.of("content-type", contentType), Body.of(bytes));
  }

  /**
   * {@return a {@code 303 See Other} to {@code location}, with no body} axum's {@code
   * Redirect::to}: after a form's POST, the browser follows it with a GET.
   *
   * @param location the URL or path to go to
   */
  public static Response redirect(String location) {
    return redirect(Status.SEE_OTHER, location);
  }

  /**
   * {@return a redirect with {@code status} to {@code location}, with no body} For a permanent
   * move, {@link Status#PERMANENT_REDIRECT} (308) or {@link Status#MOVED_PERMANENTLY} (301); for a
   * temporary one that keeps the method and body, {@link Status#TEMPORARY_REDIRECT} (307).
   *
   * @param status a redirect status: 301, 302, 303, 307 or 308
   * @param location the URL or path to go to
   * @throws IllegalArgumentException if {@code status} is not one of those, or {@code location} is
   *     empty or holds a control character (it would split the header)
   */
  public static Response redirect(Status status, String location) {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(location, "location");
    int c = status.code();
    if (c != 301 && c != 302 && c != 303 && c != 307 && c != 308) {
      throw new IllegalArgumentException("not a redirect status: " + status);
    }
    if (location.isEmpty() || location.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
      throw new IllegalArgumentException("invalid redirect location: \"" + location + "\"");
    }
    return new Response(status, Headers.of("location", location), Body.empty());
  }

  /**
   * {@return a {@code 101 Switching Protocols} response that hands the connection to {@code
   * handler} once written} The server spawns {@code handler}'s future as a task and no longer reads
   * HTTP from the connection; the handler owns it and must close it.
   *
   * @param protocol the {@code Upgrade} header value, e.g. {@code websocket}
   * @param handler runs the new protocol over the connection
   */
  public static Response upgrade(
      String protocol, ThrowingFunction<Upgraded, Future<Void>> handler) {
    Response r = of(Status.SWITCHING_PROTOCOLS);
    r.headers.add("connection", "upgrade").add("upgrade", protocol);
    r.upgrade = Objects.requireNonNull(handler, "handler");
    return r;
  }

  /** {@return the status} */
  public Status status() {
    return status;
  }

  /**
   * Sets the status.
   *
   * @param status the status
   * @return this
   */
  public Response status(Status status) {
    this.status = Objects.requireNonNull(status, "status");
    return this;
  }

  /** {@return the headers (mutable)} */
  public Headers headers() {
    return headers;
  }

  /**
   * {@return the first value of header {@code name}, or null}
   *
   * @param name the name, any case
   */
  public String header(String name) {
    return headers.get(name);
  }

  /**
   * Adds a {@code Set-Cookie} field for {@code cookie}.
   *
   * @param cookie the cookie
   * @return this
   */
  public Response cookie(Cookie cookie) {
    headers.add("set-cookie", cookie.toSetCookie());
    return this;
  }

  /**
   * Adds a header.
   *
   * @param name the name
   * @param value the value
   * @return this
   */
  public Response header(String name, String value) {
    headers.add(name, value);
    return this;
  }

  /** {@return the body} */
  public Body body() {
    return body;
  }

  /**
   * Replaces the body.
   *
   * @param body the body
   * @return this
   */
  public Response body(Body body) {
    this.body = Objects.requireNonNull(body, "body");
    return this;
  }

  /**
   * {@return a copy with its own headers} The status, the body and the upgrade handler are the
   * same. Middleware that adds headers to a response it did not make (CORS, request ids) changes a
   * copy, so a constant response stays as it is.
   */
  public Response copy() {
    Response r = new Response(status, headers.copy(), body);
    r.upgrade = upgrade;
    r.upgraded = upgraded;
    return r;
  }

  /**
   * {@return the connection after a {@code 101 Switching Protocols} (or a 2xx answer to CONNECT)
   * that {@link HttpClient} received, or null} hyper's {@code upgrade::on}: raw bytes both ways
   * from here on, starting with any the server sent right after its head. The connection left the
   * client's pool: the caller owns it and must close it. {@code WebSocket.connect} uses it.
   */
  public Upgraded upgraded() {
    return upgraded;
  }

  /** {@return the upgrade handler of a {@link #upgrade} response, or null} */
  public ThrowingFunction<Upgraded, Future<Void>> upgradeHandler() {
    return upgrade;
  }

  @Override
  public String toString() {
    return "Response[" + status + ", " + headers + "]";
  }
}
