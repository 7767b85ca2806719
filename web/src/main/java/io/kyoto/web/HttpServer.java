package io.kyoto.web;

import io.kyoto.runtime.AbortHandle;
import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Sleep;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.net.TcpListener;
import io.kyoto.runtime.net.TcpStream;
import io.kyoto.runtime.service.Service;
import io.kyoto.runtime.sync.CancellationToken;
import io.kyoto.runtime.sync.Semaphore;
import io.kyoto.runtime.sync.SemaphorePermit;
import io.kyoto.runtime.sync.TaskTracker;
import io.kyoto.runtime.tls.TlsAcceptor;
import io.kyoto.web.internal.h1.H1Limits;
import io.kyoto.web.internal.server.H1Connection;
import io.kyoto.web.internal.server.ServerConfig;
import io.kyoto.web.internal.server.ServerContext;
import io.kyoto.web.internal.server.TlsConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP/1.1 server: hyper's connection handling with hyper-util's accept loop and graceful
 * shutdown, batteries included.
 *
 * {@snippet :
 * Future<Void> main = HttpServer.bind("127.0.0.1:8080")
 *     .flatMap(server -> server.serve(Service.of(req -> Futures.ready(Response.text("hello\n")))));
 * }
 *
 * <h2>Behaviour</h2>
 *
 * <ul>
 *   <li>One task per connection; keep-alive by default; pipelined requests are answered in order
 *       and their responses batched into one write.
 *   <li>Strict RFC 9112 parsing: a request that could be smuggled or misread (Content-Length with
 *       Transfer-Encoding, differing lengths, obs-fold, bare CR, …) gets 400 and the connection is
 *       closed; the application never sees it and no byte after it is parsed. Limits answer 414
 *       (request line), 431 (header section and count), 413 (body), 505 (version).
 *   <li>Bodies stream both ways: a response body of unknown length goes out chunked (HTTP/1.1) or
 *       close-delimited (HTTP/1.0); {@code 100 Continue} is sent when the application first reads a
 *       body that asked for it.
 *   <li>Timeouts: a request head must arrive within {@linkplain Builder#headerReadTimeout the
 *       header-read timeout} of its first byte (408, then close); an idle keep-alive connection is
 *       closed after {@linkplain Builder#keepAliveTimeout the keep-alive timeout}; a client that
 *       takes none of the server's output (a response, or the end of one before the connection
 *       closes) for {@linkplain Builder#sendTimeout the send timeout} is cut off. A slow client
 *       holds no thread.
 *   <li>Graceful shutdown ({@link #shutdown()} or the signal given to {@link #serve(Service,
 *       Future)}): stop accepting, close idle connections and those still receiving a request head
 *       at once (a partial head gets no response), let in-flight exchanges finish (answered with
 *       {@code connection: close}), then abort what is left at the {@linkplain
 *       Builder#shutdownTimeout deadline}. Nothing outlives {@link #serve}'s future.
 *   <li>At most {@linkplain Builder#maxConnections maxConnections} connections are open; further
 *       clients wait in the listen backlog.
 *   <li>A connection answered with {@code 101} ({@link Response#upgrade}) belongs to its new
 *       protocol: it leaves the {@code maxConnections} count, and graceful shutdown lets it run
 *       until the deadline, then aborts it and closes its socket (select over {@link
 *       #shutdownStarted()} to end it cleanly and sooner); {@link #close()} aborts it at once.
 *       (hyper-util neither waits for nor aborts upgraded connections, so they outlive its server.)
 *   <li>The application's exceptions become 500 responses (logged on {@code
 *       io.kyoto.web.HttpServer}); an {@link HttpException} becomes its status.
 * </ul>
 */
public final class HttpServer implements AutoCloseable {
  private final TcpListener listener;
  private final ServerConfig config;
  private final int maxConnections;
  private final Duration shutdownTimeout;
  private final TlsAcceptor tls; // null: plain HTTP
  private final CancellationToken shutdown = new CancellationToken();
  private final TaskTracker tracker = new TaskTracker();
  // Connection tasks made and not finished: counted before they are spawned, so a request never
  // sees its own connection missing (`live` only gets a task's handle after the spawn).
  private final java.util.concurrent.atomic.AtomicInteger open =
      new java.util.concurrent.atomic.AtomicInteger();
  private final Set<AbortHandle> live = ConcurrentHashMap.newKeySet();
  // close() was called or the shutdown deadline passed: a task registered after the sweep of
  // `live` is aborted at once
  private volatile boolean aborting;
  private final AtomicLong accepted = new AtomicLong();
  private final io.kyoto.web.internal.server.ServerCounters counters =
      new io.kyoto.web.internal.server.ServerCounters();
  private volatile boolean serving;

  private HttpServer(TcpListener listener, Builder b) {
    this.listener = listener;
    this.config =
        new ServerConfig(
            new H1Limits(
                b.maxRequestLineBytes,
                b.maxHeaderBytes,
                b.maxHeaders,
                H1Limits.DEFAULT.maxChunkLineBytes(),
                H1Limits.DEFAULT.maxTrailerBytes()),
            b.maxBodyBytes,
            b.headerReadTimeout,
            b.keepAliveTimeout,
            b.lingerTimeout,
            b.sendTimeout,
            b.halfClose);
    this.maxConnections = b.maxConnections;
    this.shutdownTimeout = b.shutdownTimeout;
    this.tls = b.tls;
  }

  /** {@return a builder with the default settings} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@return a future of a server with the default settings, bound to {@code hostPort}}
   *
   * @param hostPort e.g. {@code 127.0.0.1:8080}; port 0 picks a free port
   */
  public static Future<HttpServer> bind(String hostPort) {
    return builder().bind(hostPort);
  }

  /** {@return the address the server listens on} */
  public InetSocketAddress localAddress() {
    return listener.localAddress();
  }

  /** {@return the number of connections accepted so far} */
  public long acceptedConnections() {
    return accepted.get();
  }

  /**
   * {@return the server's counters now: connections, requests, responses by status class,
   * rejections, failures and timeouts since it was bound} See {@link ServerMetrics}.
   */
  public ServerMetrics metrics() {
    return counters.snapshot(accepted.get(), open.get());
  }

  /**
   * {@return the number of connections open now} Connections upgraded with {@code 101} (a
   * WebSocket) count too, since the server still owns them until it shuts down, although the
   * {@linkplain Builder#maxConnections maxConnections} limit does not; while one is handed over to
   * its protocol it may count twice for a moment.
   */
  public int openConnections() {
    return open.get();
  }

  /**
   * {@return a future that serves {@code app} until the server shuts down} It completes once
   * shutdown has finished: the listener is closed and every connection has ended. A failed accept
   * is logged and retried after 100 ms, except on a listener closed other than by {@link
   * #shutdown()} or {@link #close()}: that is logged once and starts a shutdown, after which the
   * future fails with the {@link ClosedChannelException}.
   *
   * @param app the application, called once per request (concurrently for different connections;
   *     its {@link Service#newHandle()} gives each connection its own handle)
   */
  public Future<Void> serve(Service<Request, Response> app) {
    return serve(app, null);
  }

  /**
   * {@return a future that serves {@code app} and shuts down gracefully once {@code signal}
   * completes} For example {@code server.serve(app, Signals.shutdown())}.
   *
   * @param app the application
   * @param signal completes (with any value or failure) to start graceful shutdown; may be null
   */
  public Future<Void> serve(Service<Request, Response> app, Future<?> signal) {
    Objects.requireNonNull(app, "app");
    if (serving) throw new IllegalStateException("this server is already serving");
    serving = true;
    return new AcceptLoop(app, signal);
  }

  /**
   * {@return a future that completes when graceful shutdown starts}: {@link #shutdown()}, the
   * signal given to {@link #serve(Service, Future)}, or {@link #close()}. A protocol a connection
   * was upgraded to (a WebSocket, say) selects over it to end cleanly, with a close frame, before
   * the {@linkplain Builder#shutdownTimeout shutdown deadline} aborts it. Each call returns a new
   * future; cancelling it only stops that future waiting.
   */
  public Future<Void> shutdownStarted() {
    return shutdown.cancelled();
  }

  /** Starts graceful shutdown; {@link #serve}'s future completes when it has finished. */
  public void shutdown() {
    shutdown.cancel();
  }

  /**
   * Closes the listener and aborts every connection at once, including connections handed over to
   * another protocol with a {@code 101} (a WebSocket, say): their protocol's future is cancelled
   * and their socket closed.
   */
  @Override
  public void close() {
    abortAll();
    shutdown.cancel();
    listener.close();
  }

  /** Aborts every live task, and any registered from now on. */
  private void abortAll() {
    aborting = true;
    for (AbortHandle h : live) h.abort();
  }

  @Override
  public String toString() {
    return "HttpServer[" + listener.localAddress() + ", open=" + live.size() + "]";
  }

  /** Looked up on first use: {@code System.getLogger} costs tens of ms at start-up. */
  private static final class Log {
    static final System.Logger LOG = System.getLogger("io.kyoto.web.HttpServer");

    private Log() {}
  }

  private final class Context0 implements ServerContext {
    @Override
    public boolean isShuttingDown() {
      return shutdown.isCancelled();
    }

    @Override
    public Future<Void> shutdownSignal() {
      return shutdown.cancelled();
    }

    @Override
    public io.kyoto.web.internal.server.ServerCounters counters() {
      return counters;
    }

    @Override
    public void spawnUpgraded(Future<Void> protocol, Runnable closeConnection) {
      // In `live`, so close() and the shutdown deadline abort it, and in the tracker, so graceful
      // shutdown waits for it until then (hyper-util does neither: the upgraded connection would
      // outlive the server), but without a maxConnections slot. Spawned while the connection's
      // own task still runs, so the tracker never looks empty in between.
      LiveTask task = new LiveTask(protocol, closeConnection);
      track(task, tracker.spawn(task).abortHandle());
    }
  }

  /** Puts a spawned task in {@link #live}, unless it already finished; aborts it if closed. */
  private void track(LiveTask task, AbortHandle handle) {
    task.handle = handle;
    live.add(handle);
    if (task.finished) live.remove(handle);
    if (aborting) handle.abort(); // abortAll() swept `live` before the handle was in it
  }

  /** Accepts connections until shutdown, then waits for them to end. */
  private final class AcceptLoop implements Future<Void> {

    private final Service<Request, Response> app;
    private Future<?> signal; // null once dropped
    private Throwable signalCancelFailure; // its cancel() threw: serve() fails with it once drained
    private final Semaphore limit = new Semaphore(maxConnections);
    private final ServerContext context = new Context0();
    private final Future<Void> shutdownStarted = shutdown.cancelled();
    private Future<SemaphorePermit> acquiring;
    private SemaphorePermit permit;
    private Future<Void> drained;
    private Sleep deadline;
    private Sleep backoff;
    private boolean draining;
    private ClosedChannelException closedUnder; // the listener was closed under the loop

    AcceptLoop(Service<Request, Response> app, Future<?> signal) {
      this.app = app;
      this.signal = signal;
    }

    @Override
    public Poll<Void> poll(Context cx) throws Exception {
      if (!draining) {
        if (signal != null && !shutdown.isCancelled()) {
          try {
            if (signal.poll(cx).isReady()) shutdown.cancel();
          } catch (Exception e) {
            shutdown.cancel();
          }
        }
        if (shutdownStarted.poll(cx).isReady()) {
          startDraining();
        } else {
          acceptLoop(cx);
          if (!draining) return Poll.pending();
        }
      }
      if (drained.poll(cx).isReady()) {
        if (deadline != null) deadline.cancel();
        if (closedUnder != null) throw closedUnder;
        if (signalCancelFailure != null) throw asException(signalCancelFailure);
        return Poll.ready(null);
      }
      if (!aborting && deadline.poll(cx).isReady()) abortAll();
      return Poll.pending();
    }

    private void acceptLoop(Context cx) throws Exception {
      while (true) {
        if (backoff != null) {
          if (backoff.poll(cx).isPending()) return;
          backoff = null;
        }
        if (permit == null) {
          if (acquiring == null) acquiring = limit.acquire();
          Poll<SemaphorePermit> p = acquiring.poll(cx);
          if (p.isPending()) return;
          acquiring = null;
          permit = p.value();
        }
        Poll<TcpStream> a;
        try {
          a = listener.pollAccept(cx);
        } catch (ClosedChannelException e) {
          // Closed under the loop (not by close() or a shutdown, which start draining first): no
          // accept can ever succeed again. As Netty's closed server channel, the loop ends: the
          // connections drain as in a shutdown, then serve() fails with this exception.
          if (!shutdown.isCancelled()) {
            Log.LOG.log(
                System.Logger.Level.WARNING,
                "the listener was closed; shutting down, and serve() fails with that error",
                e);
            closedUnder = e;
            shutdown.cancel();
          }
          startDraining();
          return;
        } catch (IOException e) {
          // Out of file descriptors and the like: log, pause, go on (as tokio and Netty do).
          Log.LOG.log(System.Logger.Level.WARNING, "accept failed; retrying in 100 ms", e);
          backoff = Time.sleep(Duration.ofMillis(100));
          continue;
        }
        if (a.isPending()) return;
        spawn(a.value(), permit);
        permit = null;
      }
    }

    private void spawn(TcpStream stream, SemaphorePermit held) {
      InetSocketAddress remote;
      try {
        stream.setNoDelay(true);
        remote = stream.peerAddress();
      } catch (IOException e) {
        held.close();
        stream.close();
        accepted.incrementAndGet();
        return;
      }
      Service<Request, Response> handle = app.newHandle();
      Future<Void> conn =
          tls == null
              ? new H1Connection(stream, stream, stream, remote, handle, config, context)
              : new TlsConnection(
                  tls,
                  stream,
                  config,
                  context,
                  s -> new H1Connection(s, s, s.inner(), s, remote, handle, config, context));
      LiveTask task = new LiveTask(conn, held::close);
      track(task, tracker.spawn(task).abortHandle());
      // Counted once the connection is among the open ones, so whoever sees it accepted and not
      // open knows that it ended (counted first, it was accepted-but-not-yet-open for a moment).
      accepted.incrementAndGet();
    }

    private void startDraining() {
      draining = true;
      listener.close();
      if (acquiring != null) acquiring.cancel();
      if (permit != null) permit.close();
      if (backoff != null) backoff.cancel();
      try {
        dropSignal();
      } catch (Throwable t) { // the user's future: the shutdown still drains, then serve() fails
        signalCancelFailure = t;
      }
      tracker.close();
      drained = tracker.waitAll();
      deadline = Time.sleep(shutdownTimeout);
    }

    /** Cancels the shutdown signal (it may have completed, or failed: then this is its drop). */
    private void dropSignal() {
      Future<?> s = signal;
      signal = null;
      if (s != null) s.cancel();
    }

    @Override
    public void cancel() {
      shutdownStarted.cancel();
      if (acquiring != null) acquiring.cancel();
      if (permit != null) permit.close();
      try {
        dropSignal(); // the user's future: its cancel() may throw, after which all else goes on
      } finally {
        if (backoff != null) backoff.cancel();
        if (drained != null) drained.cancel();
        if (deadline != null) deadline.cancel();
        close();
      }
    }

    /** {@return {@code t} as serve()'s failure: an exception itself; an Error is rethrown} */
    private static Exception asException(Throwable t) {
      if (t instanceof Exception e) return e;
      if (t instanceof Error e) throw e;
      throw new IllegalStateException(t);
    }
  }

  /**
   * A connection's task (an HTTP connection, or a protocol after a {@code 101}): listed in {@link
   * #live} while it runs, so {@link #close()} can abort it, and {@code release} (its {@code
   * maxConnections} permit, or closing the upgraded connection) runs once however it ends.
   */
  private final class LiveTask implements Future<Void> {
    private final Future<Void> inner;
    private final Runnable release;
    volatile AbortHandle handle;
    volatile boolean finished;

    LiveTask(Future<Void> inner, Runnable release) {
      this.inner = inner;
      this.release = release;
      open.incrementAndGet();
    }

    @Override
    public Poll<Void> poll(Context cx) throws Exception {
      Poll<Void> p;
      try {
        p = inner.poll(cx);
      } catch (Exception e) {
        done();
        throw e;
      }
      if (p.isReady()) done();
      return p;
    }

    @Override
    public void cancel() {
      try {
        inner.cancel();
      } finally {
        done();
      }
    }

    private void done() {
      if (finished) return;
      finished = true;
      open.decrementAndGet();
      AbortHandle h = handle;
      if (h != null) live.remove(h);
      release.run();
    }
  }

  /** Settings for {@link HttpServer}; every one has a safe default. */
  public static final class Builder {
    private int maxConnections = 10_000;
    private int maxRequestLineBytes = H1Limits.DEFAULT.maxRequestLineBytes();
    private int maxHeaderBytes = H1Limits.DEFAULT.maxHeaderBytes();
    private int maxHeaders = H1Limits.DEFAULT.maxHeaders();
    private long maxBodyBytes = 10L * 1024 * 1024;
    private Duration headerReadTimeout = Duration.ofSeconds(30);
    private Duration keepAliveTimeout = Duration.ofSeconds(60);
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private Duration lingerTimeout = Duration.ofSeconds(2);
    private Duration sendTimeout = Duration.ofSeconds(60);
    private boolean halfClose;
    private TlsAcceptor tls;

    private Builder() {}

    /**
     * Serves HTTPS: every accepted connection first does the TLS handshake with {@code acceptor}
     * (bounded by the {@linkplain #headerReadTimeout header-read timeout}), then speaks HTTP/1.1
     * over it. A connection whose handshake fails is closed without an answer. Offer ALPN {@code
     * "http/1.1"} on the acceptor if clients negotiate it ({@code acceptor.alpn("http/1.1")}).
     *
     * @param acceptor the server's certificate, key and TLS settings
     * @return this
     */
    public Builder tls(TlsAcceptor acceptor) {
      this.tls = Objects.requireNonNull(acceptor, "acceptor");
      return this;
    }

    /**
     * Sets the most connections open at once (default 10,000).
     *
     * @param max at least 1
     * @return this
     */
    public Builder maxConnections(int max) {
      if (max < 1) throw new IllegalArgumentException("maxConnections must be at least 1: " + max);
      this.maxConnections = max;
      return this;
    }

    /**
     * Sets the longest request line (default 8 KiB; longer gets 414).
     *
     * @param bytes at least 64
     * @return this
     */
    public Builder maxRequestLineBytes(int bytes) {
      if (bytes < 64) throw new IllegalArgumentException("maxRequestLineBytes < 64: " + bytes);
      this.maxRequestLineBytes = bytes;
      return this;
    }

    /**
     * Sets the largest header section (default 64 KiB; larger gets 431).
     *
     * @param bytes at least 256
     * @return this
     */
    public Builder maxHeaderBytes(int bytes) {
      if (bytes < 256) throw new IllegalArgumentException("maxHeaderBytes < 256: " + bytes);
      this.maxHeaderBytes = bytes;
      return this;
    }

    /**
     * Sets the most header fields (default 100, as hyper; more gets 431).
     *
     * @param count at least 1
     * @return this
     */
    public Builder maxHeaders(int count) {
      if (count < 1) throw new IllegalArgumentException("maxHeaders < 1: " + count);
      this.maxHeaders = count;
      return this;
    }

    /**
     * Sets the largest request body (default 10 MiB; larger gets 413, before the application runs
     * when the length is declared).
     *
     * @param bytes at least 0
     * @return this
     */
    public Builder maxBodyBytes(long bytes) {
      if (bytes < 0) throw new IllegalArgumentException("maxBodyBytes < 0: " + bytes);
      this.maxBodyBytes = bytes;
      return this;
    }

    /**
     * Sets how long a request head may take from its first byte (default 30 s, as hyper).
     *
     * @param timeout positive
     * @return this
     */
    public Builder headerReadTimeout(Duration timeout) {
      this.headerReadTimeout = positive(timeout, "headerReadTimeout");
      return this;
    }

    /**
     * Sets how long an idle keep-alive connection is kept open (default 60 s).
     *
     * @param timeout positive
     * @return this
     */
    public Builder keepAliveTimeout(Duration timeout) {
      this.keepAliveTimeout = positive(timeout, "keepAliveTimeout");
      return this;
    }

    /**
     * Sets how long a write to the client may make no progress before the connection is closed
     * (default 60 s, as nginx's {@code send_timeout}). It bounds every wait for a client to take
     * the server's output: a response or its body, the rest of a final response on a connection
     * that closes (after {@code connection: close}, an error such as 400, 413 or 431, or during
     * graceful shutdown), and the TLS {@code close_notify}. A client that stops reading is then cut
     * off: the socket is closed without waiting further, and what the server had not written yet is
     * lost; the bytes already in the kernel's send buffer are still delivered if the client reads
     * later (an orderly close, as nginx's default {@code reset_timedout_connection off}), so that
     * memory is held until it does or the connection times out in the kernel. The clock restarts
     * whenever the client takes more bytes, so a slow but live download of any size completes.
     *
     * @param timeout positive
     * @return this
     */
    public Builder sendTimeout(Duration timeout) {
      this.sendTimeout = positive(timeout, "sendTimeout");
      return this;
    }

    /**
     * Sets whether a client may close its side of the connection after its request and still get
     * the answer (default false, as hyper's {@code half_close}). By default the server reads while
     * the application answers a request without a body (or whose body it has read to its end), and
     * takes an end of stream for a client that left: the application's future is cancelled and
     * nothing is sent ({@link ServerMetrics#clientsGone()}). With {@code true}, such a request is
     * answered and the connection closed after it; only a reset then counts as a client gone.
     *
     * @param allow whether half-closed clients are answered
     * @return this
     */
    public Builder halfClose(boolean allow) {
      this.halfClose = allow;
      return this;
    }

    /**
     * Sets how long a closing connection keeps reading and discarding what the client still sends
     * (default 2 s, at most 64 KiB; nginx's {@code lingering_time}). It applies only when unread
     * input could turn the close into a reset that destroys the response the client has not read
     * yet (after an error such as 413 with the request body still coming, or a 100 Continue that
     * was never sent); idle and clean closes are immediate.
     *
     * @param timeout positive
     * @return this
     */
    public Builder lingerTimeout(Duration timeout) {
      this.lingerTimeout = positive(timeout, "lingerTimeout");
      return this;
    }

    /**
     * Sets how long graceful shutdown waits for in-flight exchanges and upgraded connections before
     * aborting them (default 30 s).
     *
     * @param timeout zero or positive
     * @return this
     */
    public Builder shutdownTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "shutdownTimeout");
      if (timeout.isNegative()) throw new IllegalArgumentException("shutdownTimeout < 0");
      this.shutdownTimeout = timeout;
      return this;
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive: " + d);
      }
      return d;
    }

    /**
     * {@return a future of a server bound to {@code hostPort} with these settings}
     *
     * @param hostPort e.g. {@code 0.0.0.0:8080}
     */
    public Future<HttpServer> bind(String hostPort) {
      return TcpListener.bind(hostPort).map(l -> new HttpServer(l, this));
    }

    /**
     * {@return a future of a server bound to {@code address}}
     *
     * @param address the address
     */
    public Future<HttpServer> bind(InetSocketAddress address) {
      return TcpListener.bind(address).map(l -> new HttpServer(l, this));
    }
  }
}
