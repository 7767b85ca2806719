package ${package};

import static io.kyoto.web.route.Filters.queryOr;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.annotation.AsyncMain;
import io.kyoto.runtime.service.Service;
import io.kyoto.runtime.signal.Signals;
import io.kyoto.runtime.sync.Oneshot;
import io.kyoto.web.HttpServer;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import io.kyoto.web.Status;
import io.kyoto.web.route.Json;
import io.kyoto.web.route.Parser;
import io.kyoto.web.route.Router;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTP service on Kyoto.
 *
 * <ul>
 *   <li>{@code GET /api/greeting?name=x} answers {@code {"message":"hello x"}};
 *   <li>{@code GET /api/tick?ms=100} waits {@code ms} milliseconds on a timer in another task,
 *       which hands the tick over through a {@link Oneshot} channel, and answers {@code
 *       {"tick":1,"waitedMs":100}}.
 * </ul>
 *
 * <p>The Kyoto annotation processor turns {@link #run} into the launcher {@code App_Main}, the
 * {@code Main-Class} of the jar:
 *
 * <pre>java -jar target/${artifactId}.jar [host:port | port]</pre>
 *
 * <p>The address defaults to {@value #DEFAULT_ADDRESS}; the system property {@code app.address}
 * also sets it, and port 0 picks a free port. Ctrl-C (or SIGTERM) shuts the server down gracefully.
 */
public final class App {
  /** The address the server listens on unless told otherwise. */
  public static final String DEFAULT_ADDRESS = "127.0.0.1:8080";

  /** The longest wait {@code /api/tick} accepts, in milliseconds. */
  public static final int MAX_TICK_MS = 10_000;

  private static final AtomicLong TICKS = new AtomicLong();

  private App() {}

  /**
   * The body of {@code /api/greeting}.
   *
   * @param message the greeting
   */
  public record Greeting(String message) {}

  /**
   * The body of {@code /api/tick}.
   *
   * @param tick how many ticks this process has served, this one included
   * @param waitedMs how long the request waited, in milliseconds
   */
  public record Tick(long tick, long waitedMs) {}

  /**
   * The body of a rejected request.
   *
   * @param error what is wrong
   */
  public record Problem(String error) {}

  /** {@return the application: every route of the service} */
  public static Service<Request, Response> routes() {
    return Router.create()
        .get("/api/greeting", queryOr("name", Parser.STRING, "world"))
        .handle((req, name) -> Json.response(new Greeting("hello " + name)))
        .get("/api/tick", queryOr("ms", Parser.INT, 100))
        .handleAsync((req, ms) -> tick(ms))
        .build();
  }

  /**
   * Waits {@code ms} milliseconds in a task of its own, which sends the tick back on a oneshot
   * channel: the pattern for any work that runs beside the request.
   */
  static Future<Response> tick(int ms) {
    if (ms < 0 || ms > MAX_TICK_MS) {
      return Futures.ready(
          Json.response(
              Status.BAD_REQUEST, new Problem("ms must be between 0 and " + MAX_TICK_MS)));
    }
    Oneshot.Channel<Tick> ch = Oneshot.channel();
    long start = Time.now();
    Task.spawn(
        Time.sleep(Duration.ofMillis(ms))
            .map(
                done -> {
                  long waited = (Time.now() - start) / 1_000_000;
                  ch.tx().send(new Tick(TICKS.incrementAndGet(), waited));
                  return null;
                }));
    return ch.rx().map(tick -> Json.response(tick));
  }

  /**
   * Serves {@link #routes()} on {@code server} until {@code shutdown} completes, then shuts down
   * gracefully: in-flight requests finish, idle connections close.
   *
   * @param server a bound server
   * @param shutdown completes to stop the server
   * @return a future that completes once the server has shut down
   */
  public static Future<Void> serve(HttpServer server, Future<?> shutdown) {
    return server.serve(routes(), shutdown);
  }

  /**
   * The program: binds, prints the URL, serves until Ctrl-C.
   *
   * @param args optional {@code host:port} or {@code port}
   * @return a future that fails if binding fails
   */
  @AsyncMain
  static Future<Void> run(String[] args) {
    String address = address(args);
    return Task.spawnBlocking(App::warmUp)
        .flatMap(ready -> HttpServer.bind(address))
        .flatMap(
            server -> {
              System.out.println("listening on " + url(server.localAddress()));
              System.out.println(
                  "try: curl -s '" + url(server.localAddress()) + "/api/greeting?name=kyoto'");
              return serve(server, Signals.shutdown());
            })
        .inspect(done -> System.out.println("shut down"));
  }

  /**
   * Loads and initialises the JSON machinery, so that the first request does not pay for it on a
   * runtime thread (where Kyoto's blocking-poll detector would report it). {@link #run} calls it
   * through {@code Task.spawnBlocking}, the place for blocking work.
   *
   * @return the size of a warm-up response body, in bytes
   */
  static long warmUp() {
    return Json.response(new Greeting("warm-up")).body().contentLength();
  }

  /**
   * {@return the address to listen on: the first argument, else the system property {@code
   * app.address}, else {@value #DEFAULT_ADDRESS}} A bare port means {@code 127.0.0.1:port}.
   *
   * @param args the program's arguments
   */
  static String address(String[] args) {
    String a = args.length > 0 ? args[0] : System.getProperty("app.address", DEFAULT_ADDRESS);
    return a.chars().allMatch(Character::isDigit) ? "127.0.0.1:" + a : a;
  }

  /**
   * {@return the base URL of a server listening on {@code address}}
   *
   * @param address the listening address
   */
  public static String url(InetSocketAddress address) {
    String host = address.getHostString();
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
