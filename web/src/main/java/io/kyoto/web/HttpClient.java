package io.kyoto.web;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.service.Service;
import io.kyoto.runtime.stream.Stream;
import io.kyoto.runtime.tls.TlsConnector;
import io.kyoto.web.internal.client.ClientExchange;
import io.kyoto.web.internal.client.ConnectionPool;
import io.kyoto.web.internal.client.NoProxy;
import io.kyoto.web.internal.h1.H1Limits;
import io.kyoto.web.internal.io.InflatingBody;
import java.net.IDN;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * An HTTP/1.1 client with a keep-alive connection pool: hyper's client with hyper-util's pool. It
 * is a {@link Service} from request to response, so tower-style middleware wraps it.
 *
 * {@snippet :
 * HttpClient client = HttpClient.create();
 * Future<String> page = client.get("http://127.0.0.1:8080/hello").flatMap(r -> r.body().string());
 * }
 *
 * <p>The response arrives as soon as its head is read; its {@link Body} streams from the
 * connection, which goes back to the pool once the body has been read to its end. <b>Read or cancel
 * every response body</b>: a body left unread keeps its connection. Cancelling a body (or the
 * response future) closes the connection. As a backstop, a body dropped unread is found by the
 * garbage collector: its connection is then closed and a warning (logger {@code
 * io.kyoto.web.HttpClient}) names the request, at most one a second; until the collector gets to
 * it, the connection stays open.
 *
 * <p>A body the server cuts off before its declared end (its {@code Content-Length}, or the last
 * chunk) fails its read with an {@link java.io.EOFException}, never ends as if it were whole; only
 * a close-delimited body (no length, no chunking) ends at the close. A malformed or over-limit
 * response, head or chunked body, fails with an {@link HttpException} of status 502 Bad Gateway.
 * Either way the connection is closed, not pooled.
 *
 * <p>A pooled connection is checked before reuse, and dropped if the server has closed it while it
 * sat idle or sent bytes no request asked for (the connection is then out of sync). For a request
 * that is not retried (below), and for any request whose connection sat idle a millisecond or more,
 * the check comes after one turn of the runtime's I/O driver, so that what arrived while no {@code
 * blockOn} ran on a current-thread runtime is seen. A request whose reused connection still closes
 * before any response byte arrived (a close racing with that check) is sent once more on a new
 * connection if it is idempotent (GET, HEAD, PUT, DELETE, OPTIONS, TRACE) with a fully buffered
 * body; any other request fails with the I/O error, since the server may have acted on it.
 *
 * <p>A {@code 101 Switching Protocols} response (or a 2xx answer to CONNECT) hands its connection
 * over: it has an empty body and {@link Response#upgraded()} gives the connection, which leaves the
 * pool and must be closed by the caller ({@code WebSocket.connect} is built on it). A {@code 101}
 * to a request without an {@code Upgrade} field is a server's error (RFC 9110 section 15.2.2) and
 * fails with an {@link HttpException} of status 502. Interim responses ({@code 100 Continue},
 * {@code 103 Early Hints}, ...) are skipped, at most five per request (as Go's client); a sixth
 * fails the same way.
 *
 * <p>Requests carry an absolute {@code http://} or {@code https://} target ({@code
 * Request.get("https://host/path")}). {@code https} checks the server's certificate and name with
 * the JDK's default trust unless {@link Builder#tls} says otherwise; connections to an origin are
 * pooled per scheme, host and port. An internationalized host name ({@code http://bücher.example/})
 * is asked for in its ASCII form ({@code xn--bcher-kva.example}), as browsers and reqwest do. A
 * URL's userinfo ({@code http://user:password@host/}) is sent as {@code Authorization: Basic}, as
 * reqwest does, unless the request has an {@code Authorization} of its own; like that field, it is
 * not forwarded on a redirect to another origin.
 *
 * <p>Failures say where they happened, as reqwest's do. A connection that cannot be made fails with
 * a {@link java.net.ConnectException} ({@link java.net.UnknownHostException} for a name that does
 * not resolve), both {@link java.io.IOException}s, whose message reads {@code connecting to
 * host:port failed: <the system's error>}, that error as cause; the connect timeout's and the
 * request timeout's {@link java.util.concurrent.TimeoutException}s name the address and the request
 * ({@link Builder#connectTimeout}, {@link Builder#requestTimeout}).
 *
 * <p><b>Thread safety:</b> thread safe; share one client.
 */
public final class HttpClient implements Service<Request, Response>, AutoCloseable {
  private final ClientExchange.Settings settings;
  private final ConnectionPool pool;
  private final Duration requestTimeout;
  private final int maxRedirects;
  private final boolean decompress;
  private final ClientExchange.Proxy proxy;
  private final NoProxy noProxy;

  /** The builder's connector, or the JDK's default trust set up at the first https request. */
  private volatile TlsConnector tls;

  private TlsConnector tls() {
    TlsConnector t = tls;
    if (t == null) {
      synchronized (this) {
        t = tls;
        if (t == null) {
          // SSLContext.getDefault() loads the CA certificates (~100 ms): not for http-only users.
          t = TlsConnector.withDefaults().alpn("http/1.1");
          tls = t;
        }
      }
    }
    return t;
  }

  private HttpClient(Builder b) {
    this.tls = b.tls;
    this.settings =
        new ClientExchange.Settings(b.connectTimeout, H1Limits.DEFAULT, b.userAgent, b.readTimeout);
    this.pool = new ConnectionPool(b.maxIdlePerHost, b.idleTimeout.toNanos());
    this.decompress = b.decompress;
    this.proxy = b.proxy;
    this.noProxy = NoProxy.of(b.noProxy);
    this.requestTimeout = b.requestTimeout;
    this.maxRedirects = b.maxRedirects;
  }

  /** {@return a client with the default settings} */
  public static HttpClient create() {
    return builder().build();
  }

  /** {@return a builder} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@return a future of the response to a GET of {@code url}}
   *
   * @param url an absolute {@code http://} URL
   */
  public Future<Response> get(String url) {
    return send(Request.get(url));
  }

  /**
   * {@return a future of the response to a POST of {@code body} to {@code url}}
   *
   * @param url an absolute {@code http://} or {@code https://} URL
   * @param contentType the body's media type, e.g. {@code application/x-www-form-urlencoded}
   * @param body the body
   */
  public Future<Response> post(String url, String contentType, Body body) {
    Objects.requireNonNull(contentType, "contentType");
    return send(Request.post(url, body).header("content-type", contentType));
  }

  /**
   * {@return a future of the response to a POST of already-serialised JSON to {@code url}} Sent as
   * {@code application/json}, asking for JSON back ({@code Accept: application/json}).
   *
   * @param url an absolute {@code http://} or {@code https://} URL
   * @param json the JSON text
   */
  public Future<Response> postJson(String url, String json) {
    Objects.requireNonNull(json, "json");
    return send(
        Request.post(url, Body.of(json))
            .header("content-type", "application/json")
            .header("accept", "application/json"));
  }

  /**
   * {@return a future of the response to {@code request}} The request timeout covers everything up
   * to the response head; the body is read afterwards at the caller's pace, each read limited by
   * the read timeout if one is set ({@link Builder#readTimeout}).
   *
   * <p><b>Cancel safety:</b> cancelling closes the connection the request was using.
   *
   * @param request a request with an absolute {@code http://} or {@code https://} target
   */
  public Future<Response> send(Request request) {
    Objects.requireNonNull(request, "request");
    boolean decode =
        decompress
            && !request.headers().contains("accept-encoding")
            && !request.headers().contains("range");
    Request sent = decode ? copyOf(request).header("accept-encoding", ACCEPT_ENCODING) : request;
    Future<Response> exchange =
        Futures.lazy(() -> sendFollowing(sent, maxRedirects)).map(HttpClient::takeUpgrade);
    if (decode) exchange = exchange.map(r -> decoded(r, request.method()));
    return requestTimeout == null ? exchange : withRequestTimeout(request, exchange);
  }

  /**
   * {@return {@code exchange} limited to the request timeout} Its {@link TimeoutException} names
   * the request ({@code GET http://host/path timed out after <n> ms (the request timeout)}), the
   * bare one of {@link Time#timeout} as cause; a failure of the exchange itself, a connect timeout
   * included, passes as it is.
   */
  private Future<Response> withRequestTimeout(Request request, Future<Response> exchange) {
    Duration limit = requestTimeout;
    Exception[] own = new Exception[1]; // the exchange's own failure, told from the deadline's
    Future<Response> watched =
        exchange.handle(
            (r, e) -> {
              if (e != null) {
                own[0] = e;
                throw e;
              }
              return r;
            });
    return Time.timeout(limit, watched)
        .handle(
            (r, e) -> {
              if (e == null) return r;
              if (e instanceof TimeoutException && e != own[0]) {
                TimeoutException named =
                    new TimeoutException(
                        request.method()
                            + " "
                            + withoutUserinfo(request.target())
                            + " timed out after "
                            + limit.toMillis()
                            + " ms (the request timeout)");
                named.initCause(e);
                throw named;
              }
              throw e;
            });
  }

  /** {@return {@code url} without its userinfo (a password, maybe), to be shown in a message} */
  static String withoutUserinfo(String url) {
    int scheme = url.indexOf("://");
    if (scheme < 0) return url;
    int start = scheme + 3;
    int end = start;
    while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) end++;
    int at = url.lastIndexOf('@', end - 1);
    return at < start ? url : url.substring(0, start) + url.substring(at + 1);
  }

  /**
   * {@return {@code r} with an upgraded connection moved from its body to {@link
   * Response#upgraded}}
   */
  private static Response takeUpgrade(Response r) {
    if (r.body() instanceof ClientExchange.UpgradeBody u) {
      r.upgraded = u.upgraded();
      r.body(Body.empty());
    }
    return r;
  }

  /**
   * {@return the proxy for {@code host} (as {@link URI#getHost()} gives it) and {@code port}, or
   * null}
   */
  private ClientExchange.Proxy proxyFor(String host, int port) {
    return proxy == null || noProxy.matches(host, port) ? null : proxy;
  }

  /** The codings {@link Builder#decompress} asks for. */
  private static final String ACCEPT_ENCODING = "gzip, deflate";

  /** {@return a copy of {@code r} with its own headers: the caller's may be a constant} */
  private static Request copyOf(Request r) {
    Request copy = new Request(r.method(), r.target(), r.headers().copy()).body(r.body());
    copy.version(r.version());
    return copy;
  }

  /**
   * {@return the response with its body decoded, when it is gzip or deflate} As reqwest does, the
   * decoded response has neither {@code Content-Encoding} nor {@code Content-Length} (the length
   * was that of the encoded bytes); any other coding is left as it came. A response that has no
   * body to decode is left whole, fields included (RFC 9110 section 6.4.1): 1xx, 204, 304, an
   * answer to HEAD, and one whose connection was handed over (a 101, a 2xx to CONNECT), which runs
   * after {@link #takeUpgrade} and so sees {@link Response#upgraded()} set.
   */
  private static Response decoded(Response r, Method method) {
    String coding = r.header("content-encoding");
    int code = r.status().code();
    if (!InflatingBody.decodes(coding)
        || r.headers().getAll("content-encoding").size() != 1
        || method == Method.HEAD
        || code < 200
        || code == 204
        || code == 304
        || r.upgraded() != null) {
      return r;
    }
    Response out = r.copy();
    out.headers().remove("content-encoding");
    out.headers().remove("content-length");
    return out.body(new InflatingBody(r.body(), coding));
  }

  private Future<Response> sendFollowing(Request original, int redirectsLeft) throws HttpException {
    if (pool.isClosed()) {
      // As the JDK's HttpClient after shutdown(): no new exchange, including a redirect's.
      throw new IllegalStateException(
          "the HttpClient is closed: "
              + original.method()
              + " "
              + withoutUserinfo(original.target())
              + " was not sent");
    }
    URI uri = parse(original.target());
    Request request = withUserinfo(original, uri);
    int port = port(uri);
    String host = uri.getHost();
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    // URI.getHost() gives an IPv6 literal with its brackets ("[::1]").
    String hostPort =
        (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    String target = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) target += "?" + uri.getRawQuery();
    Future<Response> response;
    if (!https) {
      // A request that asks for another protocol (a ws:// handshake) goes through a CONNECT
      // tunnel rather than in absolute form: a proxy forwarding requests need not pass an Upgrade
      // on (RFC 6455 section 4.1; browsers tunnel ws:// the same way).
      boolean tunnel = request.headers().contains("upgrade");
      response =
          new ClientExchange(
              request,
              new ClientExchange.Origin(hostPort, null, null, proxyFor(host, port), tunnel),
              target,
              settings,
              pool);
    } else {
      String serverName = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      String path = target;
      TlsConnector connector = tls;
      response =
          connector != null
              ? new ClientExchange(
                  request,
                  new ClientExchange.Origin(hostPort, connector, serverName, proxyFor(host, port)),
                  path,
                  settings,
                  pool)
              // The default context loads the CA certificates and warms the JDK's TLS code up:
              // ~100 ms, on the blocking pool rather than in this poll.
              : Task.spawnBlocking(this::tls)
                  .flatMap(
                      c ->
                          new ClientExchange(
                              request,
                              new ClientExchange.Origin(
                                  hostPort, c, serverName, proxyFor(host, port)),
                              path,
                              settings,
                              pool));
    }
    if (maxRedirects == 0) return response; // redirects are the caller's
    return response.flatMap(
        r -> {
          int code = r.status().code();
          String location = r.header("location");
          boolean redirect =
              location != null
                  && (code == 301 || code == 302 || code == 303 || code == 307 || code == 308);
          if (!redirect) return Futures.ready(r);
          Method method = request.method();
          boolean toGet = code == 303 || ((code == 301 || code == 302) && method == Method.POST);
          if (!toGet && !(request.body() instanceof Body.Full) && request.body() != Body.empty()) {
            return Futures.ready(r); // a streamed body cannot be sent twice
          }
          URI to = resolveLocation(uri, location);
          if (to == null) return Futures.ready(r); // no URL to go to: the 3xx is the answer
          Request next =
              new Request(
                      toGet && method != Method.HEAD ? Method.GET : method,
                      to.toString(),
                      request.headers().copy())
                  .body(toGet ? Body.empty() : request.body());
          next.headers().remove("host");
          if (toGet) {
            // The body is dropped, so are the fields that describe it (RFC 9110 section 15.4, as
            // browsers and reqwest).
            for (String name : BODY_HEADERS) next.headers().remove(name);
          }
          if (!sameOrigin(uri, to)) {
            // Credentials meant for one origin are not handed to another (as reqwest and curl).
            for (String name : CREDENTIALS) next.headers().remove(name);
          }
          if (redirectsLeft <= 0) {
            r.body().cancel();
            throw new TooManyRedirectsException(
                request.method()
                    + " "
                    + withoutUserinfo(request.target())
                    + ": stopped after "
                    + maxRedirects
                    + " redirects (followRedirects("
                    + maxRedirects
                    + ")); this one was "
                    + code
                    + " to "
                    + location,
                code,
                location);
          }
          return skim(r.body()).flatMap(v -> sendFollowing(next, redirectsLeft - 1));
        });
  }

  /** The most of a redirect's own body read (and discarded) so its connection can be reused. */
  private static final long REDIRECT_BODY_SKIM = 64 * 1024;

  /**
   * {@return a future that reads and discards a redirect's body if it is short, so its connection
   * goes back to the pool} Past {@link #REDIRECT_BODY_SKIM} bytes the body is cancelled (closing
   * its connection) instead, as reqwest drops it unread: a long or endless 3xx body must not hold
   * the redirect up. A failure reading it is not the request's: the next hop goes on.
   */
  private static Future<Void> skim(Body body) {
    if (body.contentLength() > REDIRECT_BODY_SKIM) {
      body.cancel();
      return Futures.ready(null);
    }
    return new Future<>() {
      private long read;

      @Override
      public Poll<Void> poll(Context cx) {
        try {
          while (true) {
            Poll<ByteBuffer> p = body.pollNext(cx);
            if (p.isPending()) return Poll.pending();
            if (Stream.isEnd(p)) return Poll.ready(null);
            read += p.value().remaining();
            if (read > REDIRECT_BODY_SKIM) {
              body.cancel();
              return Poll.ready(null);
            }
          }
        } catch (Exception e) {
          body.cancel(); // the client's body has closed its connection already; any other too
          return Poll.ready(null);
        }
      }

      @Override
      public void cancel() {
        body.cancel();
      }
    };
  }

  /**
   * {@return the request with {@code Authorization: Basic} from the URL's userinfo, as reqwest}
   * Percent escapes in the user name and password are decoded as UTF-8; a missing password is
   * empty. A request with an {@code Authorization} of its own is kept as it is. The request is
   * copied, not changed: the caller's may be a constant.
   */
  private static Request withUserinfo(Request request, URI uri) {
    String userinfo = uri.getRawUserInfo();
    if (userinfo == null || request.headers().contains("authorization")) return request;
    return copyOf(request).header("authorization", basic(userinfo));
  }

  /**
   * {@return {@code Basic} credentials from a URL's raw userinfo} Percent escapes in the user name
   * and password are decoded as UTF-8; a missing password is empty.
   */
  private static String basic(String userinfo) {
    int colon = userinfo.indexOf(':');
    String user = percentDecode(colon < 0 ? userinfo : userinfo.substring(0, colon));
    String password = colon < 0 ? "" : percentDecode(userinfo.substring(colon + 1));
    return "Basic "
        + java.util.Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static String percentDecode(String s) {
    if (s.indexOf('%') < 0) return s;
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length()) {
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi >= 0 && lo >= 0) {
          bytes.write(hi * 16 + lo);
          i += 2;
          continue;
        }
      }
      // URI.toASCIIString left only ASCII here
      bytes.write(c);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static final String[] BODY_HEADERS = {
    "content-type",
    "content-length",
    "transfer-encoding",
    "content-encoding",
    "content-language",
    "content-location",
    "expect"
  };

  private static final String[] CREDENTIALS = {
    "authorization", "cookie", "cookie2", "proxy-authorization", "www-authenticate"
  };

  /**
   * {@return the URL a {@code Location} field leads to from {@code base}, or null if it is no URL
   * even once encoded} Many servers send a {@code Location} with raw UTF-8 bytes or spaces, which
   * RFC 3986 does not allow: as curl, each such byte (a field value holds one per char, as
   * ISO-8859-1) is percent-encoded once, so {@code /café} (UTF-8 on the wire) is asked for as
   * {@code /caf%C3%A9}, not double-encoded; a {@code %} that starts no escape becomes {@code %25}.
   * A value that still is no URI reference ({@code http://[oops/}) gives null: as reqwest, the
   * redirect is then not followed.
   */
  private static URI resolveLocation(URI base, String location) {
    StringBuilder encoded = null;
    for (int i = 0; i < location.length(); i++) {
      char c = location.charAt(i);
      boolean keep =
          c > ' '
              && c < 0x7f
              && "\"<>\\^`{|}".indexOf(c) < 0
              && (c != '%' || escapeAt(location, i));
      if (keep && encoded == null) continue;
      if (encoded == null) {
        encoded = new StringBuilder(location.length() + 16).append(location, 0, i);
      }
      if (keep) {
        encoded.append(c);
      } else {
        encoded.append('%').append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
      }
    }
    try {
      return resolve(base, encoded == null ? location : encoded.toString());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /** {@return whether a percent escape ({@code %} and two hex digits) starts at {@code i}} */
  private static boolean escapeAt(String s, int i) {
    return i + 2 < s.length()
        && Character.digit(s.charAt(i + 1), 16) >= 0
        && Character.digit(s.charAt(i + 2), 16) >= 0;
  }

  /**
   * Resolves a {@code Location} against the request's URL (RFC 3986 section 5.2). The JDK's {@link
   * URI#resolve} follows RFC 2396 for a query-only reference and drops the last path segment
   * ({@code ?page=2} from {@code /list/items} gave {@code /list/?page=2}); RFC 3986 keeps the path.
   * It also keeps {@code ..} segments that climb above the root ({@code /../x}) and the dot
   * segments of an absolute path, which RFC 3986 removes (section 5.2.4), as reqwest's url crate
   * does.
   */
  private static URI resolve(URI base, String location) {
    URI to;
    if (!location.startsWith("?")) {
      to = base.resolve(location);
    } else {
      String path =
          base.getRawPath() == null || base.getRawPath().isEmpty() ? "/" : base.getRawPath();
      to = URI.create(base.getScheme() + "://" + base.getRawAuthority() + path + location);
    }
    String path = to.getRawPath();
    if (path == null || to.getRawAuthority() == null) return to;
    String normal = removeDotSegments(path);
    if (normal.equals(path)) return to;
    return URI.create(
        to.getScheme()
            + "://"
            + to.getRawAuthority()
            + normal
            + (to.getRawQuery() == null ? "" : "?" + to.getRawQuery())
            + (to.getRawFragment() == null ? "" : "#" + to.getRawFragment()));
  }

  /** RFC 3986 section 5.2.4, remove_dot_segments, step by step. */
  private static String removeDotSegments(String path) {
    StringBuilder out = new StringBuilder(path.length());
    String in = path;
    while (!in.isEmpty()) {
      if (in.startsWith("../")) {
        in = in.substring(3);
      } else if (in.startsWith("./") || in.startsWith("/./")) {
        in = in.substring(2);
      } else if (in.equals("/.")) {
        in = "/";
      } else if (in.startsWith("/../") || in.equals("/..")) {
        in = in.length() == 3 ? "/" : in.substring(3);
        out.setLength(Math.max(out.lastIndexOf("/"), 0));
      } else if (in.equals(".") || in.equals("..")) {
        in = "";
      } else {
        int next = in.indexOf('/', in.charAt(0) == '/' ? 1 : 0);
        if (next < 0) next = in.length();
        out.append(in, 0, next);
        in = in.substring(next);
      }
    }
    return out.toString();
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(String.valueOf(b.getScheme()))
        && a.getHost().equalsIgnoreCase(String.valueOf(b.getHost()))
        && port(a) == port(b);
  }

  private static int port(URI u) {
    if (u.getPort() >= 0) return u.getPort();
    return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }

  /**
   * {@return {@code uri} with an internationalized host name in its ASCII form} {@code
   * http://bücher.example/} (or {@code http://b%C3%BCcher.example/}, as a redirect's {@code
   * Location} with raw UTF-8 arrives) asks {@code xn--bcher-kva.example}, the name DNS, the {@code
   * Host} field and TLS's server name use, as reqwest's url crate and browsers do (IDNA, here the
   * JDK's {@link IDN}). A URI whose authority has no host for another reason is returned as it is.
   *
   * @throws IllegalArgumentException if the host is no valid internationalized name
   */
  private static URI withAsciiHost(URI uri, String target) {
    String authority = uri.getRawAuthority();
    int at = authority.lastIndexOf('@');
    String hostPort = authority.substring(at + 1);
    if (hostPort.startsWith("[")) return uri; // an IP literal: nothing to convert
    int colon = hostPort.lastIndexOf(':');
    String host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
    String decoded = percentDecode(host);
    if (decoded.chars().allMatch(c -> c < 0x80)) return uri; // not an internationalized name
    String ascii;
    try {
      ascii = IDN.toASCII(decoded, IDN.USE_STD3_ASCII_RULES);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid host name \"" + decoded + "\" in " + target, e);
    }
    return URI.create(
        uri.getScheme()
            + "://"
            + authority.substring(0, at + 1)
            + ascii
            + (colon >= 0 ? hostPort.substring(colon) : "")
            + (uri.getRawPath() == null ? "" : uri.getRawPath())
            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
            + (uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment()));
  }

  private static URI parse(String target) throws HttpException {
    URI uri;
    try {
      // A request target is ASCII on the wire: non-ASCII characters go as UTF-8 escapes.
      uri = URI.create(URI.create(target).toASCIIString());
      if (uri.getHost() == null && uri.getRawAuthority() != null) {
        uri = withAsciiHost(uri, target);
      }
    } catch (IllegalArgumentException e) {
      throw new HttpException(Status.BAD_REQUEST, "invalid URL: " + target, e);
    }
    boolean web =
        "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
    if (!web || uri.getHost() == null) {
      throw new HttpException(
          Status.BAD_REQUEST,
          "the client needs an absolute http:// or https:// URL, got: " + target);
    }
    return uri;
  }

  @Override
  public Future<Response> call(Request request) {
    return send(request);
  }

  /** {@return the number of idle pooled connections} */
  public int idleConnections() {
    return pool.idleCount();
  }

  /**
   * Closes the client, as the JDK's {@code HttpClient.shutdown()}: the idle pooled connections are
   * closed at once; a request already under way completes and its connection is closed once its
   * response body has been read, not pooled. A request polled for the first time after this (or a
   * redirect it would follow) fails with an {@link IllegalStateException} naming it. Idempotent.
   */
  @Override
  public void close() {
    pool.close();
  }

  /** Settings for {@link HttpClient}. */
  public static final class Builder {
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration idleTimeout = Duration.ofSeconds(90);
    private Duration readTimeout;
    private int maxIdlePerHost = 32;
    private int maxRedirects;
    private String userAgent = "kyoto/0.1";
    private TlsConnector tls;
    private boolean decompress;
    private ClientExchange.Proxy proxy;
    private final java.util.List<String> noProxy = new java.util.ArrayList<>();

    private Builder() {}

    /**
     * Sends requests through an HTTP proxy (default: none), as reqwest's {@code Proxy::all}: plain
     * {@code http} requests go to the proxy with their absolute URL (RFC 9112 section 3.2.2), and
     * {@code https} ones through a {@code CONNECT} tunnel to the origin, inside which TLS checks
     * the origin's certificate as without a proxy. A plain {@code http} request carrying {@code
     * Upgrade} (a {@code ws://} handshake) goes through a tunnel too (RFC 6455 section 4.1), since
     * a proxy that forwards requests need not pass an upgrade on. A user and password in the URL
     * are sent as {@code Proxy-Authorization: Basic}. A proxy that refuses the tunnel fails the
     * request with an {@link java.io.IOException} naming its answer (e.g. {@code 407 Proxy
     * Authentication Required}); for plain http its answer is the response.
     *
     * @param url the proxy, {@code http://[user:password@]host:port}
     * @return this
     * @throws IllegalArgumentException if the URL is not an {@code http} URL with a host
     */
    public Builder proxy(String url) {
      URI u;
      try {
        u = new URI(url);
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException("invalid proxy URL: " + url, e);
      }
      if (!"http".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
        throw new IllegalArgumentException(
            "the proxy must be an http://host:port URL (https proxies are not supported): " + url);
      }
      int port = u.getPort() < 0 ? 80 : u.getPort();
      String host = u.getHost();
      String hostPort =
          (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
      String auth = u.getRawUserInfo() == null ? null : basic(u.getRawUserInfo());
      this.proxy = new ClientExchange.Proxy(hostPort, auth);
      return this;
    }

    /**
     * Reaches these hosts directly even with a {@link #proxy}, with {@code NO_PROXY}'s meaning as
     * curl and reqwest read it (one entry per argument, blank ones skipped):
     *
     * <ul>
     *   <li>{@code *} matches every host: the proxy is never used.
     *   <li>A domain name matches itself and every name under it, at a label boundary: {@code
     *       example.com} matches {@code example.com} and {@code api.example.com}, not {@code
     *       notexample.com}. A leading {@code .} or {@code *.} changes nothing ({@code
     *       .example.com} matches {@code example.com} too, as in curl and reqwest; Go's {@code
     *       NO_PROXY} would not). Case-insensitive, a trailing dot ignored.
     *   <li>An IP address ({@code 192.168.1.10}, {@code ::1} or {@code [::1]}), or an address range
     *       with a prefix length ({@code 10.0.0.0/8}, {@code fd00::/8}), matches a URL whose host
     *       is an address in it, compared as addresses. Addresses are never suffixes ({@code 0.0.1}
     *       does not match {@code 127.0.0.1}), and names are not resolved: {@code 127.0.0.1} does
     *       not match {@code localhost}, nor a domain an address.
     *   <li>Any entry may end with {@code :port} ({@code [::1]:8080} for IPv6), as in Go: it then
     *       matches requests to that port only. Without one it matches every port.
     * </ul>
     *
     * @param hosts the entries
     * @return this
     * @throws IllegalArgumentException for an entry that is none of these (e.g. {@code
     *     10.0.0.0/33}, {@code example.com:http}, {@code *example.com})
     */
    public Builder noProxy(String... hosts) {
      java.util.List<String> entries = java.util.List.of(hosts);
      NoProxy.of(entries); // refuses a bad entry now, not at the first request
      noProxy.addAll(entries);
      return this;
    }

    /**
     * Asks for compressed responses and decodes them (default off), as reqwest's {@code gzip} and
     * {@code deflate} options: a request without {@code Accept-Encoding} (and without {@code
     * Range}) is sent with {@code Accept-Encoding: gzip, deflate}, and a response in either coding
     * has its body decoded as it is read, its {@code Content-Encoding} and {@code Content-Length}
     * removed. A request that sets {@code Accept-Encoding} itself gets the bytes as they came; a
     * response with no body to decode (1xx, a 101 with its {@link Response#upgraded()} connection,
     * 204, 304, an answer to HEAD) is left whole. Concatenated gzip members are decoded one after
     * the other; bytes after the last one that do not start another member are ignored, as the
     * JDK's {@link java.util.zip.GZIPInputStream} and browsers do. Corrupt or truncated compressed
     * data fails the body's read with a {@link java.util.zip.ZipException} or {@link
     * java.io.EOFException}.
     *
     * @param decompress whether to ask for and decode compressed bodies
     * @return this
     */
    public Builder decompress(boolean decompress) {
      this.decompress = decompress;
      return this;
    }

    /**
     * Sets how {@code https} connections are made: the trusted certificates, a client certificate,
     * protocols (default: the JDK's default context, which trusts its CA certificates or those of
     * {@code javax.net.ssl.trustStore}, with ALPN {@code http/1.1}).
     *
     * @param connector the TLS connector; offer ALPN {@code "http/1.1"} if servers negotiate it
     * @return this
     */
    public Builder tls(TlsConnector connector) {
      this.tls = Objects.requireNonNull(connector, "connector");
      return this;
    }

    /**
     * Sets the connect timeout (default 10 s): TCP connect, proxy tunnel and TLS handshake. When it
     * fires the request fails with a {@link java.util.concurrent.TimeoutException} whose message
     * reads {@code connecting to host:port timed out after <n> ms}.
     *
     * @param timeout positive
     * @return this
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Sets the time allowed from sending a request to its response head (default 30 s), or null for
     * none. When it passes the request fails with a {@link java.util.concurrent.TimeoutException}
     * whose message names the request: {@code GET http://host/path timed out after <n> ms (the
     * request timeout)} (the URL without its userinfo).
     *
     * @param timeout the timeout or null
     * @return this
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = timeout;
      return this;
    }

    /**
     * Sets the longest a read of a response body may wait for its next bytes (default: none, as
     * reqwest's {@code read_timeout} and the JDK client). The request timeout ends at the response
     * head, so without this a server that stops sending a body half-way (or a connection that died
     * silently) holds the reader until the connection is closed. When it passes, the read fails
     * with a {@link java.util.concurrent.TimeoutException} whose message names the request ({@code
     * reading the response body of GET /path from host:port: no bytes for <n> ms (the read
     * timeout)}) and the connection is closed. It limits each wait, not the whole body: a slow
     * download that keeps sending is never cut, nor a stream (server-sent events) whose gaps stay
     * under it.
     *
     * @param timeout positive, or null for none
     * @return this
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public Builder readTimeout(Duration timeout) {
      if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
        throw new IllegalArgumentException("readTimeout must be positive: " + timeout);
      }
      this.readTimeout = timeout;
      return this;
    }

    /**
     * Sets how long an idle pooled connection is kept (default 90 s); a timer on the runtime that
     * pooled it closes it then, whether or not another request comes. The timer runs only while
     * some connection is idle, and stops when the client is closed.
     *
     * @param timeout positive
     * @return this
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Sets the most idle connections kept per host (default 32; 0 disables pooling).
     *
     * @param max zero or more
     * @return this
     */
    public Builder maxIdlePerHost(int max) {
      if (max < 0) throw new IllegalArgumentException("maxIdlePerHost < 0: " + max);
      this.maxIdlePerHost = max;
      return this;
    }

    /**
     * Follows up to {@code max} redirects (default 0: redirects are returned as they are). 303, and
     * 301/302 after POST, continue as GET without the body and its fields ({@code content-type},
     * {@code content-length}, {@code transfer-encoding}, {@code content-encoding}, {@code
     * content-language}, {@code content-location}, {@code expect}); 307/308 repeat the method and
     * body. A redirect to another origin (scheme, host or port) drops the credential fields ({@code
     * authorization}, {@code cookie}, {@code proxy-authorization}). A {@code Location} with raw
     * non-ASCII bytes or spaces is followed with each such byte percent-encoded once, as curl does;
     * one that is no URL even then ends the redirects, as in reqwest: that 3xx is the response. A
     * followed 3xx's own body is read and discarded when it is at most 64 KiB, so its connection is
     * reused; a longer one (or one that fails) is dropped with its connection, as reqwest drops it,
     * and the redirect goes on. A redirect past the {@code max}-th fails the request with a {@link
     * TooManyRedirectsException} (a loop, or a longer chain; as curl, reqwest and Go), rather than
     * be returned as the response: with redirects on, a 3xx response is one that could not be
     * followed (a streamed body that cannot be sent twice, a {@code Location} that is no URL).
     *
     * @param max zero or more
     * @return this
     */
    public Builder followRedirects(int max) {
      if (max < 0) throw new IllegalArgumentException("followRedirects < 0: " + max);
      this.maxRedirects = max;
      return this;
    }

    /**
     * Sets the {@code user-agent} sent when a request has none (default {@code kyoto/0.1}), or null
     * for none.
     *
     * @param userAgent the value
     * @return this
     */
    public Builder userAgent(String userAgent) {
      this.userAgent = userAgent;
      return this;
    }

    /** {@return the client} */
    public HttpClient build() {
      return new HttpClient(this);
    }
  }
}
