package io.kyoto.web.internal.server;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Sleep;
import io.kyoto.runtime.ThrowingFunction;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.io.AsyncRead;
import io.kyoto.runtime.io.AsyncWrite;
import io.kyoto.runtime.service.Service;
import io.kyoto.runtime.stream.Stream;
import io.kyoto.web.Body;
import io.kyoto.web.Headers;
import io.kyoto.web.HttpException;
import io.kyoto.web.Method;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import io.kyoto.web.Status;
import io.kyoto.web.Upgraded;
import io.kyoto.web.Version;
import io.kyoto.web.internal.h1.H1Limits;
import io.kyoto.web.internal.h1.RequestHead;
import io.kyoto.web.internal.h1.RequestHeadParser;
import io.kyoto.web.internal.io.BodyDecoder;
import io.kyoto.web.internal.io.InBuffer;
import io.kyoto.web.internal.io.OutBuffer;
import io.kyoto.web.internal.io.UpgradedConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 server connection: hyper's dispatcher as a single hand-written state machine polled
 * by the connection's task. It reads and strictly parses request heads, calls the service, writes
 * responses in request order (pipelined responses are batched into one write), streams bodies both
 * ways with backpressure, and closes where RFC 9112 requires.
 *
 * <p>The request body reads the connection's buffer and socket directly; the connection does not
 * touch the read side again until the response is complete, so the application may read the body
 * from another task.
 */
public final class H1Connection implements Future<Void> {
  /** Looked up on first use: {@code System.getLogger} costs tens of ms at start-up. */
  private static final class Log {
    static final System.Logger LOG = System.getLogger("io.kyoto.web.HttpServer");

    private Log() {}
  }

  private static final int FLUSH_THRESHOLD = 8 * 1024;
  private static final int LINGER_MAX_BYTES = 64 * 1024;
  private static final byte[] CONTINUE =
      "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  // IncomingBody's 100 Continue states
  private static final int NOT_NEEDED = -1;
  private static final int NEEDED = 0;
  private static final int REQUESTED = 1;
  private static final int QUEUED = 2;
  private static final int SENT = 3;
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private enum State {
    READ_HEAD,
    READY,
    RESPOND,
    WRITE_BODY,
    UPGRADE,
    CLOSE,
    LINGER,
    DONE
  }

  private final AsyncRead reader;
  private final AsyncWrite writer;
  private final AsyncWrite transport; // the write side under any TLS: `writer` for plain TCP
  private final AutoCloseable closer;
  private final Service<Request, Response> service;
  private final ServerConfig config;
  private final ServerContext server;
  private final InetSocketAddress remote;
  private final RequestHeadParser parser;

  private final InBuffer in;
  private final OutBuffer out = new OutBuffer();
  private State state = State.READ_HEAD;

  // the exchange in flight
  private RequestHead head;
  private IncomingBody requestBody;
  private Future<Response> responseFuture;
  private Response response;
  private Body responseBody;
  private boolean chunkedOut;
  private long bodyRemainingOut; // for a streamed body with a declared length, else -1
  private long responseMark; // where the response being written starts in the output
  private final ServerCounters counters;
  private boolean keepAlive;

  // timers
  private Sleep timer;
  private long idleSince;
  private long headStartedAt = -1;
  private Future<Void> shutdownSignal;
  private int lingered;
  private boolean lingerOnClose;
  private boolean closed;
  // A response was cut off by its body's failure: the connection must not end as a whole response
  // would, so under TLS it ends without close_notify (the only sign of truncation a close-delimited
  // body has, RFC 9112 section 9.8), as when hyper drops a connection whose body failed.
  private boolean cutOff;

  // the send timeout: while a write is pending, when the client last took bytes (-1: no write is
  // pending), how many bytes it had taken then, and the wake-up at the deadline
  // a 100 Continue is queued in `out`: the request body may be read once it is flushed
  private boolean continueInOut;

  private long stalledSince = -1;
  private long stalledAt;
  private Sleep sendTimer;

  /**
   * Creates the connection.
   *
   * @param reader the read side of the transport
   * @param writer the write side
   * @param closer closes the transport
   * @param remote the peer address, or null
   * @param service the application
   * @param config the server settings
   * @param server the server's shared state (shutdown, accounting)
   */
  public H1Connection(
      AsyncRead reader,
      AsyncWrite writer,
      AutoCloseable closer,
      InetSocketAddress remote,
      Service<Request, Response> service,
      ServerConfig config,
      ServerContext server) {
    this(reader, writer, writer, closer, remote, service, config, server);
  }

  /**
   * Creates the connection over a transport that may be wrapped (TLS).
   *
   * @param reader the read side of the transport
   * @param writer the write side
   * @param transport the write side of the connection under {@code writer} (the TCP stream under
   *     TLS, else {@code writer}): shut down directly, without TLS's {@code close_notify}, when a
   *     response body failed after part of the response was sent
   * @param closer closes the transport
   * @param remote the peer address, or null
   * @param service the application
   * @param config the server settings
   * @param server the server's shared state (shutdown, accounting)
   */
  public H1Connection(
      AsyncRead reader,
      AsyncWrite writer,
      AsyncWrite transport,
      AutoCloseable closer,
      InetSocketAddress remote,
      Service<Request, Response> service,
      ServerConfig config,
      ServerContext server) {
    this.reader = reader;
    this.writer = writer;
    this.transport = transport;
    this.closer = closer;
    this.remote = remote;
    this.service = service;
    this.config = config;
    this.server = server;
    this.counters = server.counters();
    this.parser = new RequestHeadParser(config.limits());
    H1Limits limits = config.limits();
    this.in = new InBuffer(reader, limits.maxRequestLineBytes() + limits.maxHeaderBytes() + 1024);
    this.idleSince = -1;
  }

  @Override
  public Poll<Void> poll(Context cx) throws Exception {
    try {
      return drive(cx);
    } catch (Exception e) {
      // Transport failures (reset, broken pipe) end the connection quietly.
      if (e instanceof SendTimeoutException) counters.sendTimeout();
      if (!(e instanceof IOException)) {
        Log.LOG.log(System.Logger.Level.WARNING, "HTTP connection failed", e);
      }
      closeNow();
      return Poll.ready(null);
    }
  }

  private Poll<Void> drive(Context cx) throws Exception {
    while (true) {
      switch (state) {
        case READ_HEAD -> {
          if (!readHead(cx)) return Poll.pending();
        }
        case READY -> {
          if (service.pollReady(cx).isPending()) return Poll.pending();
          // Before the application can hand the body to another task: its first read may ask
          // this task for a 100 Continue.
          if (requestBody != null) requestBody.connectionWaker(cx.waker());
          counters.request();
          Request request =
              new Request(head.method(), head.target(), head.headers())
                  .version(head.version())
                  .body(requestBody == null ? Body.empty() : requestBody)
                  .remoteAddress(remote);
          responseFuture = service.call(request);
          state = State.RESPOND;
        }
        case RESPOND -> {
          Response r;
          try {
            Poll<Response> p = responseFuture.poll(cx);
            if (p.isPending()) {
              r = null;
            } else {
              r = p.value();
              if (r == null) {
                throw new NullPointerException("the service returned a null response");
              }
            }
          } catch (Exception e) {
            // The failed future is dropped here: cancelled once, as tokio drops a panicked one.
            Future<Response> failed = responseFuture;
            responseFuture = null;
            cancelAfterFailure(failed, e);
            r = failureResponse(e);
          }
          if (r == null) {
            if (watchable() && clientLeft(cx)) {
              // The client closed the connection while its request was being handled: nobody is
              // left to answer, so the handler is cancelled (hyper drops its future) instead of
              // running to its end and holding a graceful shutdown back for it.
              counters.clientLeft();
              closeNow();
              return Poll.ready(null);
            }
            // A 100 Continue the body asked for goes out behind the earlier pipelined responses.
            if (requestBody != null) requestBody.queueRequestedContinue();
            // Output of earlier pipelined responses should not wait for a slow handler. Outside
            // the try: a send timeout here ends the connection, it is not the service's failure.
            if (!out.isEmpty()) flush(cx);
            return Poll.pending();
          }
          responseFuture = null;
          startResponse(r);
        }
        case WRITE_BODY -> {
          if (!writeBody(cx)) return Poll.pending();
        }
        case UPGRADE -> {
          if (!flush(cx)) return Poll.pending();
          handOver();
          return Poll.ready(null);
        }
        case CLOSE -> {
          // Every wait on the client here is bounded by the send timeout: the rest of the final
          // response, then (TLS) the records and close_notify still queued in the stream. Once
          // the output is out, flush() is not called again: its success would restart the clock
          // of a shutdown that waits.
          if (!out.isEmpty() && !flush(cx)) return Poll.pending();
          Poll<Void> s;
          if (cutOff && transport != writer) {
            // The records already made go out, then the socket's write side closes: the client
            // sees the end of the connection but no close_notify, so no clean end of the body.
            s = writer.pollFlush(cx);
            if (s.isReady()) s = transport.pollShutdown(cx);
          } else {
            s = writer.pollShutdown(cx);
          }
          if (s.isPending()) {
            awaitWritable(cx);
            return Poll.pending();
          }
          writeDone();
          if (!lingerOnClose && !in.buffer().hasRemaining()) {
            // Nothing unread that could turn the close into a reset: close at once.
            closeNow();
            return Poll.ready(null);
          }
          state = State.LINGER;
          lingered = 0;
          armTimer(Time.now() + config.lingerTimeout().toNanos());
        }
        case LINGER -> {
          if (!linger(cx)) return Poll.pending();
          closeNow();
          return Poll.ready(null);
        }
        case DONE -> {
          return Poll.ready(null);
        }
      }
    }
  }

  /**
   * While a request without a body (or whose body was read to its end) is answered (its response
   * future, or a streamed body that waits for its next chunk): reads what the client sends
   * meanwhile (the next pipelined request, kept for later) and {@return whether it closed its side
   * or reset the connection} A client that half-closes after its request is taken for gone, as by
   * hyper's default ({@code h1_half_close(false)}), unless the server allows half-closed clients:
   * then the answer goes out and the connection closes after it. A request with a body is watched
   * only once the application has read the body to its end ({@link #watchable()}). Pending reads
   * only register interest, so a handler that is simply slow costs nothing.
   */
  private boolean peerHalfClosed; // halfClose(true): the client's end of stream was seen

  /**
   * {@return whether the connection may read while the request is answered} Without a request body,
   * or once the application has read its body to the end: before that, the body's chunks are views
   * into the connection's buffer, which a read here could overwrite, and the application may be
   * reading it on another task.
   */
  private boolean watchable() {
    return requestBody == null || requestBody.endSeen();
  }

  private boolean clientLeft(Context cx) {
    try {
      while (!peerHalfClosed && in.hasRoom()) {
        int n = in.fill(cx);
        if (n < 0) return false; // nothing more now; woken if the client writes or closes
        if (n == 0) {
          if (!config.halfClose()) return true; // end of stream: the client left
          peerHalfClosed = true; // it waits for the answer; no further request can come
          keepAlive = false;
          return false;
        }
      }
      return false; // a pipelined backlog fills the buffer: read no further until it is served
    } catch (IOException e) {
      return true; // reset
    }
  }

  // ---- reading a head ------------------------------------------------------------------------

  /** Returns true when the state moved on, false when pending. */
  private boolean readHead(Context cx) throws Exception {
    while (true) {
      // A large body still queued must go out before the next response head, and deep pipelines
      // are answered in batches of at most FLUSH_THRESHOLD bytes.
      if ((out.hasLarge() || out.buffered() >= FLUSH_THRESHOLD) && !flush(cx)) return false;
      ByteBuffer rbuf = in.buffer();
      if (rbuf.hasRemaining()) {
        RequestHead h;
        try {
          h = parser.parse(rbuf);
        } catch (HttpException e) {
          reject(e.status(), e.getMessage());
          return true;
        }
        if (h != null) {
          beginExchange(h);
          return true;
        }
      } else if (server.isShuttingDown()) {
        state = State.CLOSE;
        return true;
      }
      // Need more input: first send what pipelined responses produced.
      if (!out.isEmpty() && !flush(cx)) return false;
      boolean partial = rbuf.hasRemaining();
      int n = in.fill(cx);
      if (n == 0) {
        // EOF. A clean close between requests; mid-head the client gave up.
        if (partial) {
          state = State.CLOSE;
        } else {
          closeNow();
        }
        return true;
      }
      if (n > 0) continue; // the header-read clock starts at the first wait on a partial head
      // Pending: watch the shutdown signal and the clock. No request is in flight, idle or
      // mid-head, so graceful shutdown closes the connection at once; a partial head is dropped
      // unanswered and never reaches the application (as hyper).
      // Registered once: the task's waker stays valid, so later waits only read the flag instead
      // of taking the token's lock on every request.
      boolean stopping;
      if (shutdownSignal == null) {
        shutdownSignal = server.shutdownSignal();
        stopping = shutdownSignal.poll(cx).isReady();
      } else {
        stopping = server.isShuttingDown();
      }
      if (stopping) {
        in.discard(); // nothing unread is left to linger for: close at once
        state = State.CLOSE;
        return true;
      }
      long now = Time.now();
      long deadline;
      if (partial) {
        if (headStartedAt < 0) headStartedAt = now;
        deadline = headStartedAt + config.headerReadTimeout().toNanos();
      } else {
        // Idle between requests: hold no buffer while waiting (10,000 idle keep-alive
        // connections then cost a few hundred bytes each, not 32 KiB).
        in.releaseIfEmpty();
        out.releaseIfEmpty();
        if (idleSince < 0) idleSince = now;
        deadline = idleSince + config.keepAliveTimeout().toNanos();
      }
      if (timerExpired(cx, now, deadline)) {
        if (partial) {
          counters.headerReadTimeout();
          reject(Status.REQUEST_TIMEOUT, "request head not received in time");
        } else {
          state = State.CLOSE;
        }
        return true;
      }
      return false;
    }
  }

  private boolean timerExpired(Context cx, long now, long deadline) {
    if (now >= deadline) return true;
    if (timer == null || timer.isElapsed() || timer.deadline() > deadline) armTimer(deadline);
    if (timer.poll(cx).isPending()) return false;
    if (timer.deadline() >= deadline) return true;
    // An earlier, shorter wait's timer fired: wait for the real deadline.
    armTimer(deadline);
    return timer.poll(cx).isReady();
  }

  private void armTimer(long deadline) {
    if (timer != null) timer.cancel();
    timer = Time.sleepUntil(deadline);
  }

  private void beginExchange(RequestHead h) {
    head = h;
    keepAlive = h.keepAlive() && !server.isShuttingDown();
    headStartedAt = -1;
    idleSince = -1;
    if (h.chunked() || h.contentLength() > 0) {
      if (h.contentLength() > config.maxBodyBytes()) {
        // Refuse before the application runs (and before any 100 Continue).
        reject(
            Status.CONTENT_TOO_LARGE,
            "request body of "
                + h.contentLength()
                + " bytes exceeds the limit of "
                + config.maxBodyBytes());
        return;
      }
      requestBody =
          new IncomingBody(
              h.chunked()
                  ? BodyDecoder.chunked(config.limits(), config.maxBodyBytes())
                  : BodyDecoder.ofLength(h.contentLength()),
              h.chunked() ? -1 : h.contentLength(),
              h.expectContinue());
    } else {
      requestBody = null;
    }
    state = State.READY;
  }

  // ---- writing a response -------------------------------------------------------------------

  private Response failureResponse(Exception e) {
    if (e instanceof HttpException he) {
      if (requestBody != null && !requestBody.done()) keepAlive = false;
      return Response.text(he.getMessage() + "\n").status(he.status());
    }
    // tower's middleware failures have a status of their own (FailureStatus, shared with the
    // router and the access log): a timeout (Timeout layer, or Time.timeout) is 504, shed load or
    // a closed buffer is 503.
    Status mapped = io.kyoto.web.internal.FailureStatus.of(e);
    if (mapped.code() == 504) {
      if (requestBody != null && !requestBody.done()) keepAlive = false;
      return Response.text("Gateway Timeout\n").status(Status.GATEWAY_TIMEOUT);
    }
    if (mapped.code() == 503) {
      if (requestBody != null && !requestBody.done()) keepAlive = false;
      return Response.text("Service Unavailable\n")
          .status(Status.SERVICE_UNAVAILABLE)
          .header("retry-after", "1");
    }
    if (e instanceof java.io.IOException && requestBody != null && !requestBody.done()) {
      // The client went away (or reset) in the middle of its own request body: not an
      // application failure, and there is nobody left to answer.
      Log.LOG.log(System.Logger.Level.DEBUG, "request body of " + head.target() + " cut off", e);
      keepAlive = false;
      return Response.text("request body incomplete\n").status(Status.BAD_REQUEST);
    }
    counters.failure();
    Log.LOG.log(
        System.Logger.Level.WARNING,
        "service failed on " + head.method() + " " + head.target() + "; answering 500",
        e);
    keepAlive = false;
    return Response.text("Internal Server Error\n").status(Status.INTERNAL_SERVER_ERROR);
  }

  /** Answers a request that will not reach the application, then closes. */
  private void reject(Status status, String message) {
    counters.rejected();
    keepAlive = false;
    head = null;
    requestBody = null;
    in.discard(); // never parse bytes after a framing error
    lingerOnClose = true; // the client may still be sending
    Response r = Response.text(message + "\n").status(status);
    writeHead(r, Version.HTTP_1_1, false, r.body().contentLength(), false);
    out.putBody(((Body.Full) r.body()).content(), null);
    state = State.CLOSE;
  }

  private void startResponse(Response r) {
    response = r;
    Status status = r.status();
    Version version = head.version();
    if (server.isShuttingDown()) keepAlive = false;
    if (r.headers().containsToken("connection", "close")) keepAlive = false;

    boolean upgrading = status.code() == 101 && r.upgradeHandler() != null;
    if (upgrading && !head.upgrade()) {
      Log.LOG.log(
          System.Logger.Level.WARNING,
          "101 response to a request that cannot be upgraded (no Connection: upgrade and"
              + " Upgrade fields, HTTP/1.0, or a request body); answering 500");
      r.body().cancel();
      r = Response.text("Internal Server Error\n").status(Status.INTERNAL_SERVER_ERROR);
      response = r;
      status = r.status();
      upgrading = false;
      keepAlive = false;
    }
    if (status.isInformational() && !upgrading) {
      // A 1xx is interim: the client would wait for a final response that never comes (hyper
      // answers 500 too). A 101 without an upgrade handler has no protocol to switch to.
      Log.LOG.log(
          System.Logger.Level.WARNING,
          "the application answered "
              + head.method()
              + " "
              + head.target()
              + " with "
              + status.code()
              + ", which is not a final response; answering 500");
      r.body().cancel();
      r = Response.text("Internal Server Error\n").status(Status.INTERNAL_SERVER_ERROR);
      response = r;
      status = r.status();
      keepAlive = false;
    }
    Body body = r.body();
    boolean noBody =
        head.method() == Method.HEAD
            || status.isInformational()
            || status.code() == 204
            || status.code() == 304;
    long length = body.contentLength();
    String declared = r.headers().get("content-length");
    // A HEAD answer or a 304 sends no body, so an empty one says nothing about the length: the
    // declared Content-Length (what a GET would carry, RFC 9110 sections 8.6, 15.4.5) wins, as
    // in hyper.
    boolean bodilessAnswer = head.method() == Method.HEAD || status.code() == 304;
    if (declared != null && (length < 0 || (length == 0 && bodilessAnswer))) {
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        length = -1;
      }
    }
    boolean chunked = false;
    if (!noBody && length < 0) {
      if (version == Version.HTTP_1_1) {
        chunked = true;
      } else {
        keepAlive = false; // HTTP/1.0: close-delimited
      }
    }
    if (!upgrading && (noBody || body instanceof Body.Full)) {
      // The exchange ends with this head: settle the unread request body now, so a connection
      // that must close says so (RFC 9110 section 10.1.1).
      settleRequestBody();
    }
    // No 100 Continue may follow the final response head.
    if (requestBody != null) {
      requestBody.finalResponseQueued(!upgrading && !noBody && !(body instanceof Body.Full));
    }
    boolean sendLength =
        length >= 0
            && !(status.isInformational() || status.code() == 204)
            && !(status.code() == 304 && declared == null);
    // Heads are queued behind a flushed large body, so the mark is exact; -1 never truncates.
    responseMark = out.hasLarge() ? -1 : out.mark();
    writeHead(r, version, chunked, sendLength ? length : -1, upgrading);
    if (upgrading) {
      body.cancel();
      state = State.UPGRADE;
      return;
    }
    if (noBody) {
      body.cancel();
      finishExchange();
      return;
    }
    if (body instanceof Body.Full full) {
      out.putBody(full.content(), null);
      finishExchange();
      return;
    }
    responseBody = body;
    chunkedOut = chunked;
    bodyRemainingOut = chunked ? -1 : length;
    state = State.WRITE_BODY;
  }

  private void writeHead(
      Response r, Version version, boolean chunked, long contentLength, boolean upgrading) {
    Status status = r.status();
    counters.response(status.code());
    out.putAscii("HTTP/1.1 ");
    out.putDigits(status.code());
    out.put((byte) ' ');
    out.putAscii(status.reason());
    out.put(CRLF);
    Headers headers = r.headers();
    boolean userDate = false;
    for (int i = 0, n = headers.size(); i < n; i++) {
      String name = headers.name(i);
      if (name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("transfer-encoding")) {
        continue;
      }
      if (name.equalsIgnoreCase("connection") && !upgrading) continue;
      if (name.equalsIgnoreCase("date")) userDate = true;
      out.putAscii(name);
      out.put((byte) ':');
      out.put((byte) ' ');
      out.putAscii(headers.value(i));
      out.put(CRLF);
    }
    if (!userDate) out.put(DateCache.line());
    if (contentLength >= 0) {
      out.putAscii("content-length: ");
      out.putDigits(contentLength);
      out.put(CRLF);
    }
    if (chunked) out.putAscii("transfer-encoding: chunked\r\n");
    if (!upgrading) {
      if (!keepAlive) {
        out.putAscii("connection: close\r\n");
      } else if (version == Version.HTTP_1_0) {
        out.putAscii("connection: keep-alive\r\n");
      }
    }
    out.put(CRLF);
  }

  private boolean writeBody(Context cx) throws Exception {
    while (true) {
      if (out.buffered() >= FLUSH_THRESHOLD || out.hasLarge()) {
        if (!flush(cx)) return false;
      }
      Poll<ByteBuffer> p;
      try {
        p = responseBody.pollNext(cx);
      } catch (Exception e) {
        // The failed stream is dropped here, so it is cancelled once (the Stream contract).
        Body failed = responseBody;
        responseBody = null;
        cancelAfterFailure(failed, e);
        failBody(e);
        return true;
      }
      if (p.isPending()) {
        // Nothing to send yet: push out what we have (server-sent events rely on it).
        if (!out.isEmpty()) flush(cx);
        if (watchable() && clientLeft(cx)) {
          // A stream that waits (events, a long poll) would notice only at its next write, which
          // may never come: the client left, so the body is cancelled and the connection closed.
          counters.clientLeft();
          closeNow();
          return true;
        }
        return false;
      }
      if (Stream.isEnd(p)) {
        responseBody = null;
        if (chunkedOut) {
          out.put(LAST_CHUNK);
        } else if (bodyRemainingOut > 0) {
          failBody(
              new IllegalStateException(
                  "response body ended "
                      + bodyRemainingOut
                      + " bytes short of its declared length"));
          return true;
        }
        finishExchange();
        return true;
      }
      ByteBuffer chunk = p.value();
      int n = chunk.remaining();
      if (n == 0) continue;
      if (!chunkedOut) {
        if (bodyRemainingOut >= 0 && n > bodyRemainingOut) {
          Body failed = responseBody;
          responseBody = null;
          IllegalStateException e =
              new IllegalStateException("response body longer than its declared length");
          cancelAfterFailure(failed, e);
          failBody(e);
          return true;
        }
        if (bodyRemainingOut > 0) bodyRemainingOut -= n;
      } else {
        out.putHex(n);
        out.put(CRLF);
      }
      // A large chunk is written before the body is polled again, so it is still valid then.
      out.putBody(chunk, chunkedOut ? CRLF : null);
    }
  }

  /**
   * The response body failed (or broke its declared length). If nothing of this response has
   * reached the client yet, it is replaced by the failure's response (500 for an application
   * failure); otherwise the client gets what was sent and then the end of the connection, without
   * the last chunk or short of the declared length, which no client takes for a whole response;
   * under TLS the end comes without close_notify, which is what tells a close-delimited (HTTP/1.0)
   * body cut short from a whole one. In both cases the responses before it go out intact and the
   * connection closes.
   */
  private void failBody(Exception e) {
    keepAlive = false;
    if (out.truncate(responseMark)) {
      counters.withdrawResponse(response.status().code()); // its head is never sent
      Response r = failureResponse(e); // logs (and counts) the failure
      keepAlive = false;
      // As any answer: a 204 or 304 (an HttpException's status) goes out without a body.
      startResponse(r); // a full body: the exchange ends here
      return;
    }
    cutOff = true;
    counters.failure();
    Log.LOG.log(
        System.Logger.Level.WARNING,
        "response body of "
            + head.method()
            + " "
            + head.target()
            + " failed after part of it was sent; closing the connection",
        e);
    finishExchange();
  }

  private void finishExchange() {
    response = null;
    head = null;
    settleRequestBody();
    requestBody = null;
    if (!keepAlive) {
      state = State.CLOSE;
      return;
    }
    idleSince = -1;
    state = State.READ_HEAD;
  }

  /** Skips an unread request body if it is all buffered; otherwise the connection must close. */
  private void settleRequestBody() {
    if (requestBody != null && !requestBody.done()) {
      requestBody.abandon();
      if (!requestBody.skipBuffered()) {
        keepAlive = false;
        lingerOnClose = true; // the rest of the body may still be on its way
      }
    }
  }

  private void handOver() {
    ThrowingFunction<Upgraded, Future<Void>> handler = response.upgradeHandler();
    ByteBuffer leftover = in.takeRemaining();
    UpgradedConnection upgraded = new UpgradedConnection(reader, writer, closer, leftover);
    counters.upgrade();
    state = State.DONE;
    cancelTimer();
    Future<Void> protocol;
    try {
      protocol = handler.apply(upgraded);
    } catch (Exception e) {
      Log.LOG.log(System.Logger.Level.WARNING, "upgrade handler failed", e);
      upgraded.close();
      return;
    }
    server.spawnUpgraded(
        protocol.handle(
            (v, error) -> {
              if (error != null) {
                Log.LOG.log(System.Logger.Level.WARNING, "upgraded connection failed", error);
              }
              return null;
            }),
        upgraded::close);
  }

  // ---- closing ------------------------------------------------------------------------------

  private boolean linger(Context cx) throws IOException {
    // Drain what the client still sends so closing does not reset the connection and destroy the
    // response it has not read yet (RFC 9112 section 9.6).
    while (true) {
      in.discard();
      int n;
      try {
        n = in.fill(cx);
      } catch (IOException e) {
        return true;
      }
      if (n < 0) {
        return timer == null || timer.poll(cx).isReady();
      }
      if (n == 0) return true; // EOF
      lingered += n;
      if (lingered > LINGER_MAX_BYTES) return true;
    }
  }

  private void closeNow() {
    if (closed) return;
    closed = true;
    state = State.DONE;
    cancelTimer();
    if (shutdownSignal != null) shutdownSignal.cancel();
    // The application's future, body and service may throw from cancel() or release(): each step
    // still runs, above all the socket's close, and what they threw is reported once.
    Throwable thrown = null;
    Future<Response> f = responseFuture;
    responseFuture = null;
    Body b = responseBody;
    responseBody = null;
    try {
      if (f != null) f.cancel();
    } catch (Throwable t) {
      thrown = t;
    }
    try {
      if (b != null) b.cancel();
    } catch (Throwable t) {
      thrown = collect(thrown, t);
    }
    try {
      // The connection's service handle may hold a reservation (a permit, a queue slot) from a
      // readiness that no call followed.
      service.release();
    } catch (Throwable t) {
      thrown = collect(thrown, t);
    }
    try {
      closer.close();
    } catch (Exception e) {
      Log.LOG.log(System.Logger.Level.DEBUG, "close failed", e);
    }
    if (thrown != null) {
      Log.LOG.log(
          System.Logger.Level.WARNING,
          "cancelling the application's response or releasing its service failed",
          thrown);
      if (thrown instanceof Error e) throw e;
    }
  }

  /** {@return {@code first}, with {@code later} suppressed into it; or {@code later} if none} */
  private static Throwable collect(Throwable first, Throwable later) {
    if (first == null) return later;
    if (later != first) first.addSuppressed(later);
    return first;
  }

  /** Cancels a future or stream whose poll threw; what its cancel() throws is suppressed. */
  private static void cancelAfterFailure(Object failed, Exception failure) {
    try {
      if (failed instanceof Future<?> f) {
        f.cancel();
      } else if (failed instanceof Stream<?> st) {
        st.cancel();
      }
    } catch (Throwable t) {
      if (t != failure) failure.addSuppressed(t);
    }
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
    if (sendTimer != null) {
      sendTimer.cancel();
      sendTimer = null;
    }
  }

  @Override
  public void cancel() {
    closeNow();
  }

  /**
   * Writes what is queued; returns false when the client takes no more for now. Throws once the
   * client has taken nothing for the send timeout, which ends the connection hard.
   */
  private boolean flush(Context cx) throws IOException {
    if (out.flush(cx, writer)) {
      writeDone();
      if (continueInOut) {
        continueInOut = false;
        if (requestBody != null) requestBody.continueSent();
      }
      return true;
    }
    awaitWritable(cx);
    return false;
  }

  /**
   * A write is pending: keeps the send-timeout clock, which restarts whenever the client took more
   * bytes, and arranges a wake-up at its deadline.
   *
   * @throws SendTimeoutException once the client has taken nothing for the send timeout
   */
  private void awaitWritable(Context cx) throws IOException {
    long now = Time.now();
    long written = out.written();
    if (stalledSince < 0 || written != stalledAt) {
      stalledSince = now;
      stalledAt = written;
    }
    long deadline = stalledSince + config.sendTimeout().toNanos();
    if (now < deadline) {
      // Progress only moves the deadline later: the armed timer is re-armed once it fires early.
      if (sendTimer == null || sendTimer.deadline() > deadline) armSendTimer(deadline);
      if (sendTimer.poll(cx).isPending()) return;
      if (sendTimer.deadline() < deadline) {
        armSendTimer(deadline);
        if (sendTimer.poll(cx).isPending()) return;
      }
    }
    throw new SendTimeoutException(config.sendTimeout());
  }

  private void armSendTimer(long deadline) {
    if (sendTimer != null) sendTimer.cancel();
    sendTimer = Time.sleepUntil(deadline);
  }

  /** The client took everything queued: the send-timeout clock stops. */
  private void writeDone() {
    stalledSince = -1;
    if (sendTimer != null) {
      sendTimer.cancel();
      sendTimer = null;
    }
  }

  /** The client took none of the server's output for the send timeout. */
  private static final class SendTimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    SendTimeoutException(java.time.Duration timeout) {
      super("the client took no output for the send timeout of " + timeout);
    }
  }

  // ---- the request body ----------------------------------------------------------------------

  /** The request body, read straight from the connection. */
  private final class IncomingBody implements Body {
    private final BodyDecoder decoder;
    private final long length;
    // 100 Continue: NOT_NEEDED or SENT, else NEEDED until the body's first read REQUESTS it from
    // the connection's task (the only writer of the connection), which QUEUES it behind what is
    // already queued (earlier pipelined responses) and marks it SENT once flushed. The body may be
    // read on another task: transitions are atomic, and the wakers are volatile.
    private final java.util.concurrent.atomic.AtomicInteger cont;
    private volatile Waker connection; // the connection's task, to ask it for the 100 Continue
    private volatile Waker reader; // the body's reader waiting for the 100 Continue to go out
    // The body was cancelled, or its exchange ended, before it was read to its end: what was read
    // is gone and the rest is skipped (or the connection closes), so a later read must fail
    // rather than end as if the body were shorter. Volatile: the application may read the body
    // on another task.
    private volatile boolean abandoned;
    // The reader was handed the end: it holds no chunk of the connection's buffer any more (a
    // chunk is valid until the next poll) and reads no further, so the connection's task may read
    // into the buffer again, to watch for the client leaving. Volatile: the reader may be another
    // task; its reads of the last chunk happen-before this write, and so before the refill.
    private volatile boolean endSeen;

    IncomingBody(BodyDecoder decoder, long length, boolean expectContinue) {
      this.decoder = decoder;
      this.length = length;
      this.cont =
          new java.util.concurrent.atomic.AtomicInteger(expectContinue ? NEEDED : NOT_NEEDED);
    }

    boolean done() {
      return decoder.isDone();
    }

    @Override
    public long contentLength() {
      return length;
    }

    @Override
    public Poll<ByteBuffer> pollNext(Context cx) throws Exception {
      if (abandoned) {
        throw new IOException(
            "the request body is no longer readable: it was cancelled, or its exchange ended,"
                + " before it was read to its end");
      }
      if (decoder.isDone()) {
        endSeen = true;
        return Stream.end();
      }
      int c = cont.get();
      if (c != NOT_NEEDED && c != SENT && !continueSentFor(cx)) return Poll.pending();
      Poll<ByteBuffer> p;
      try {
        p = decoder.next(cx, in);
      } catch (Exception e) {
        keepAlive = false;
        throw e;
      }
      if (Stream.isEnd(p)) endSeen = true;
      return p;
    }

    /** {@return whether the reader has been handed the end, and so no longer uses the buffer} */
    boolean endSeen() {
      return endSeen;
    }

    /**
     * Asks the connection's task for the 100 Continue (once) and waits until it is out; {@return
     * whether it is}
     */
    private boolean continueSentFor(Context cx) {
      reader = cx.waker();
      if (cont.compareAndSet(NEEDED, REQUESTED)) {
        Waker w = connection;
        if (w != null) w.wake();
      }
      return cont.get() == SENT || cont.get() == NOT_NEEDED;
    }

    void connectionWaker(Waker w) {
      if (cont.get() != NOT_NEEDED) connection = w;
    }

    /** On the connection's task: queues a requested 100 Continue behind what is in {@code out}. */
    void queueRequestedContinue() {
      if (cont.compareAndSet(REQUESTED, QUEUED)) {
        out.put(CONTINUE);
        continueInOut = true;
      }
    }

    /** On the connection's task: the queued 100 Continue was flushed; the reader may go on. */
    void continueSent() {
      cont.set(SENT);
      Waker w = reader;
      if (w != null) w.wake();
    }

    /**
     * The final response head is about to be queued, and a 100 Continue queued later would land
     * inside the response. So a 100 Continue not queued yet goes in now, ahead of the head, if the
     * body asked for it or the response body streams (and so may still read the request body);
     * otherwise it is never sent, and the client may send the body or not (RFC 9110 section
     * 10.1.1), so the connection closes after this response.
     *
     * @param mayRead whether the response body streams, and so may read the request body
     */
    void finalResponseQueued(boolean mayRead) {
      int c = cont.get();
      if (c == NEEDED && !mayRead && cont.compareAndSet(NEEDED, NOT_NEEDED)) {
        keepAlive = false;
        lingerOnClose = true;
        return;
      }
      if (cont.compareAndSet(NEEDED, QUEUED) || cont.compareAndSet(REQUESTED, QUEUED)) {
        out.put(CONTINUE);
        continueInOut = true;
      }
    }

    /** Makes every later read fail: the exchange ended with the body unread. */
    void abandon() {
      abandoned = true;
    }

    /** Skips the unread rest if it is already buffered; returns whether the body is finished. */
    boolean skipBuffered() {
      // A client still waiting for 100 Continue may send the body or not: the connection cannot
      // be reused safely (RFC 9110 section 10.1.1).
      int c = cont.get();
      return (c == NOT_NEEDED || c == SENT) && decoder.skipBuffered(in);
    }

    @Override
    public void cancel() {
      // The rest is skipped, or the connection closed, once the response is written.
      if (!decoder.isDone()) abandoned = true;
    }
  }

  @Override
  public String toString() {
    return "H1Connection["
        + remote
        + ", "
        + state
        + (head == null ? "" : ", " + head.method() + " " + head.target())
        + "]";
  }
}
