package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.ThrowingFunction;
import io.kyoto.runtime.annotation.AsyncTest;
import io.kyoto.runtime.sync.CancellationToken;
import io.kyoto.web.HttpClient;
import io.kyoto.web.HttpServer;
import io.kyoto.web.Response;
import org.junit.jupiter.api.BeforeAll;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service over real sockets: each test starts {@link App} on a free port, calls it with the
 * Kyoto {@link HttpClient} and shuts it down gracefully. The Kyoto processor turns each
 * {@code @AsyncTest} into a JUnit test of the generated class {@code AppSpec_AsyncTest}, which runs
 * the returned future on a fresh runtime.
 */
class AppSpec {
  static final ObjectMapper JSON = JsonMapper.builder().build();

  /** A response read whole: status, content type and body. */
  record Reply(int status, String contentType, String body) {
    <T> T as(Class<T> type) {
      return JSON.readValue(body, type);
    }
  }

  /** Loads Jackson outside the runtimes, as {@code App.run} does before it starts serving. */
  @BeforeAll
  static void warmUp() {
    App.warmUp();
    JSON.readValue("{\"message\":\"warm-up\"}", App.Greeting.class);
  }

  @AsyncTest(timeout = 30_000)
  Future<Void> greetingAnswersJson() {
    return withApp(http -> http.apply("/api/greeting?name=kyoto"))
        .map(
            reply -> {
              assertEquals(200, reply.status());
              assertTrue(reply.contentType().startsWith("application/json"), reply.contentType());
              assertEquals(new App.Greeting("hello kyoto"), reply.as(App.Greeting.class));
              return null;
            });
  }

  @AsyncTest(timeout = 30_000)
  Future<Void> greetingHasADefaultName() {
    return withApp(http -> http.apply("/api/greeting"))
        .map(
            reply -> {
              assertEquals(200, reply.status());
              assertEquals("{\"message\":\"hello world\"}", reply.body());
              return null;
            });
  }

  @AsyncTest(timeout = 30_000)
  Future<Void> tickWaitsOnATimerInAnotherTask() {
    return withApp(http -> http.apply("/api/tick?ms=50"))
        .map(
            reply -> {
              assertEquals(200, reply.status());
              App.Tick tick = reply.as(App.Tick.class);
              assertTrue(tick.tick() >= 1, reply.body());
              assertTrue(tick.waitedMs() >= 50, reply.body());
              return null;
            });
  }

  @AsyncTest(timeout = 30_000)
  Future<Void> tickRejectsAnOutOfRangeWait() {
    return withApp(http -> http.apply("/api/tick?ms=-1"))
        .map(
            reply -> {
              assertEquals(400, reply.status());
              assertTrue(reply.body().contains("ms must be between"), reply.body());
              return null;
            });
  }

  /**
   * Starts the app on {@code 127.0.0.1:0}, runs {@code calls} with a function that GETs a path and
   * reads the whole reply, then shuts the server down gracefully and waits for it to finish. The
   * assertions run afterwards, on the value {@code calls} produced.
   */
  static <T> Future<T> withApp(
      ThrowingFunction<ThrowingFunction<String, Future<Reply>>, Future<T>> calls) {
    return HttpServer.bind("127.0.0.1:0")
        .flatMap(
            server -> {
              CancellationToken stop = new CancellationToken();
              JoinHandle<Void> serving = Task.spawn(App.serve(server, stop.cancelled()));
              HttpClient client = HttpClient.create();
              String base = App.url(server.localAddress());
              ThrowingFunction<String, Future<Reply>> get =
                  path ->
                      client
                          .get(base + path)
                          .flatMap(
                              response ->
                                  response.body().string().map(body -> reply(response, body)));
              return calls
                  .apply(get)
                  .handle(
                      (value, error) -> {
                        client.close();
                        stop.cancel();
                        if (error != null) throw error;
                        return value;
                      })
                  .flatMap(value -> serving.map(done -> value));
            });
  }

  static Reply reply(Response response, String body) {
    String type = response.header("content-type");
    return new Reply(response.status().code(), type == null ? "" : type, body);
  }
}
