package io.kyoto.web;

import io.kyoto.web.internal.UriDecoding;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP request: method, request target, version, headers and a streamed {@link Body}.
 *
 * <p>The server builds requests from the wire after strict parsing; tests and clients build them
 * with {@link #of} and the fluent setters. Attributes carry per-request data between middleware and
 * handlers (a request id, an authenticated user) without reflection.
 *
 * <p><b>Thread safety:</b> not thread safe; a request belongs to one task at a time.
 */
public final class Request {
  private final Method method;
  private final String target;
  private Version version = Version.HTTP_1_1;
  private final Headers headers;
  private Body body = Body.empty();
  private InetSocketAddress remoteAddress;
  private Map<Object, Object> attributes;
  private String path;
  private String query;
  private boolean split;

  /**
   * Creates a request.
   *
   * @param method the method
   * @param target the request target as sent: origin form {@code /path?query}, absolute form, or
   *     {@code *}
   * @param headers the headers, taken as they are (not copied)
   */
  public Request(Method method, String target, Headers headers) {
    this.method = Objects.requireNonNull(method, "method");
    this.target = Objects.requireNonNull(target, "target");
    this.headers = Objects.requireNonNull(headers, "headers");
    if (target.isEmpty()) throw new IllegalArgumentException("empty request target");
  }

  /**
   * {@return a request with empty headers and body}
   *
   * @param method the method
   * @param target the request target, e.g. {@code /users/7?verbose=1}
   */
  public static Request of(Method method, String target) {
    return new Request(method, target, new Headers());
  }

  /**
   * {@return a GET request}
   *
   * @param target the request target
   */
  public static Request get(String target) {
    return of(Method.GET, target);
  }

  /**
   * {@return a POST request with {@code body}}
   *
   * @param target the request target
   * @param body the body
   */
  public static Request post(String target, Body body) {
    return of(Method.POST, target).body(body);
  }

  /** {@return the method} */
  public Method method() {
    return method;
  }

  /** {@return the request target as sent} */
  public String target() {
    return target;
  }

  /**
   * {@return the path: the target up to {@code ?}, still percent-encoded} For an absolute-form
   * target ({@code http://host/p}) it is the path part; for {@code *} it is {@code *}.
   */
  public String path() {
    splitTarget();
    return path;
  }

  /** {@return the raw query after {@code ?} (still percent-encoded), or null if there is none} */
  public String query() {
    splitTarget();
    return query;
  }

  /**
   * {@return the first value of query parameter {@code name}, decoded, or null} {@code +} decodes
   * to a space, as in HTML forms. A value with a malformed escape, or whose escapes are not UTF-8,
   * is taken for an absent one (the router's query filters answer 400 instead); pairs whose name
   * does not decode are skipped.
   *
   * @param name the parameter name (decoded)
   */
  public String queryParam(String name) {
    String q = query();
    if (q == null) return null;
    for (String pair : q.split("&", -1)) {
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      if (key != null && key.equals(name)) return eq < 0 ? "" : decode(pair.substring(eq + 1));
    }
    return null;
  }

  private static String decode(String s) {
    try {
      return UriDecoding.percentDecode(s, true);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private void splitTarget() {
    if (split) return;
    String t = target;
    if (!t.startsWith("/") && !t.equals("*")) {
      int scheme = t.indexOf("://");
      if (scheme > 0) {
        int slash = t.indexOf('/', scheme + 3);
        int qm = t.indexOf('?', scheme + 3);
        if (slash < 0 || (qm >= 0 && qm < slash)) {
          t = "/" + (qm >= 0 ? t.substring(qm) : "");
        } else {
          t = t.substring(slash);
        }
      }
    }
    int q = t.indexOf('?');
    path = q < 0 ? t : t.substring(0, q);
    query = q < 0 ? null : t.substring(q + 1);
    split = true;
  }

  /** {@return the version the request was sent with (HTTP/1.1 for requests built in code)} */
  public Version version() {
    return version;
  }

  /**
   * Sets the version.
   *
   * @param version the version
   * @return this
   */
  public Request version(Version version) {
    this.version = Objects.requireNonNull(version, "version");
    return this;
  }

  /** {@return the headers (mutable)} */
  public Headers headers() {
    return headers;
  }

  /**
   * {@return the first value of header {@code name}, or null}
   *
   * @param name the header name, any case
   */
  public String header(String name) {
    return headers.get(name);
  }

  /**
   * {@return the value of the request's cookie {@code name} (the first, if several), or null} Read
   * from the {@code Cookie} field as browsers send it, by {@link Cookie#value(List, String)}: a
   * value a script set with spaces, commas or double quotes comes back whole.
   *
   * @param name the cookie's name
   */
  public String cookie(String name) {
    List<String> fields = headers.getAll("cookie");
    return fields.isEmpty() ? null : Cookie.value(fields, name);
  }

  /**
   * Adds a header.
   *
   * @param name the name
   * @param value the value
   * @return this
   */
  public Request header(String name, String value) {
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
  public Request body(Body body) {
    this.body = Objects.requireNonNull(body, "body");
    return this;
  }

  /** {@return the client's address, or null for a request built in code} */
  public InetSocketAddress remoteAddress() {
    return remoteAddress;
  }

  /**
   * Sets the client's address (the server does).
   *
   * @param address the address
   * @return this
   */
  public Request remoteAddress(InetSocketAddress address) {
    this.remoteAddress = address;
    return this;
  }

  /**
   * {@return the attribute stored under {@code key}, or null}
   *
   * @param key the key, typically a {@code static final} object owned by a middleware
   * @param <T> the value type the caller expects
   */
  @SuppressWarnings("unchecked")
  public <T> T attribute(Object key) {
    return attributes == null ? null : (T) attributes.get(key);
  }

  /**
   * Stores an attribute.
   *
   * @param key the key
   * @param value the value, or null to remove
   * @return this
   */
  public Request attribute(Object key, Object value) {
    if (value == null) {
      if (attributes != null) attributes.remove(key);
    } else {
      if (attributes == null) attributes = new HashMap<>(4);
      attributes.put(key, value);
    }
    return this;
  }

  @Override
  public String toString() {
    return method + " " + target + " " + version;
  }
}
