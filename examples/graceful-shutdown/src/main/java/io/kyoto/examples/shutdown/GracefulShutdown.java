package io.kyoto.examples.shutdown;

import static io.kyoto.web.route.Filters.queryOr;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Futures.Step;
import io.kyoto.runtime.Interval;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.annotation.AsyncMain;
import io.kyoto.runtime.annotation.Branch;
import io.kyoto.runtime.annotation.Select;
import io.kyoto.runtime.service.Service;
import io.kyoto.runtime.signal.Signals;
import io.kyoto.runtime.sync.CancellationToken;
import io.kyoto.runtime.sync.TaskTracker;
import io.kyoto.web.HttpServer;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import io.kyoto.web.route.Parser;
import io.kyoto.web.route.Router;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An HTTP server that shuts down gracefully on Ctrl-C or {@code SIGTERM}: it stops accepting, lets
 * in-flight requests finish, stops its background job, waits for the tasks it tracks, prints what
 * it drained and exits, all within a deadline.
 *
 * <pre>
 * GET /               hello
 * GET /work?ms=500    answers after ms milliseconds, then files a tracked follow-up task
 * </pre>
 *
 * <pre>java -jar examples/graceful-shutdown/target/graceful-shutdown.jar [host:port]
 *     (default 127.0.0.1:8082)</pre>
 */
public final class GracefulShutdown {
  /** How long shutdown may take: in-flight requests first, then the background tasks. */
  static final Duration DEADLINE = Duration.ofSeconds(10);

  /** How often the background job runs. */
  static final Duration EVERY = Duration.ofMillis(200);

  /** What the background job wakes up for. */
  enum Wake {
    TICK,
    STOP
  }

  /**
   * The job's two reasons to wake; the processor generates {@code GracefulShutdown_Wakes_Select}.
   */
  @Select(biased = true) // shutdown first: a due tick does not delay stopping
  interface Wakes {
    @Branch
    default Wake stop(Void cancelled) {
      return Wake.STOP;
    }

    @Branch
    default Wake tick(long at) {
      return Wake.TICK;
    }
  }

  private static final Wakes WAKES = new Wakes() {};

  /**
   * What shutdown drained.
   *
   * @param served requests answered, in total
   * @param inFlight requests still running when shutdown started
   * @param aborted of those, the ones aborted at the deadline
   * @param followUps follow-up tasks completed, in total
   * @param jobRuns how many times the background job ran
   * @param jobStopped whether the background job saw the shutdown and stopped by itself
   * @param clean whether everything finished within the deadline
   * @param millis how long the shutdown took
   */
  public record Summary(
      long served,
      long inFlight,
      long aborted,
      long followUps,
      long jobRuns,
      boolean jobStopped,
      boolean clean,
      long millis) {}

  private final Consumer<String> log;
  private final TaskTracker tracker = new TaskTracker();
  private final CancellationToken stopping = new CancellationToken();
  private final AtomicLong served = new AtomicLong();
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong followUps = new AtomicLong();
  private volatile boolean jobStopped;
  private volatile long shutdownAt;
  private volatile long inFlightAtShutdown;

  /**
   * Creates the application.
   *
   * @param log receives what the server does, a line at a time
   */
  public GracefulShutdown(Consumer<String> log) {
    this.log = log;
  }

  /** {@return the number of {@code /work} requests running now} */
  public long inFlight() {
    return inFlight.get();
  }

  /** {@return the routes} */
  Service<Request, Response> app() {
    return Router.create()
        .get("/")
        .handle(req -> Response.text("hello\n"))
        .get("/work", queryOr("ms", Parser.LONG, 500L))
        .handleAsync((req, ms) -> work(Duration.ofMillis(ms)))
        .build();
  }

  /** {@return a slow answer, after which a follow-up task is filed on the tracker} */
  private Future<Response> work(Duration duration) {
    log.accept("work: " + inFlight.incrementAndGet() + " in flight");
    return Time.sleep(duration)
        .map(
            v -> {
              inFlight.decrementAndGet();
              served.incrementAndGet();
              tracker.spawn(Time.sleep(EVERY).inspect(t -> followUps.incrementAndGet()));
              return Response.text("worked " + duration.toMillis() + " ms\n");
            });
  }

  /** {@return the background job: runs every {@link #EVERY} until shutdown, with the runs} */
  private Future<Long> job() {
    Interval every = Time.interval(EVERY);
    return Futures.loop(
        0L,
        runs ->
            GracefulShutdown_Wakes_Select.of(WAKES, stopping.cancelled(), every.tick())
                .map(
                    wake ->
                        switch (wake) {
                          case TICK -> Step.next(runs + 1);
                          case STOP -> {
                            jobStopped = true;
                            log.accept("job: stopping after " + runs + " runs");
                            yield Step.done(runs);
                          }
                        }));
  }

  /**
   * {@return a future that serves until {@code shutdown} completes, then drains and is ready with
   * what it drained}
   *
   * @param server the bound server; its shutdown timeout bounds the wait for in-flight requests
   * @param shutdown completes to start the shutdown, e.g. {@link Signals#shutdown()}
   * @param deadline how long the background tasks may take to finish once the server has stopped
   */
  public Future<Summary> run(HttpServer server, Future<?> shutdown, Duration deadline) {
    return Futures.lazy(() -> serve(server, shutdown, deadline)); // spawns: only on a runtime
  }

  private Future<Summary> serve(HttpServer server, Future<?> shutdown, Duration deadline) {
    Future<Long> job = tracker.spawn(job());
    Future<?> signal =
        shutdown.inspect(
            v -> {
              shutdownAt = Time.now();
              inFlightAtShutdown = inFlight.get();
              log.accept("shutdown: no new connections; " + inFlightAtShutdown + " in flight");
              stopping.cancel();
            });
    return server
        .serve(app(), signal)
        .flatMap(
            v -> {
              log.accept("server: stopped; waiting for " + tracker.len() + " background task(s)");
              tracker.close();
              return tracker.waitAll().timeout(deadline).map(w -> true).recover(this::gaveUp);
            })
        .flatMap(
            clean ->
                job.map(
                    runs ->
                        new Summary(
                            served.get(),
                            inFlightAtShutdown,
                            inFlight.get(), // their tasks were aborted: never finished
                            followUps.get(),
                            runs,
                            jobStopped,
                            clean && inFlight.get() == 0,
                            (Time.now() - shutdownAt) / 1_000_000)))
        .inspect(
            s ->
                log.accept(
                    "drained: "
                        + (s.inFlight() - s.aborted())
                        + " in-flight request(s) finished, "
                        + s.aborted()
                        + " aborted, "
                        + s.followUps()
                        + " follow-up task(s) done, job stopped after "
                        + s.jobRuns()
                        + " runs, in "
                        + s.millis()
                        + " ms"
                        + (s.clean() ? "" : " (deadline exceeded)")));
  }

  private boolean gaveUp(Exception error) throws Exception {
    if (!(error instanceof TimeoutException)) throw error;
    log.accept("shutdown: background tasks missed the deadline; leaving them behind");
    return false;
  }

  /**
   * Serves until Ctrl-C or {@code SIGTERM}, then shuts down gracefully; the processor turns it into
   * the launcher {@code GracefulShutdown_Main}, which exits with the returned status.
   *
   * @param args optional {@code host:port} (default {@code 127.0.0.1:8082})
   * @return a future of the exit status: 0 if everything drained within the deadline, 1 otherwise
   */
  @AsyncMain(name = "graceful-shutdown")
  static Future<Integer> start(String[] args) {
    String address = args.length > 0 ? args[0] : "127.0.0.1:8082";
    GracefulShutdown app = new GracefulShutdown(line -> System.out.println(line));
    return HttpServer.builder()
        .shutdownTimeout(DEADLINE)
        .bind(address)
        .flatMap(
            server -> {
              var at = server.localAddress();
              System.out.println(
                  "listening on http://" + at.getHostString() + ":" + at.getPort() + "/");
              return app.run(server, Signals.shutdown(), DEADLINE);
            })
        .map(summary -> summary.clean() ? 0 : 1);
  }

  /**
   * Starts the server through the generated launcher ({@code java -jar graceful-shutdown.jar}).
   *
   * @param args as for {@link #start}
   */
  public static void main(String[] args) {
    GracefulShutdown_Main.main(args);
  }
}
