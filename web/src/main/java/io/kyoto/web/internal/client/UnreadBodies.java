package io.kyoto.web.internal.client;

import io.kyoto.web.Method;
import java.lang.ref.Cleaner;

/**
 * The backstop for a response body dropped without being read to its end or cancelled: its
 * connection stays checked out of the pool, open, for as long as the process runs, since nothing
 * else will ever read or close it. When the collector finds such a body unreachable, its connection
 * is closed here and a warning (logger {@code io.kyoto.web.HttpClient}) names the request, at most
 * one a second (each saying how many it stands for). Netty reports leaked buffers the same way.
 *
 * <p>The report comes when the collector gets to the body, possibly much later; reading or
 * cancelling every body is still the rule ({@code HttpClient}'s class documentation). A body that
 * ended, failed or was cancelled is {@linkplain Watch#done() done}: its connection is the pool's
 * (or closed) and the cleaner leaves it alone. The cleaner's thread ({@code kyoto-unread-bodies}, a
 * daemon) starts with the first response that has a body.
 */
final class UnreadBodies {
  private UnreadBodies() {}

  /** Tests see the requests reported here. */
  static volatile java.util.function.Consumer<String> onReport;

  private static final class Holder {
    static final Cleaner CLEANER =
        Cleaner.create(
            r -> {
              Thread t = new Thread(r, "kyoto-unread-bodies");
              t.setDaemon(true);
              return t;
            });
    static final System.Logger LOG = System.getLogger("io.kyoto.web.HttpClient");
  }

  /**
   * One body's watch; its action holds the connection and what names the request, never the body.
   * The name is only put together for a report: most bodies are read and never reported.
   */
  static final class Watch implements Runnable {
    private final ClientConnection connection;
    private final Method method;
    private final String target;
    private final String hostPort;
    private volatile boolean done;
    private Cleaner.Cleanable registration; // set by watch() before the body can be done

    Watch(ClientConnection connection, Method method, String target, String hostPort) {
      this.connection = connection;
      this.method = method;
      this.target = target;
      this.hostPort = hostPort;
    }

    /**
     * The body ended, failed or was cancelled: its connection is no longer this watch's. The
     * registration is withdrawn here, so the collector has no reference to process and the
     * cleaner's thread nothing to run for it: about 0.1 µs per response instead of about 1 µs when
     * left to the collector (measured with two threads registering).
     */
    void done() {
      done = true;
      registration.clean(); // runs this watch's action here, which returns at once: done is set
    }

    @Override
    public void run() {
      if (done) {
        return;
      }
      try {
        connection.close();
      } catch (RuntimeException e) {
        // closing a socket nobody uses any more: nothing to tell anyone beyond the report
      }
      String request = describe(method, target, hostPort);
      var hook = onReport;
      if (hook != null) {
        hook.accept(request);
      }
      report(request);
    }
  }

  /**
   * Watches {@code body}, which holds {@code connection}, until it is done or collected.
   *
   * @param body the body
   * @param connection its connection
   * @param method the request's method, for the report
   * @param target the request's target, for the report
   * @param hostPort where it went, for the report
   * @return the watch, to be marked done
   */
  static Watch watch(
      Object body, ClientConnection connection, Method method, String target, String hostPort) {
    Watch w = new Watch(connection, method, target, hostPort);
    w.registration = Holder.CLEANER.register(body, w);
    return w;
  }

  /** {@return how reports and read timeouts name a request: {@code GET /path from host:port}} */
  static String describe(Method method, String target, String hostPort) {
    return method + " " + target + " from " + hostPort;
  }

  /**
   * {@return the report's message}
   *
   * @param request the request: {@code GET /path from host:port}
   */
  static String message(String request) {
    return "the response body of "
        + request
        + " was garbage-collected unread: neither read to its end nor cancelled, it held its"
        + " connection open until now (closed). Read every response body (body().string(),"
        + " bytes(), drain()) or cancel it (body().cancel())";
  }

  // Rate limit, on the cleaner's one thread.
  private static long lastReport = Long.MIN_VALUE / 2;
  private static long suppressed;

  private static void report(String request) {
    long now = System.nanoTime();
    if (now - lastReport < 1_000_000_000L) {
      suppressed++;
      return;
    }
    lastReport = now;
    String m = message(request);
    if (suppressed > 0) {
      m += " (" + suppressed + " more such bodies since the last report were not logged)";
      suppressed = 0;
    }
    Holder.LOG.log(System.Logger.Level.WARNING, m);
  }
}
