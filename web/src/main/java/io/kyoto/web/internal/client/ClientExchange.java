package io.kyoto.web.internal.client;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.JoinException;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.net.TcpStream;
import io.kyoto.runtime.stream.Stream;
import io.kyoto.runtime.tls.TlsConnector;
import io.kyoto.web.Body;
import io.kyoto.web.Headers;
import io.kyoto.web.HttpException;
import io.kyoto.web.Method;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import io.kyoto.web.Status;
import io.kyoto.web.Upgraded;
import io.kyoto.web.internal.h1.H1Limits;
import io.kyoto.web.internal.h1.ResponseHead;
import io.kyoto.web.internal.h1.ResponseHeadParser;
import io.kyoto.web.internal.io.BodyDecoder;
import io.kyoto.web.internal.io.UpgradedConnection;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * One request on a pooled HTTP/1.1 connection: check out (or connect), write the request, read the
 * response head, and hand back a response whose body reads the connection and returns it to the
 * pool at its end. A pooled connection is checked before use and dropped if the server closed it or
 * sent bytes nobody asked for; the check waits for one turn of the I/O driver first when the
 * request is not retried or the connection sat idle for a millisecond or more (see ACQUIRE in
 * poll). A request that fails on a reused connection before any response byte arrived is retried
 * once on a new connection when it is idempotent and its body can be replayed (a stale keep-alive
 * connection the server already closed). A non-idempotent request (POST, PATCH, an extension
 * method) is not retried: the server may have acted on it before the connection died (RFC 9110
 * section 9.2.2). If writing the request fails because the server stopped reading, the answer it
 * may have sent first (an early 413, say) is still read and returned, and the connection is not
 * reused; without one, the write error is reported.
 */
public final class ClientExchange implements Future<Response> {
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /** How long a pooled connection sits idle before its check waits for a driver turn first. */
  private static final long SETTLE_AFTER_IDLE_NANOS = 1_000_000;

  /**
   * The most interim (1xx) responses read before a final one, as Go's client (5): without a bound,
   * a server that sends them without end would hold the exchange forever, each one under the head
   * size limit.
   */
  static final int MAX_INTERIM_RESPONSES = 5;

  /**
   * The client's settings.
   *
   * @param connectTimeout the connect timeout
   * @param limits limits for response heads
   * @param userAgent the default {@code user-agent}, or null
   * @param readTimeout the longest wait for the next bytes of a response body, or null for none
   */
  public record Settings(
      Duration connectTimeout, H1Limits limits, String userAgent, Duration readTimeout) {}

  /**
   * Where to connect.
   *
   * @param hostPort the {@code host:port} to connect to (and, without a default port, the {@code
   *     Host} header)
   * @param tls the TLS connector for an {@code https} origin, or null for {@code http}
   * @param serverName the host name (or IP literal, without brackets) TLS checks the certificate
   *     against, or null for {@code http}
   * @param proxy the proxy to go through, or null
   * @param tunnel whether a proxied origin is reached through a {@code CONNECT} tunnel (always for
   *     https; for http when the request asks for an upgrade) rather than in absolute form
   */
  public record Origin(
      String hostPort, TlsConnector tls, String serverName, Proxy proxy, boolean tunnel) {
    /**
     * An origin reached directly, or through {@code proxy}: https through a tunnel, plain http in
     * absolute form.
     *
     * @param hostPort where to connect
     * @param tls the TLS connector, or null for http
     * @param serverName the TLS server name, or null for http
     * @param proxy the proxy, or null
     */
    public Origin(String hostPort, TlsConnector tls, String serverName, Proxy proxy) {
      this(hostPort, tls, serverName, proxy, tls != null);
    }

    /**
     * An origin reached directly.
     *
     * @param hostPort where to connect
     * @param tls the TLS connector, or null for http
     * @param serverName the TLS server name, or null for http
     */
    public Origin(String hostPort, TlsConnector tls, String serverName) {
      this(hostPort, tls, serverName, null);
    }

    /**
     * {@return the pool key: an https and an http origin on the same port never share, nor does a
     * direct connection with one through a proxy} Plain http through a proxy shares the proxy's
     * connections whatever the origin; a tunnel belongs to its origin.
     */
    String key() {
      if (proxy == null) return tls == null ? hostPort : "https://" + hostPort;
      if (!tunnel) return "proxy " + proxy.hostPort();
      return (tls == null ? "http://" : "https://") + hostPort + " via " + proxy.hostPort();
    }

    /** {@return whether requests go to a proxy in absolute form (plain http, not tunnelled)} */
    public boolean absoluteForm() {
      return proxy != null && !tunnel;
    }

    /** {@return the {@code Host} header: the host, and the port unless it is the default one} */
    String hostHeader() {
      String dflt = tls == null ? ":80" : ":443";
      return hostPort.endsWith(dflt)
          ? hostPort.substring(0, hostPort.length() - dflt.length())
          : hostPort;
    }
  }

  /**
   * An HTTP proxy: plain http requests go to it in absolute form, https ones through a {@code
   * CONNECT} tunnel (RFC 9110 section 9.3.6).
   *
   * @param hostPort the proxy's {@code host:port}
   * @param authorization the {@code Proxy-Authorization} value, or null
   */
  public record Proxy(String hostPort, String authorization) {}

  private enum State {
    ACQUIRE,
    CONNECT,
    WRITE,
    WRITE_BODY,
    READ_HEAD,
    DONE
  }

  private final Request request;
  private final Origin origin;
  private final String target;
  private final Settings settings;
  private final ConnectionPool pool;
  private final ResponseHeadParser parser;
  private final boolean replayable;

  private State state = State.ACQUIRE;
  private ClientConnection conn;
  private boolean reused;
  private boolean retried;
  private boolean responseStarted;
  private int interimResponses; // 1xx heads skipped so far
  private IOException writeFailure; // a failed request write; the response is still read
  private Future<ClientConnection> connecting;
  private Future<Void> settle; // the yield before a pooled connection is checked
  private boolean settled;
  private Body body;
  private boolean chunked;
  private long bodyRemaining; // of a streamed body with a declared length, else -1

  /**
   * Creates the exchange.
   *
   * @param request the request
   * @param origin where to connect, and whether over TLS
   * @param target the origin-form target to send
   * @param settings the client's settings
   * @param pool the connection pool
   */
  public ClientExchange(
      Request request, Origin origin, String target, Settings settings, ConnectionPool pool) {
    this.request = request;
    this.origin = origin;
    this.target = target;
    this.settings = settings;
    this.pool = pool;
    this.parser = new ResponseHeadParser(settings.limits());
    this.replayable = request.body() instanceof Body.Full && idempotent(request.method());
  }

  /**
   * {@return a future of a new connection: TCP, then the TLS handshake for an https origin} The
   * connect timeout covers both; a failed handshake closes the socket.
   */
  private Future<ClientConnection> connect() {
    int maxHead = settings.limits().maxRequestLineBytes() + settings.limits().maxHeaderBytes();
    Proxy proxy = origin.proxy();
    return TcpStream.connect(proxy != null ? proxy.hostPort() : origin.hostPort())
        .handle(
            (tcp, e) -> {
              if (e != null) throw connectFailure(e);
              return tcp;
            })
        .flatMap(
            tcp -> {
              tcp.setNoDelay(true);
              boolean tunnel = proxy != null && origin.tunnel();
              if (origin.tls() == null && !tunnel) {
                return Futures.ready(new ClientConnection(origin.key(), tcp, maxHead));
              }
              Future<TcpStream> opened =
                  tunnel ? new ConnectTunnel(tcp, origin, settings) : Futures.ready(tcp);
              Future<ClientConnection> connection =
                  origin.tls() == null
                      ? opened.map(t -> new ClientConnection(origin.key(), t, maxHead))
                      : opened
                          .flatMap(t -> origin.tls().connect(origin.serverName(), t))
                          .map(tls -> new ClientConnection(origin.key(), tls, maxHead));
              return connection.handle(
                  (c, e) -> {
                    if (e != null) {
                      tcp.close();
                      throw e;
                    }
                    return c;
                  });
            });
  }

  /**
   * {@return the failure of the TCP connect (or of the name's lookup), naming where to} The
   * system's error ({@code connect: Connection refused (ECONNREFUSED)}) says neither host nor port:
   * an {@link IOException} becomes a {@link ConnectException} (an {@link UnknownHostException}
   * stays one) whose message starts {@code connecting to host:port failed: }, the original as
   * cause. A lookup failure that comes wrapped in the blocking task's {@link JoinException} is
   * unwrapped first, so that it is an {@link IOException} too. Anything else passes as it is.
   */
  private Exception connectFailure(Exception e) {
    Exception cause =
        e instanceof JoinException j && j.getCause() instanceof IOException io ? io : e;
    if (!(cause instanceof IOException)) return e;
    Proxy proxy = origin.proxy();
    String message =
        "connecting to "
            + origin.hostPort()
            + (proxy == null ? "" : " through the proxy " + proxy.hostPort())
            + " failed: "
            + cause.getMessage();
    IOException named =
        cause instanceof UnknownHostException
            ? new UnknownHostException(message)
            : new ConnectException(message);
    named.initCause(cause);
    return named;
  }

  /**
   * {@return {@link #connect()} limited to {@code timeout}} A timeout fails with a {@link
   * TimeoutException} that says it was the connect (TCP, tunnel and TLS handshake), to where, and
   * after how long; the request timeout's says only that its deadline elapsed.
   */
  private Future<ClientConnection> connectWithin(Duration timeout) {
    return Time.timeout(timeout, connect())
        .handle(
            (c, e) -> {
              if (e instanceof TimeoutException) {
                Proxy proxy = origin.proxy();
                TimeoutException named =
                    new TimeoutException(
                        "connecting to "
                            + origin.hostPort()
                            + (proxy == null ? "" : " through the proxy " + proxy.hostPort())
                            + " timed out after "
                            + timeout.toMillis()
                            + " ms");
                named.initCause(e);
                throw named;
              }
              if (e != null) throw e;
              return c;
            });
  }

  /**
   * Opens a {@code CONNECT} tunnel through a proxy on {@code tcp}: sends the request, reads the
   * proxy's answer, and completes with the same stream once a 2xx came; any other answer fails with
   * an {@link IOException} naming its status.
   */
  private static final class ConnectTunnel implements Future<TcpStream> {
    private final TcpStream tcp;
    private final ByteBuffer out;
    private final io.kyoto.web.internal.io.InBuffer in;
    private final ResponseHeadParser parser;

    ConnectTunnel(TcpStream tcp, Origin origin, Settings settings) {
      this.tcp = tcp;
      StringBuilder head =
          new StringBuilder("CONNECT ")
              .append(origin.hostPort())
              .append(" HTTP/1.1\r\nhost: ")
              .append(origin.hostPort())
              .append("\r\n");
      if (origin.proxy().authorization() != null) {
        head.append("proxy-authorization: ").append(origin.proxy().authorization()).append("\r\n");
      }
      if (settings.userAgent() != null) {
        head.append("user-agent: ").append(settings.userAgent()).append("\r\n");
      }
      this.out =
          ByteBuffer.wrap(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
      this.in =
          new io.kyoto.web.internal.io.InBuffer(
              tcp, settings.limits().maxRequestLineBytes() + settings.limits().maxHeaderBytes());
      this.parser = new ResponseHeadParser(settings.limits());
    }

    @Override
    public Poll<TcpStream> poll(Context cx) throws Exception {
      while (out.hasRemaining()) {
        if (tcp.pollWrite(cx, out).isPending()) return Poll.pending();
      }
      while (true) {
        ByteBuffer buf = in.buffer();
        if (buf.hasRemaining()) {
          ResponseHead head = parser.parse(buf, Method.CONNECT);
          if (head != null) {
            int code = head.status().code();
            if (code < 200 || code >= 300) {
              throw new IOException("the proxy answered CONNECT with " + head.status());
            }
            if (in.takeRemaining() != null) {
              throw new IOException("the proxy sent bytes after its CONNECT answer");
            }
            in.releaseIfEmpty();
            return Poll.ready(tcp);
          }
        }
        int n = in.fill(cx);
        if (n < 0) return Poll.pending();
        if (n == 0) throw new EOFException("the proxy closed the connection during CONNECT");
      }
    }

    @Override
    public void cancel() {
      tcp.close();
    }
  }

  /** RFC 9110 section 9.2.2. */
  private static boolean idempotent(Method m) {
    return switch (m.name()) {
      case "GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE" -> true;
      default -> false;
    };
  }

  @Override
  public Poll<Response> poll(Context cx) throws Exception {
    while (true) {
      try {
        switch (state) {
          case ACQUIRE -> {
            if (!settled && !retried) {
              // A pooled connection is checked only after one turn of the I/O driver: on a
              // current-thread runtime, a close or stray bytes that came while no blockOn ran
              // (between two requests) are not seen by the reactor before it turns, and the check
              // would take the connection for a clean open one; the bytes would be read as this
              // request's response. A request that is not retried always waits for that turn; one
              // that is, when the connection sat idle long enough for something to have come
              // (a tight loop of requests pays nothing).
              settled = true;
              long idle = pool.idleFor(origin.key(), Time.now());
              if (idle >= 0 && (!replayable || idle >= SETTLE_AFTER_IDLE_NANOS)) {
                settle = Task.yieldNow();
              }
            }
            if (settle != null) {
              if (settle.poll(cx).isPending()) return Poll.pending();
              settle = null;
            }
            conn = retried ? null : takeOpen(cx);
            reused = conn != null;
            if (conn == null) {
              connecting = connectWithin(settings.connectTimeout());
              state = State.CONNECT;
            } else {
              writeHead();
            }
          }
          case CONNECT -> {
            Poll<ClientConnection> p = connecting.poll(cx);
            if (p.isPending()) return Poll.pending();
            connecting = null;
            conn = p.value();
            writeHead();
          }
          case WRITE -> {
            if (!flushOut(cx)) return Poll.pending();
            state = body == null ? State.READ_HEAD : State.WRITE_BODY;
          }
          case WRITE_BODY -> {
            if (!writeBody(cx)) return Poll.pending();
          }
          case READ_HEAD -> {
            Poll<Response> p = readHead(cx);
            if (p != null) return p;
          }
          case DONE -> throw new IllegalStateException("the exchange already completed");
        }
      } catch (IOException e) {
        if (e == writeFailure && state != State.READ_HEAD) {
          // The server may have answered before it stopped reading (an early 413, say): read
          // that answer; the request is abandoned and the connection not reused.
          Body abandoned = body;
          body = null; // dropped once, even if its cancel() throws (then cancel() closes conn)
          if (abandoned != null) abandoned.cancel();
          conn.out.clear();
          state = State.READ_HEAD;
          continue;
        }
        if (conn != null) conn.close();
        if (reused && !retried && !responseStarted && replayable) {
          // A stale pooled connection: try once more on a fresh one.
          retried = true;
          writeFailure = null;
          conn = null;
          state = State.ACQUIRE;
          continue;
        }
        state = State.DONE;
        if (writeFailure != null && e != writeFailure) {
          // No answer either: the failed write is the error to report.
          writeFailure.addSuppressed(e);
          throw writeFailure;
        }
        throw e;
      } catch (Exception e) {
        if (conn != null) conn.close();
        state = State.DONE;
        throw e;
      }
    }
  }

  /**
   * Takes a pooled connection the server has not closed while it sat idle: a read that would block
   * says it is still open; end of stream, a reset or unrequested bytes mean it is not, and it is
   * dropped. (A close racing with this check is left to the retry of idempotent requests.)
   */
  private ClientConnection takeOpen(Context cx) {
    while (true) {
      ClientConnection c = pool.take(origin.key(), Time.now());
      if (c == null) return null;
      int n;
      try {
        n = c.in.fill(cx);
      } catch (IOException e) {
        n = 0;
      }
      if (n < 0) return c;
      c.close();
    }
  }

  /** Flushes the request, remembering a failed write (see the IOException handler in poll). */
  private boolean flushOut(Context cx) throws IOException {
    try {
      return conn.out.flush(cx, conn.writer);
    } catch (IOException e) {
      writeFailure = e;
      throw e;
    }
  }

  private void writeHead() {
    var out = conn.out;
    out.clear();
    Method method = request.method();
    Body b = request.body();
    long length = b.contentLength();
    out.putAscii(method.name());
    out.put((byte) ' ');
    if (origin.absoluteForm()) {
      out.putAscii("http://"); // RFC 9112 section 3.2.2: a proxy gets the absolute form
      out.putAscii(origin.hostHeader());
    }
    out.putAscii(target);
    out.putAscii(" HTTP/1.1\r\n");
    Headers h = request.headers();
    for (int i = 0, n = h.size(); i < n; i++) {
      String name = h.name(i);
      if (name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("transfer-encoding")) {
        continue;
      }
      out.putAscii(name);
      out.putAscii(": ");
      out.putAscii(h.value(i));
      out.put(CRLF);
    }
    if (!h.contains("host")) {
      out.putAscii("host: ");
      out.putAscii(origin.hostHeader());
      out.put(CRLF);
    }
    if (origin.absoluteForm()
        && origin.proxy().authorization() != null
        && !h.contains("proxy-authorization")) {
      out.putAscii("proxy-authorization: ");
      out.putAscii(origin.proxy().authorization());
      out.put(CRLF);
    }
    if (settings.userAgent() != null && !h.contains("user-agent")) {
      out.putAscii("user-agent: ");
      out.putAscii(settings.userAgent());
      out.put(CRLF);
    }
    chunked = false;
    body = null;
    if (b instanceof Body.Full full) {
      if (length > 0 || method == Method.POST || method == Method.PUT || method == Method.PATCH) {
        out.putAscii("content-length: ");
        out.putDigits(length);
        out.put(CRLF);
      }
      out.put(CRLF);
      if (length > 0) out.putBody(full.content(), null);
    } else {
      if (length >= 0) {
        out.putAscii("content-length: ");
        out.putDigits(length);
        out.put(CRLF);
      } else {
        out.putAscii("transfer-encoding: chunked\r\n");
        chunked = true;
      }
      out.put(CRLF);
      body = b;
      bodyRemaining = chunked ? -1 : length;
    }
    state = State.WRITE;
  }

  private boolean writeBody(Context cx) throws Exception {
    var out = conn.out;
    while (true) {
      if ((out.hasLarge() || out.buffered() >= 8192) && !flushOut(cx)) return false;
      Poll<ByteBuffer> p = body.pollNext(cx);
      if (p.isPending()) {
        if (!out.isEmpty()) flushOut(cx);
        return false;
      }
      if (Stream.isEnd(p)) {
        if (chunked) out.put(LAST_CHUNK);
        body = null;
        if (bodyRemaining > 0) {
          // The server would wait for the rest: fail now rather than at the request timeout.
          throw new IOException(
              "request body ended " + bodyRemaining + " bytes short of its declared length");
        }
        state = State.WRITE;
        return true;
      }
      ByteBuffer chunk = p.value();
      if (!chunk.hasRemaining()) continue;
      if (bodyRemaining >= 0) {
        if (chunk.remaining() > bodyRemaining) {
          // The surplus would reach the server as the start of another request.
          Body longer = body;
          body = null;
          IOException e = new IOException("request body longer than its declared length");
          try {
            longer.cancel();
          } catch (Throwable t) { // the failure stays the outcome
            e.addSuppressed(t);
          }
          throw e;
        }
        bodyRemaining -= chunk.remaining();
      }
      if (chunked) {
        out.putHex(chunk.remaining());
        out.put(CRLF);
      }
      out.putBody(chunk, chunked ? CRLF : null);
    }
  }

  private Poll<Response> readHead(Context cx) throws Exception {
    while (true) {
      ByteBuffer buf = conn.in.buffer();
      if (buf.hasRemaining()) {
        responseStarted = true;
        ResponseHead head = parser.parse(buf, request.method());
        if (head != null) {
          int code = head.status().code();
          if (code == 101 && !request.headers().contains("upgrade")) {
            // RFC 9110 section 15.2.2: a server must not switch to a protocol the request did not
            // offer. What follows is not HTTP the exchange can read, nor a connection to hand over.
            throw new HttpException(
                Status.BAD_GATEWAY,
                "the server switched protocols (101) though the request asked for no upgrade");
          }
          if (code >= 100 && code < 200 && code != 101) { // interim: the final response follows
            if (++interimResponses > MAX_INTERIM_RESPONSES) {
              throw new HttpException(
                  Status.BAD_GATEWAY,
                  "more than " + MAX_INTERIM_RESPONSES + " interim (1xx) responses to one request");
            }
            continue;
          }
          return Poll.ready(toResponse(head));
        }
      }
      int n = conn.in.fill(cx);
      if (n < 0) return Poll.pending();
      if (n == 0) {
        throw new EOFException(
            buf.hasRemaining()
                ? "connection closed in the middle of the response head"
                : "connection closed before a response arrived");
      }
    }
  }

  private Response toResponse(ResponseHead head) {
    state = State.DONE;
    ClientConnection c = conn;
    conn = null;
    c.uses++;
    // A client that sent "close" sends no further request on the connection, whatever the server
    // answered (RFC 9112 section 9.6).
    boolean keepAlive =
        head.keepAlive()
            && writeFailure == null
            && !request.headers().containsToken("connection", "close");
    // After a 101, or a 2xx answer to CONNECT, the connection no longer speaks HTTP: it is handed
    // to the caller as the response's Upgraded, never pooled (hyper's upgrade::on).
    int code = head.status().code();
    if (code == 101 || (request.method().equals(Method.CONNECT) && code >= 200 && code < 300)) {
      UpgradedConnection upgraded =
          new UpgradedConnection(c.reader, c.writer, c.closer, c.in.takeRemaining());
      return new Response(head.status(), head.headers(), new UpgradeBody(upgraded));
    }
    if (head.contentLength() == 0 && !head.chunked()) {
      // Bytes already past the head belong to no request (a body sent after HEAD, 204 or 304):
      // the connection is out of sync, as ClientBody also decides at a body's end.
      if (keepAlive && !c.in.buffer().hasRemaining()) pool.give(c, Time.now());
      else c.close();
      return new Response(head.status(), head.headers(), Body.empty());
    }
    BodyDecoder decoder =
        head.chunked()
            ? BodyDecoder.chunked(settings.limits(), Long.MAX_VALUE)
            : head.contentLength() > 0
                ? BodyDecoder.ofLength(head.contentLength())
                : BodyDecoder.untilEof();
    return new Response(
        head.status(),
        head.headers(),
        new ClientBody(c, decoder, keepAlive && decoder.reusable(), head.contentLength()));
  }

  @Override
  public void cancel() {
    state = State.DONE;
    Future<ClientConnection> c = connecting;
    connecting = null;
    Body b = body;
    body = null;
    try {
      if (c != null) c.cancel();
    } finally {
      try {
        if (b != null) b.cancel(); // the caller's stream: its cancel() may throw
      } finally {
        if (conn != null) conn.close(); // half-written or half-read: the connection is unusable
      }
    }
  }

  /**
   * The empty body of a response whose connection was upgraded, carrying that connection until
   * {@code HttpClient} moves it to {@link Response#upgraded()}.
   *
   * @param upgraded the connection
   */
  public record UpgradeBody(Upgraded upgraded) implements Body {
    @Override
    public long contentLength() {
      return 0;
    }

    @Override
    public Poll<ByteBuffer> pollNext(Context cx) {
      return Stream.end();
    }

    @Override
    public void cancel() {}
  }

  /**
   * A response body read from the connection; the connection goes back to the pool at its end. A
   * malformed or over-limit chunked body fails with an {@link HttpException} of status 502, as a
   * bad response head does; a connection that ends early, with an {@link java.io.EOFException}.
   */
  private final class ClientBody implements Body {
    private final ClientConnection c;
    private final BodyDecoder decoder;
    private final boolean reusable;
    private final long length;
    private final UnreadBodies.Watch watch;
    private Future<Void> idle; // the read timeout's timer, armed while a read waits for bytes
    private Exception failure; // how it failed: a later read fails too, rather than end early
    private boolean finished;
    // cancelled before its end: the connection is closed and the rest gone, so a later read fails
    // rather than end as if the body were shorter
    private boolean cancelled;

    ClientBody(ClientConnection c, BodyDecoder decoder, boolean reusable, long length) {
      this.c = c;
      this.decoder = decoder;
      this.reusable = reusable;
      this.length = length;
      this.watch = UnreadBodies.watch(this, c, request.method(), target, origin.hostPort());
    }

    @Override
    public long contentLength() {
      return length;
    }

    @Override
    public Poll<ByteBuffer> pollNext(Context cx) throws Exception {
      if (cancelled) {
        throw new IOException("the response body was cancelled before it was read to its end");
      }
      if (failure != null) {
        throw new IOException(
            "the response body failed before its end: " + failure.getMessage(), failure);
      }
      if (finished) return Stream.end();
      Poll<ByteBuffer> p;
      try {
        p = decoder.next(cx, c.in);
      } catch (HttpException e) {
        // The decoder speaks for a server (400, 431 for a bad request body); here the bad body
        // is upstream's, as a bad response head is (502).
        throw fail(
            new HttpException(Status.BAD_GATEWAY, "invalid response body: " + e.getMessage(), e));
      } catch (Exception e) {
        throw fail(e);
      }
      if (p.isPending()) {
        Duration limit = settings.readTimeout();
        if (limit != null) {
          if (idle == null) idle = Time.sleep(limit);
          if (idle.poll(cx).isReady()) {
            idle = null;
            throw fail(
                new TimeoutException(
                    "reading the response body of "
                        + UnreadBodies.describe(request.method(), target, origin.hostPort())
                        + ": no bytes for "
                        + limit.toMillis()
                        + " ms (the read timeout)"));
          }
        }
        return p;
      }
      disarm();
      if (Stream.isEnd(p)) {
        finished = true;
        watch.done(); // before the pool may hand the connection to another exchange
        if (reusable && !c.in.buffer().hasRemaining()) pool.give(c, Time.now());
        else c.close();
      }
      return p;
    }

    /** Ends the body with {@code e}: the connection is closed; {@return e}, to be thrown} */
    private Exception fail(Exception e) {
      disarm();
      failure = e;
      finished = true;
      watch.done();
      c.close();
      return e;
    }

    private void disarm() {
      Future<Void> timer = idle;
      if (timer != null) {
        idle = null;
        timer.cancel();
      }
    }

    @Override
    public void cancel() {
      disarm();
      if (!finished) {
        finished = true;
        cancelled = true;
        watch.done();
        c.close();
      }
    }
  }
}
