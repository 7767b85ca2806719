package io.kyoto.web.ws;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Sleep;
import io.kyoto.runtime.ThrowingFunction;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.io.AsyncCloseable;
import io.kyoto.runtime.io.AsyncRead;
import io.kyoto.runtime.io.AsyncWrite;
import io.kyoto.runtime.stream.Stream;
import io.kyoto.web.Headers;
import io.kyoto.web.HttpClient;
import io.kyoto.web.Method;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import io.kyoto.web.Status;
import io.kyoto.web.Upgraded;
import io.kyoto.web.Version;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A WebSocket connection (RFC 6455): a {@link Stream} of received {@link Message}s, and {@link
 * #send} for the other direction. Made on the server by {@link #accept}, which answers the opening
 * handshake, or over any transport with {@link #server} and {@link #client}.
 *
 * {@snippet :
 * Response echo(Request req) {
 *   return WebSocket.accept(req, ws -> ws.forEachAsync(m -> switch (m) {
 *     case Message.Text t -> ws.send(t);
 *     case Message.Binary b -> ws.send(b);
 *     default -> Futures.ready(null);
 *   }));
 * }
 * }
 *
 * <h2>Protocol rules enforced</h2>
 *
 * <ul>
 *   <li>Frames from a client must be masked and frames from a server must not be; otherwise the
 *       connection closes with {@link #PROTOCOL_ERROR} (1002). Frames this end sends follow the
 *       same rule (a client masks with a fresh random key per frame).
 *   <li>RSV bits (no extension is negotiated), unknown opcodes, fragmented or longer than 125 bytes
 *       control frames, a continuation without a started message, a new message inside a fragmented
 *       one, a 64-bit length with its top bit set: 1002.
 *   <li>Lengths that are not in minimal form (a 16-bit length below 126) are accepted, as most
 *       implementations do; this end always sends the minimal form.
 *   <li>A frame over {@link WebSocketConfig#maxFrameSize()} or a message over {@link
 *       WebSocketConfig#maxMessageSize()}: {@link #MESSAGE_TOO_BIG} (1009), detected from the
 *       header, before the payload is buffered.
 *   <li>Text that is not UTF-8, checked incrementally across fragments, and close reasons that are
 *       not UTF-8: {@link #INVALID_PAYLOAD} (1007).
 *   <li>A ping is answered with a pong of the same data by the connection itself; the ping is still
 *       delivered.
 *   <li>A close frame with a one-byte payload or a code that may not be sent (below 1000, 1004,
 *       1005, 1006, 1015, 1016 to 2999, 5000 and above): 1002. A valid close is echoed with its
 *       code (if this end did not send one first), the transport is shut down and closed, the
 *       {@link Message.Close} is delivered and the stream ends.
 * </ul>
 *
 * <p>On a protocol error the connection sends a close frame with the code, shuts the transport down
 * and the stream fails with a {@link WebSocketException} carrying the code. If the transport ends
 * without a close frame the stream fails with {@link #ABNORMAL_CLOSURE} (1006), unless this end had
 * already sent its close frame, in which case the stream just ends.
 *
 * <h2>Close timeout</h2>
 *
 * <p>Once this end has sent its close frame, data, ping and pong frames from the peer are read and
 * checked but discarded, as RFC 6455 §1.4 asks; only the peer's close frame is still delivered. The
 * close handshake must then finish within {@link WebSocketConfig#closeTimeout()} (5 seconds by
 * default): the close frame written, the peer's close frame received (when this end spoke first)
 * and the transport shut down. If it does not, because the peer does not answer, does not read or
 * keeps sending data, the transport is closed anyway: the stream fails with a {@link
 * WebSocketException} of code {@link #ABNORMAL_CLOSURE} (1006) whose message says the close
 * handshake timed out, and sends, flushes and closes still waiting fail with the same exception.
 * Two exceptions: if the stream was already ending with a protocol error, it still fails with that
 * error; if the peer's close frame had arrived, it is still delivered. The timer is a runtime timer
 * (it needs time enabled), armed at the first poll after the close frame is queued and cancelled as
 * soon as the transport is closed.
 *
 * <h2>Writing and backpressure</h2>
 *
 * <p>{@link #send} encodes the message into the connection's outgoing queue at once and returns a
 * future that completes when the queue has been written to the transport: the writer waits as long
 * as the peer does not read. Pongs and close echoes produced by reading go through the same queue,
 * so frames are never interleaved.
 *
 * <p><b>Thread safety:</b> the stream side ({@link #pollNext}) belongs to one task at a time;
 * {@link #send} and {@link #close} may be called from other tasks concurrently with reading.
 */
public final class WebSocket implements Stream<Message> {
  /** The GUID RFC 6455 appends to the key to compute {@code Sec-WebSocket-Accept}. */
  public static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  /** 1000: normal closure. */
  public static final int NORMAL_CLOSURE = 1000;

  /** 1001: going away. */
  public static final int GOING_AWAY = 1001;

  /** 1002: protocol error. */
  public static final int PROTOCOL_ERROR = 1002;

  /** 1003: unsupported data. */
  public static final int UNSUPPORTED_DATA = 1003;

  /** 1005: no status code was present (never sent on the wire). */
  public static final int NO_STATUS = 1005;

  /** 1006: closed without a close frame (never sent on the wire). */
  public static final int ABNORMAL_CLOSURE = 1006;

  /** 1007: invalid payload data, such as text that is not UTF-8. */
  public static final int INVALID_PAYLOAD = 1007;

  /** 1008: policy violation. */
  public static final int POLICY_VIOLATION = 1008;

  /** 1009: message too big. */
  public static final int MESSAGE_TOO_BIG = 1009;

  /** 1011: internal error. */
  public static final int INTERNAL_ERROR = 1011;

  /**
   * The longest array the JVM reliably allocates (as {@code ArraysSupport.SOFT_MAX_ARRAY_LENGTH}).
   */
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  static final int OP_CONT = 0x0;
  static final int OP_TEXT = 0x1;
  static final int OP_BINARY = 0x2;
  static final int OP_CLOSE = 0x8;
  static final int OP_PING = 0x9;
  static final int OP_PONG = 0xA;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] EMPTY = new byte[0];

  private final AsyncRead in;
  private final AsyncWrite out;
  private final AutoCloseable closer;
  private final boolean clientMode;
  private final WebSocketConfig config;
  private final String protocol;

  // ---- read side (one task) ----
  private ByteBuffer rbuf = ByteBuffer.allocate(8 * 1024).flip();
  private byte[] msg = EMPTY;
  private int msgLen;
  private int msgOpcode = -1; // opcode of the fragmented message in progress, or -1
  private final Utf8Validator utf8 = new Utf8Validator();
  private WebSocketException failure;
  private Message.Close closeReceived;
  private volatile boolean transportClosed;
  private boolean done;
  // the stream's latest waker: the close timer wakes it, as the stream may be waiting on a read
  private volatile Waker readerWaker;

  // ---- write side (shared, guarded by lock) ----
  private final Object lock = new Object();
  private final ArrayDeque<ByteBuffer> outq = new ArrayDeque<>();
  private ByteBuffer lastPong; // the most recent pong queued, guarded by lock
  private final List<Waker> waiters = new ArrayList<>(2);
  private volatile boolean closeSent; // written under lock
  private boolean needFlush;

  // ---- close handshake timeout (guarded by lock, except closeWaiters) ----
  private Sleep closeTimer; // armed at the first poll after closeSent, cancelled by closeTransport
  private Context closeCx; // polls closeTimer: its waker wakes every close waiter
  private volatile boolean closeTimedOut; // written under lock
  private final Object closeWaitLock = new Object(); // a leaf lock, for closeWaiters only
  private final List<Waker> closeWaiters = new ArrayList<>(2);

  private WebSocket(
      AsyncRead in,
      AsyncWrite out,
      AutoCloseable closer,
      boolean clientMode,
      WebSocketConfig config,
      String protocol) {
    this.in = in;
    this.out = out;
    this.closer = closer;
    this.clientMode = clientMode;
    this.config = Objects.requireNonNull(config, "config");
    this.protocol = protocol;
  }

  // ===================================================================================== handshake

  /**
   * {@return the answer to a WebSocket opening handshake with the default configuration} See {@link
   * #accept(Request, WebSocketConfig, ThrowingFunction)}.
   *
   * @param request the upgrade request
   * @param handler runs the connection; called once the 101 is written
   */
  public static Response accept(
      Request request, ThrowingFunction<? super WebSocket, ? extends Future<Void>> handler) {
    return accept(request, WebSocketConfig.defaults(), handler);
  }

  /**
   * {@return the answer to a WebSocket opening handshake}
   *
   * <p>A valid handshake gets a {@code 101 Switching Protocols} {@link Response#upgrade upgrade
   * response} with {@code Sec-WebSocket-Accept} (and {@code Sec-WebSocket-Protocol} when a
   * subprotocol was selected); once the server has written it, {@code handler} runs with the
   * connection. When the handler's future completes, the connection sends a close frame if none was
   * sent yet (1000, or {@link #INTERNAL_ERROR} 1011 if the handler failed with anything but a
   * {@link WebSocketException}), flushes, and closes the transport. That last flush waits for the
   * peer to read, as any write does, but at most {@link WebSocketConfig#closeTimeout()} after the
   * close frame was queued; then the transport is closed anyway.
   *
   * <p>Rejections, with a plain-text body:
   *
   * <ul>
   *   <li>a method other than GET: 405 with {@code Allow: GET};
   *   <li>an HTTP/1.0 request, or one with a body ({@code Transfer-Encoding}, or a {@code
   *       Content-Length} other than 0): 400;
   *   <li>no {@code upgrade} token in {@code Connection}, no {@code websocket} token in {@code
   *       Upgrade}, a missing {@code Sec-WebSocket-Key} or one that is not the base64 of 16 bytes:
   *       400;
   *   <li>a missing {@code Sec-WebSocket-Version} or one other than 13: 426 with {@code
   *       Sec-WebSocket-Version: 13} and {@code Upgrade: websocket}.
   * </ul>
   *
   * @param request the upgrade request
   * @param config the limits and subprotocols
   * @param handler runs the connection
   */
  public static Response accept(
      Request request,
      WebSocketConfig config,
      ThrowingFunction<? super WebSocket, ? extends Future<Void>> handler) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(handler, "handler");
    Headers h = request.headers();
    if (!request.method().equals(Method.GET)) {
      return reject(Status.METHOD_NOT_ALLOWED, "WebSocket handshake requires GET")
          .header("allow", "GET");
    }
    if (request.version() != Version.HTTP_1_1) {
      return reject(Status.BAD_REQUEST, "WebSocket handshake requires HTTP/1.1");
    }
    if (h.contains("transfer-encoding")
        || (h.contains("content-length") && !h.get("content-length").trim().equals("0"))) {
      // Its bytes would follow the handshake on the connection, where they are not frames.
      return reject(Status.BAD_REQUEST, "a WebSocket handshake request has no body");
    }
    if (!h.containsToken("connection", "upgrade")) {
      return reject(Status.BAD_REQUEST, "Connection header does not hold \"upgrade\"");
    }
    if (!h.containsToken("upgrade", "websocket")) {
      return reject(Status.BAD_REQUEST, "Upgrade header does not hold \"websocket\"");
    }
    String version = h.get("sec-websocket-version");
    if (version == null || !version.trim().equals("13")) {
      return reject(Status.UPGRADE_REQUIRED, "unsupported WebSocket version")
          .header("sec-websocket-version", "13")
          .header("upgrade", "websocket") // RFC 9110 §7.8: a 426 names what to upgrade to
          .header("connection", "upgrade");
    }
    String key = h.get("sec-websocket-key");
    if (key == null || !isValidKey(key.trim())) {
      return reject(Status.BAD_REQUEST, "missing or invalid Sec-WebSocket-Key");
    }
    String selected = selectProtocol(h, config.protocols());
    Response response =
        Response.upgrade(
            "websocket",
            upgraded -> {
              WebSocket ws = server(upgraded, config, selected);
              return ws.run(handler);
            });
    response.header("sec-websocket-accept", acceptKey(key.trim()));
    if (selected != null) response.header("sec-websocket-protocol", selected);
    return response;
  }

  private static Response reject(Status status, String message) {
    return Response.text(message + "\n").status(status);
  }

  private static boolean isValidKey(String key) {
    try {
      return Base64.getDecoder().decode(key).length == 16;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String selectProtocol(Headers h, List<String> supported) {
    if (supported.isEmpty()) return null;
    for (String p : supported) {
      if (h.containsToken("sec-websocket-protocol", p)) return p;
    }
    return null;
  }

  /**
   * {@return the {@code Sec-WebSocket-Accept} value for {@code key}: base64(SHA-1(key + GUID))}
   *
   * @param key the client's {@code Sec-WebSocket-Key}
   */
  public static String acceptKey(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      byte[] digest = sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is not available", e);
    }
  }

  /** {@return a fresh random {@code Sec-WebSocket-Key} for a client handshake} */
  public static String generateKey() {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    return Base64.getEncoder().encodeToString(nonce);
  }

  /**
   * {@return a GET request carrying a client opening handshake for {@code target}} Its {@code
   * Sec-WebSocket-Key} is fresh; check the answer with {@link #acceptKey}.
   *
   * @param target the request target, e.g. {@code /chat}
   * @param protocols the subprotocols to offer, possibly none
   */
  public static Request handshakeRequest(String target, String... protocols) {
    Request r =
        Request.get(target)
            .header("connection", "Upgrade")
            .header("upgrade", "websocket")
            .header("sec-websocket-version", "13")
            .header("sec-websocket-key", generateKey());
    if (protocols.length > 0) r.header("sec-websocket-protocol", String.join(", ", protocols));
    return r;
  }

  /**
   * {@return a future of the client end of a WebSocket to {@code url}, with the default limits}
   *
   * @param client the HTTP client that makes the opening handshake
   * @param url {@code ws://}, {@code wss://} (or {@code http://}, {@code https://}) URL
   * @see #connect(HttpClient, String, WebSocketConfig)
   */
  public static Future<WebSocket> connect(HttpClient client, String url) {
    return connect(client, url, WebSocketConfig.defaults());
  }

  /**
   * {@return a future of the client end of a WebSocket to {@code url}} The opening handshake (RFC
   * 6455 section 4.1) goes through {@code client}, so its TLS settings, timeouts and redirects
   * apply; {@code wss} is TLS. The subprotocols of {@code config} are offered in order. The future
   * fails with a {@link WebSocketException} (close code 1002) if the server answers anything but
   * {@code 101} with {@code Upgrade: websocket}, {@code Connection: upgrade} and the right {@code
   * Sec-WebSocket-Accept}, or selects a subprotocol that was not offered or an extension (none is
   * offered); the connection is closed then. tokio-tungstenite's {@code connect_async}.
   *
   * <p><b>Cancel safety:</b> cancelling closes the connection being opened.
   *
   * @param client the HTTP client that makes the opening handshake
   * @param url {@code ws://}, {@code wss://} (or {@code http://}, {@code https://}) URL
   * @param config the limits and the subprotocols to offer
   * @throws IllegalArgumentException if the URL is not absolute or has another scheme
   */
  public static Future<WebSocket> connect(HttpClient client, String url, WebSocketConfig config) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(config, "config");
    int colon = url.indexOf("://");
    String scheme = colon < 0 ? "" : url.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
    String httpScheme =
        switch (scheme) {
          case "ws", "http" -> "http";
          case "wss", "https" -> "https";
          default ->
              throw new IllegalArgumentException(
                  "a WebSocket URL starts with ws:// or wss://: " + url);
        };
    Request request =
        handshakeRequest(
            httpScheme + url.substring(colon), config.protocols().toArray(String[]::new));
    String expected = acceptKey(request.header("sec-websocket-key"));
    return client
        .send(request)
        .map(
            res -> {
              Upgraded io = res.upgraded();
              try {
                String protocol = checkHandshake(res, expected, config.protocols());
                return new WebSocket(io, io, io, true, config, protocol);
              } catch (WebSocketException e) {
                res.body().cancel();
                if (io != null) io.close();
                throw e;
              }
            });
  }

  /** {@return the subprotocol the server selected, or null} Checks its answer to a handshake. */
  private static String checkHandshake(Response res, String expectedAccept, List<String> offered)
      throws WebSocketException {
    Headers h = res.headers();
    if (res.status().code() != 101 || res.upgraded() == null) {
      throw new WebSocketHandshakeException(
          "WebSocket handshake failed: the server answered " + res.status() + " instead of 101",
          res.status(),
          h.copy());
    }
    if (!h.containsToken("upgrade", "websocket")) {
      throw handshakeFailed("the server's 101 lacks Upgrade: websocket");
    }
    if (!h.containsToken("connection", "upgrade")) {
      throw handshakeFailed("the server's 101 lacks Connection: upgrade");
    }
    String accept = h.get("sec-websocket-accept");
    if (accept == null || !accept.trim().equals(expectedAccept)) {
      throw handshakeFailed(
          "wrong Sec-WebSocket-Accept " + accept + " (expected " + expectedAccept + ")");
    }
    if (h.get("sec-websocket-extensions") != null) {
      throw handshakeFailed(
          "the server selected extensions that were not offered: "
              + h.get("sec-websocket-extensions"));
    }
    List<String> selected = h.getAll("sec-websocket-protocol");
    if (selected.isEmpty()) return null;
    String protocol = selected.size() == 1 ? selected.get(0).trim() : null;
    if (protocol == null || !offered.contains(protocol)) {
      throw handshakeFailed(
          "the server selected a subprotocol that was not offered: " + String.join(", ", selected));
    }
    return protocol;
  }

  private static WebSocketException handshakeFailed(String why) {
    return new WebSocketException(PROTOCOL_ERROR, "WebSocket handshake failed: " + why);
  }

  // ================================================================================== construction

  /**
   * {@return the server end of a connection whose handshake is done}
   *
   * @param io the transport
   * @param config the limits
   * @param protocol the selected subprotocol, or null
   * @param <S> the transport type
   */
  public static <S extends AsyncRead & AsyncWrite & AsyncCloseable> WebSocket server(
      S io, WebSocketConfig config, String protocol) {
    return new WebSocket(io, io, io, false, config, protocol);
  }

  /**
   * {@return the client end of a connection whose handshake is done: frames it sends are masked}
   *
   * @param io the transport
   * @param config the limits
   * @param <S> the transport type
   */
  public static <S extends AsyncRead & AsyncWrite & AsyncCloseable> WebSocket client(
      S io, WebSocketConfig config) {
    return new WebSocket(io, io, io, true, config, null);
  }

  /** {@return the selected subprotocol, or null} */
  public String protocol() {
    return protocol;
  }

  /** {@return whether this is the client end} */
  public boolean isClient() {
    return clientMode;
  }

  /** {@return the configuration} */
  public WebSocketConfig config() {
    return config;
  }

  private Future<Void> run(ThrowingFunction<? super WebSocket, ? extends Future<Void>> handler)
      throws Exception {
    Future<Void> user = handler.apply(this);
    return user.handle((v, e) -> e)
        .flatMap(
            error ->
                finish(
                        error == null || error instanceof WebSocketException
                            ? NORMAL_CLOSURE
                            : INTERNAL_ERROR)
                    .handle(
                        (v, e2) -> {
                          if (error != null) throw error;
                          return (Void) null;
                        }));
  }

  /**
   * Sends a close with {@code code} if none was sent, flushes, shuts down and closes the transport;
   * errors while doing so are ignored.
   */
  private Future<Void> finish(int code) {
    boolean send;
    synchronized (lock) {
      send = !closeSent;
    }
    Future<Void> close = send ? close(code, "") : Futures.ready(null);
    Future<Void> shutdown = this::pollShutdownBounded;
    return close
        .recover(e -> null)
        .flatMap(v -> shutdown.recover(e -> null))
        .map(
            v -> {
              closeTransport();
              return null;
            });
  }

  /** Shuts the transport down; ready at once if it is closed, or once the close timer fired. */
  private Poll<Void> pollShutdownBounded(Context cx) throws IOException {
    if (transportClosed) return Poll.ready(null);
    Poll<Void> p = out.pollShutdown(cx);
    if (p.isReady() || closeTimedOutWhileWaiting(cx)) return Poll.ready(null);
    return Poll.pending();
  }

  /** Closes the transport (best effort) and cancels the close timer. */
  private void closeTransport() {
    transportClosed = true;
    synchronized (lock) {
      if (closeTimer != null) {
        closeTimer.cancel();
        closeTimer = null;
      }
    }
    try {
      closer.close();
    } catch (Exception ignored) {
      // closing is best effort
    }
  }

  // ================================================================================ close timeout

  /** {@return whether the close timer is armed: for tests} */
  boolean closeTimerArmed() {
    synchronized (lock) {
      return closeTimer != null;
    }
  }

  /**
   * Arms the close timer at the first call once the close frame is queued (and the transport is
   * open); {@return whether it fired} Without a runtime clock there is no timer. Caller holds the
   * lock.
   */
  private boolean closeTimerFiredLocked() {
    if (!closeSent || transportClosed) return false;
    if (closeTimer == null) {
      try {
        Time.now(); // throws outside a runtime with time enabled
      } catch (IllegalStateException noTimers) {
        return false; // not in a runtime with time enabled: the handshake has no time limit
      }
      closeTimer = Time.sleep(config.closeTimeout()); // saturating; deadline from the poll below
      if (closeCx == null) closeCx = new Context(this::wakeCloseWaiters);
      // writers already waiting since before the close must hear of the timeout too
      for (Waker w : waiters) addCloseWaiter(w);
    }
    return closeTimer.poll(closeCx).isReady();
  }

  /**
   * If the close timer fired, gives up on the close handshake: drops what is queued, closes the
   * transport and wakes everyone waiting. {@return whether the handshake timed out} Caller holds
   * the lock.
   */
  private boolean closeTimedOutLocked() {
    if (closeTimedOut) return true;
    if (!closeTimerFiredLocked()) return false;
    closeTimedOut = true;
    outq.clear();
    lastPong = null;
    needFlush = false;
    closeTransport();
    wakeWaiters(null);
    wakeCloseWaiters();
    return true;
  }

  /**
   * For a poll that is pending on something other than the write queue: registers {@code cx} to be
   * woken by the close timer, then checks it. {@return whether the close handshake timed out}
   */
  private boolean closeTimedOutWhileWaiting(Context cx) {
    if (!closeSent) return false;
    addCloseWaiter(cx.waker());
    synchronized (lock) {
      return closeTimedOutLocked();
    }
  }

  private WebSocketException closeTimeoutException() {
    return new WebSocketException(
        ABNORMAL_CLOSURE,
        "close handshake timed out after "
            + config.closeTimeout().toMillis()
            + " ms; the transport was closed");
  }

  private void addCloseWaiter(Waker w) {
    synchronized (closeWaitLock) {
      for (Waker x : closeWaiters) {
        if (x == w) return;
      }
      closeWaiters.add(w);
    }
  }

  /** The close timer's waker: wakes every close waiter and the stream's task. */
  private void wakeCloseWaiters() {
    Waker[] ws;
    synchronized (closeWaitLock) {
      ws = closeWaiters.toArray(new Waker[0]);
      closeWaiters.clear();
    }
    for (Waker w : ws) w.wake();
    Waker r = readerWaker;
    if (r != null) r.wake();
  }

  // ======================================================================================= sending

  /**
   * {@return a future that completes once {@code message} (and everything queued before it) has
   * been written to the transport}
   *
   * <p>The frame is queued at once, so messages are sent in the order of the {@code send} calls
   * even if their futures are polled in another order. Sending {@link Message.Close} starts the
   * close handshake, as {@link #close(int, String)}.
   *
   * <p><b>Cancel safety:</b> cancelling does not take the message back; it only stops waiting.
   *
   * @param message the message
   * @throws IllegalArgumentException (from the future) if a control frame's data is over 125 bytes
   *     or a close code may not be sent
   */
  public Future<Void> send(Message message) {
    Objects.requireNonNull(message, "message");
    try {
      ByteBuffer frame =
          switch (message) {
            case Message.Text t -> encode(OP_TEXT, t.text().getBytes(StandardCharsets.UTF_8));
            case Message.Binary b -> encode(OP_BINARY, b.data());
            case Message.Ping p -> encode(OP_PING, control(p.data()));
            case Message.Pong p -> encode(OP_PONG, control(p.data()));
            case Message.Close c -> encode(OP_CLOSE, closePayload(c.code(), c.reason()));
          };
      synchronized (lock) {
        if (closeSent) throw new IOException("WebSocket close frame already sent");
        if (message instanceof Message.Close) closeSent = true;
        outq.add(frame);
      }
    } catch (Exception e) {
      return Futures.failed(e);
    }
    return flushFuture();
  }

  /**
   * {@return a future that sends a close frame, starting the close handshake} Keep polling the
   * stream: from now on it discards the peer's data, ping and pong frames, and ends once the peer's
   * close frame arrives, after the transport is closed. If the handshake does not finish within
   * {@link WebSocketConfig#closeTimeout()}, the transport is closed anyway and the stream (and this
   * future, if the frame could not be written by then) fails with a {@link WebSocketException} of
   * code {@link #ABNORMAL_CLOSURE}; see the class description.
   *
   * @param code the status code, e.g. {@link #NORMAL_CLOSURE}; {@link #NO_STATUS} sends an empty
   *     close frame
   * @param reason the reason, at most 123 bytes in UTF-8
   */
  public Future<Void> close(int code, String reason) {
    return send(new Message.Close(code, reason));
  }

  /** {@return a future that completes when every queued frame has been written and flushed} */
  public Future<Void> flush() {
    return flushFuture();
  }

  private Future<Void> flushFuture() {
    return this::pollFlushQueue;
  }

  private static byte[] control(byte[] data) {
    if (data.length > 125) {
      throw new IllegalArgumentException("control frame data over 125 bytes: " + data.length);
    }
    return data;
  }

  private static byte[] closePayload(int code, String reason) {
    if (code == NO_STATUS) {
      if (!reason.isEmpty()) {
        // 1005 is sent as a close frame without a body (RFC 6455 section 7.4.1): no room for one
        throw new IllegalArgumentException(
            "1005 (no status code) sends a close frame without a body, so it cannot carry the"
                + " reason \""
                + reason
                + "\"; give a sendable code such as 1000 (normal closure)");
      }
      return EMPTY;
    }
    if (!isSendableCloseCode(code)) throw new IllegalArgumentException("bad close code " + code);
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    if (r.length > 123) throw new IllegalArgumentException("close reason over 123 bytes");
    byte[] p = new byte[2 + r.length];
    p[0] = (byte) (code >> 8);
    p[1] = (byte) code;
    System.arraycopy(r, 0, p, 2, r.length);
    return p;
  }

  /**
   * {@return whether {@code code} may appear in a close frame} 1000-1003, 1007-1014 (registered)
   * and 3000-4999 (libraries and applications).
   *
   * @param code the close code
   */
  public static boolean isSendableCloseCode(int code) {
    return (code >= 1000 && code <= 1003)
        || (code >= 1007 && code <= 1014)
        || (code >= 3000 && code <= 4999);
  }

  private ByteBuffer encode(int opcode, byte[] payload) {
    return encodeFrame(true, opcode, payload, clientMode ? RANDOM.nextInt() : null);
  }

  /**
   * Encodes one frame.
   *
   * @param mask the masking key, or null for an unmasked frame
   */
  static ByteBuffer encodeFrame(boolean fin, int opcode, byte[] payload, Integer mask) {
    int n = payload.length;
    int header = 2 + (n < 126 ? 0 : n <= 0xFFFF ? 2 : 8) + (mask != null ? 4 : 0);
    ByteBuffer b = ByteBuffer.allocate(header + n);
    b.put((byte) ((fin ? 0x80 : 0) | opcode));
    int maskBit = mask != null ? 0x80 : 0;
    if (n < 126) {
      b.put((byte) (maskBit | n));
    } else if (n <= 0xFFFF) {
      b.put((byte) (maskBit | 126)).putShort((short) n);
    } else {
      b.put((byte) (maskBit | 127)).putLong(n);
    }
    if (mask != null) {
      int m = mask;
      b.putInt(m);
      byte[] key = {(byte) (m >>> 24), (byte) (m >>> 16), (byte) (m >>> 8), (byte) m};
      for (int i = 0; i < n; i++) b.put((byte) (payload[i] ^ key[i & 3]));
    } else {
      b.put(payload);
    }
    return b.flip();
  }

  private Poll<Void> pollFlushQueue(Context cx) throws IOException {
    synchronized (lock) {
      return flushLocked(cx);
    }
  }

  /**
   * Writes the queue out; ready once it is empty and flushed. Caller holds the lock.
   *
   * <p>The transport remembers only the last writer's waker, so every writer that sees pending also
   * waits in {@link #waiters}; whoever makes progress wakes the others, which then poll again (and
   * one of them registers with the transport again).
   */
  private Poll<Void> flushLocked(Context cx) throws IOException {
    if (closeSent && closeTimedOutLocked()) throw closeTimeoutException();
    boolean progress = false;
    Poll<Void> result = Poll.ready(null);
    try {
      while (!outq.isEmpty()) {
        ByteBuffer head = outq.peek();
        int before = head.remaining();
        Poll<Void> p = out.pollWrite(cx, head);
        if (head.remaining() < before) {
          progress = true;
          needFlush = true;
        }
        if (p.isPending()) {
          result = Poll.pending();
          return result;
        }
        if (head.remaining() == before) throw new IOException("failed to write whole frame");
        if (!head.hasRemaining()) outq.poll();
      }
      if (needFlush) {
        if (out.pollFlush(cx).isPending()) {
          result = Poll.pending();
          return result;
        }
        needFlush = false;
      }
      return result;
    } catch (IOException | RuntimeException e) {
      wakeWaiters(null); // let the other writers see the failure
      throw e;
    } finally {
      Waker self = cx.waker();
      if (progress) wakeWaiters(self);
      if (result.isPending()) {
        addWaiter(self);
        if (closeSent) addCloseWaiter(self);
      }
    }
  }

  private void addWaiter(Waker w) {
    for (Waker x : waiters) {
      if (x == w) return;
    }
    waiters.add(w);
  }

  private void wakeWaiters(Waker self) {
    if (waiters.isEmpty()) return;
    Waker[] ws = waiters.toArray(new Waker[0]);
    waiters.clear();
    for (Waker w : ws) {
      if (w != self) w.wake();
    }
  }

  // ======================================================================================= reading

  @Override
  public Poll<Message> pollNext(Context cx) throws Exception {
    if (done) return Stream.end();
    readerWaker = cx.waker();
    try {
      return pollMessage(cx);
    } catch (IOException e) {
      if (!done && closeTimedOut && failure == null && closeReceived == null) {
        // the transport was closed under a read or write when the close handshake timed out
        done = true;
        throw closeTimeoutException();
      }
      throw e;
    }
  }

  private Poll<Message> pollMessage(Context cx) throws Exception {
    while (true) {
      if (failure != null || closeReceived != null) return pollTerminate(cx);
      if (closeSent) {
        boolean timedOut;
        synchronized (lock) {
          timedOut = closeTimedOutLocked();
        }
        if (timedOut) {
          done = true;
          throw closeTimeoutException();
        }
      }
      synchronized (lock) {
        if (!outq.isEmpty() || needFlush) flushLocked(cx); // pongs; pending is fine here
      }
      Message m = decodeFrame();
      if (m != null) return Poll.ready(m);
      if (failure != null || closeReceived != null) continue;
      // need more bytes
      rbuf.compact();
      try {
        if (!rbuf.hasRemaining()) {
          throw new IllegalStateException("read buffer full");
        }
        int before = rbuf.position();
        Poll<Void> p = in.pollRead(cx, rbuf);
        if (p.isPending()) return Poll.pending();
        if (rbuf.position() == before) {
          // end of stream
          boolean sent;
          synchronized (lock) {
            sent = closeSent;
          }
          done = true;
          closeTransport();
          if (closeTimedOut) throw closeTimeoutException();
          if (sent) return Stream.end();
          throw new WebSocketException(ABNORMAL_CLOSURE, "connection closed without close frame");
        }
      } finally {
        rbuf.flip();
      }
    }
  }

  private Poll<Message> pollTerminate(Context cx) throws Exception {
    // On a close timeout the transport is closed: the failure or the peer's close still stands.
    if (!closeTimedOut) {
      try {
        synchronized (lock) {
          if (flushLocked(cx).isPending()) return Poll.pending();
        }
        if (!transportClosed) {
          if (out.pollShutdown(cx).isPending()) {
            if (!closeTimedOutWhileWaiting(cx)) return Poll.pending();
          } else {
            closeTransport();
          }
        }
      } catch (IOException e) {
        if (!closeTimedOut) throw e;
      }
    }
    done = true;
    if (failure != null) throw failure;
    return Poll.ready(closeReceived);
  }

  private void fail(int code, String reason) {
    failure = new WebSocketException(code, reason);
    synchronized (lock) {
      if (!closeSent) {
        closeSent = true;
        outq.add(encode(OP_CLOSE, closePayload(code, reason)));
      }
    }
  }

  /** Makes room for {@code total} buffered bytes. */
  private void ensureCapacity(int total) {
    if (rbuf.capacity() >= total) return;
    ByteBuffer bigger = ByteBuffer.allocate(Math.max(total, rbuf.capacity() * 2));
    bigger.put(rbuf).flip();
    rbuf = bigger;
  }

  /**
   * Decodes one frame from the buffer. Returns a message to deliver, or null: either more bytes are
   * needed, or the frame was consumed without a message (a fragment), or failure/close was set.
   */
  private Message decodeFrame() {
    while (true) {
      ByteBuffer b = rbuf;
      int avail = b.remaining();
      if (avail < 2) {
        return null;
      }
      int pos = b.position();
      int b0 = b.get(pos) & 0xFF;
      int b1 = b.get(pos + 1) & 0xFF;
      boolean fin = (b0 & 0x80) != 0;
      int rsv = (b0 >> 4) & 0x7;
      int opcode = b0 & 0xF;
      boolean masked = (b1 & 0x80) != 0;
      int len7 = b1 & 0x7F;
      int extra = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
      int headerLen = 2 + extra + (masked ? 4 : 0);
      // checks that need only the first two bytes
      if (rsv != 0) {
        fail(PROTOCOL_ERROR, "reserved bits set without an extension");
        return null;
      }
      boolean control = opcode >= 8;
      if (!(opcode <= OP_BINARY || (opcode >= OP_CLOSE && opcode <= OP_PONG))) {
        fail(PROTOCOL_ERROR, "unknown opcode " + opcode);
        return null;
      }
      if (control && !fin) {
        fail(PROTOCOL_ERROR, "fragmented control frame");
        return null;
      }
      if (control && len7 > 125) {
        fail(PROTOCOL_ERROR, "control frame longer than 125 bytes");
        return null;
      }
      if (!clientMode && !masked) {
        fail(PROTOCOL_ERROR, "unmasked frame from client");
        return null;
      }
      if (clientMode && masked) {
        fail(PROTOCOL_ERROR, "masked frame from server");
        return null;
      }
      if (opcode == OP_CONT && msgOpcode < 0) {
        fail(PROTOCOL_ERROR, "continuation frame without a message in progress");
        return null;
      }
      if ((opcode == OP_TEXT || opcode == OP_BINARY) && msgOpcode >= 0) {
        fail(PROTOCOL_ERROR, "new data frame inside a fragmented message");
        return null;
      }
      if (avail < headerLen) {
        ensureCapacity(headerLen);
        return null;
      }
      long len;
      if (len7 == 126) {
        len = b.getShort(pos + 2) & 0xFFFF;
      } else if (len7 == 127) {
        len = b.getLong(pos + 2);
        if (len < 0) {
          fail(PROTOCOL_ERROR, "64-bit frame length with the top bit set");
          return null;
        }
      } else {
        len = len7;
      }
      // The second bound keeps header + payload within one Java array, whatever maxFrameSize is
      // (Integer.MAX_VALUE as "no limit" would otherwise overflow the frame's total length).
      if (len > config.maxFrameSize() || len > MAX_ARRAY - headerLen) {
        fail(MESSAGE_TOO_BIG, "frame of " + len + " bytes over the limit");
        return null;
      }
      if (!control && (long) msgLen + len > config.maxMessageSize()) {
        fail(MESSAGE_TOO_BIG, "message over the limit of " + config.maxMessageSize() + " bytes");
        return null;
      }
      int total = headerLen + (int) len;
      if (avail < total) {
        ensureCapacity(total);
        return null;
      }
      byte[] payload = new byte[(int) len];
      b.position(pos + headerLen);
      b.get(payload);
      if (masked) {
        int k = pos + headerLen - 4;
        byte[] key = {b.get(k), b.get(k + 1), b.get(k + 2), b.get(k + 3)};
        for (int i = 0; i < payload.length; i++) payload[i] ^= key[i & 3];
      }
      Message m = onFrame(fin, opcode, payload);
      if (m != null || failure != null || closeReceived != null) return m;
      // a fragment was consumed: go on with the next frame in the buffer
    }
  }

  private Message onFrame(boolean fin, int opcode, byte[] payload) {
    if (opcode != OP_CLOSE && closeSent) return discard(fin, opcode);
    switch (opcode) {
      case OP_PING -> {
        synchronized (lock) {
          if (!closeSent) {
            // RFC 6455 5.5.3: answering the latest ping is enough. A pong still waiting at the
            // tail of the queue is replaced, so a peer that pings without reading cannot grow it.
            ByteBuffer last = outq.peekLast();
            if (last != null && last == lastPong && last.position() == 0) outq.pollLast();
            lastPong = encode(OP_PONG, payload);
            outq.add(lastPong);
          }
        }
        return new Message.Ping(payload);
      }
      case OP_PONG -> {
        return new Message.Pong(payload);
      }
      case OP_CLOSE -> {
        return onClose(payload);
      }
      case OP_TEXT, OP_BINARY -> {
        if (opcode == OP_TEXT) {
          utf8.reset();
          if (!utf8.feed(payload, 0, payload.length) || (fin && !utf8.isComplete())) {
            fail(INVALID_PAYLOAD, "text is not valid UTF-8");
            return null;
          }
        }
        if (fin) {
          return opcode == OP_TEXT
              ? new Message.Text(new String(payload, StandardCharsets.UTF_8))
              : new Message.Binary(payload);
        }
        msgOpcode = opcode;
        append(payload);
        return null;
      }
      default -> {
        // continuation
        if (msgOpcode == OP_TEXT && !utf8.feed(payload, 0, payload.length)) {
          fail(INVALID_PAYLOAD, "text is not valid UTF-8");
          return null;
        }
        append(payload);
        if (!fin) return null;
        if (msgOpcode == OP_TEXT && !utf8.isComplete()) {
          fail(INVALID_PAYLOAD, "text ends inside a UTF-8 sequence");
          return null;
        }
        byte[] whole = Arrays.copyOf(msg, msgLen);
        Message m =
            msgOpcode == OP_TEXT
                ? new Message.Text(new String(whole, StandardCharsets.UTF_8))
                : new Message.Binary(whole);
        msgOpcode = -1;
        msgLen = 0;
        msg = EMPTY;
        return m;
      }
    }
  }

  /**
   * Drops a frame that arrived after this end sent its close frame (RFC 6455 §1.4), keeping track
   * of fragmentation only, so that the framing rules still hold. {@return null}
   */
  private Message discard(boolean fin, int opcode) {
    msgLen = 0;
    msg = EMPTY;
    if (opcode == OP_TEXT || opcode == OP_BINARY) {
      if (!fin) msgOpcode = opcode;
    } else if (opcode == OP_CONT && fin) {
      msgOpcode = -1;
    }
    return null;
  }

  private void append(byte[] payload) {
    if (msgLen + payload.length > msg.length) {
      msg = Arrays.copyOf(msg, Math.max(msgLen + payload.length, msg.length * 2));
    }
    System.arraycopy(payload, 0, msg, msgLen, payload.length);
    msgLen += payload.length;
  }

  private Message onClose(byte[] payload) {
    int code;
    String reason;
    if (payload.length == 0) {
      code = NO_STATUS;
      reason = "";
    } else if (payload.length == 1) {
      fail(PROTOCOL_ERROR, "close frame with a one-byte payload");
      return null;
    } else {
      code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
      if (!isSendableCloseCode(code)) {
        fail(PROTOCOL_ERROR, "invalid close code " + code);
        return null;
      }
      if (!Utf8Validator.isValid(payload, 2, payload.length - 2)) {
        fail(INVALID_PAYLOAD, "close reason is not valid UTF-8");
        return null;
      }
      reason = new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }
    synchronized (lock) {
      if (!closeSent) {
        closeSent = true;
        outq.add(encode(OP_CLOSE, code == NO_STATUS ? EMPTY : closePayload(code, "")));
      }
    }
    closeReceived = new Message.Close(code, reason);
    return null;
  }

  /** Closes the transport at once, without a close handshake. */
  @Override
  public void cancel() {
    done = true;
    closeTransport();
  }

  @Override
  public String toString() {
    return "WebSocket[" + (clientMode ? "client" : "server") + ", protocol=" + protocol + "]";
  }
}
