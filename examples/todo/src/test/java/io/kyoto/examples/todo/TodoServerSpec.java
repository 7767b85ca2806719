package io.kyoto.examples.todo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Flavor;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Futures.Step;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.ThrowingFunction;
import io.kyoto.runtime.annotation.AsyncTest;
import io.kyoto.web.Body;
import io.kyoto.web.HttpClient;
import io.kyoto.web.HttpServer;
import io.kyoto.web.Request;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The real server on a free port, driven by the Kyoto client and the JDK's: the processor generates
 * {@code TodoServerSpec_AsyncTest}, which Surefire runs.
 */
class TodoServerSpec {
  /** A running server: its base URL, its store, the future of its accept loop and a client. */
  record Running(
      HttpServer server, TodoStore store, String base, JoinHandle<Void> serving, HttpClient kyoto) {
    /** {@return a future that completes once the server has shut down gracefully} */
    Future<Void> stop() {
      kyoto.close(); // its pooled connections would keep the server lingering for their EOF
      store.close();
      server.shutdown();
      return serving;
    }
  }

  /** Starts the app on {@code 127.0.0.1:0}, runs {@code test} against it, then stops it. */
  static Future<Void> withServer(ThrowingFunction<Running, Future<Void>> test) {
    TodoStore store = new TodoStore();
    return HttpServer.bind("127.0.0.1:0")
        .flatMap(
            server -> {
              var app =
                  Todo.app(
                      store,
                      Assets.classpath(),
                      Duration.ofSeconds(15),
                      line -> {},
                      server::metrics);
              String base = "http://127.0.0.1:" + server.localAddress().getPort();
              Running running =
                  new Running(
                      server, store, base, Task.spawn(server.serve(app)), HttpClient.create());
              return test.apply(running).flatMap(v -> running.stop());
            });
  }

  @AsyncTest(flavor = Flavor.MULTI_THREAD, workerThreads = 2, timeout = 30_000)
  Future<Void> metricsCountTheRequestsServedSoFar() {
    return withServer(
        s ->
            s.kyoto()
                .get(s.base() + "/api/todos")
                .flatMap(r -> r.body().string())
                .flatMap(v -> s.kyoto().get(s.base() + "/api/todos/42"))
                .flatMap(r -> r.body().string())
                .flatMap(v -> s.kyoto().get(s.base() + "/api/metrics"))
                .flatMap(
                    r -> {
                      assertEquals(200, r.status().code());
                      return r.body().string();
                    })
                .map(
                    json -> {
                      // The metrics request itself is counted before its response is written.
                      assertTrue(json.contains("\"requests\":3,"), json);
                      assertTrue(json.contains("\"responses2xx\":1,"), json);
                      assertTrue(json.contains("\"responses4xx\":1,"), json);
                      assertTrue(json.contains("\"rejectedRequests\":0,"), json);
                      assertTrue(json.contains("\"runtime\":{\"workers\":2,"), json);
                      return null;
                    }));
  }

  static Request postJson(String url, String json) {
    return Request.post(url, Body.of(json)).header("content-type", "application/json");
  }

  @AsyncTest(flavor = Flavor.MULTI_THREAD, workerThreads = 2, timeout = 30_000)
  Future<Void> kyotoAndJdkClientsShareTheTodos() {
    return withServer(
        s ->
            s.kyoto()
                .send(postJson(s.base() + "/api/todos", "{\"title\": \"from kyoto\"}"))
                .flatMap(
                    r -> {
                      assertEquals(201, r.status().code());
                      assertNotNull(r.header("x-request-id"));
                      return r.body().string();
                    })
                .map(
                    created -> {
                      assertEquals("{\"id\":1,\"title\":\"from kyoto\",\"done\":false}", created);
                      return null;
                    })
                // the JDK client blocks: run it on the blocking pool, not on a worker
                .flatMap(v -> Task.spawnBlocking(() -> jdkClient(s.base())))
                .flatMap(v -> s.kyoto().get(s.base() + "/api/todos?done=true"))
                .flatMap(r -> r.body().string())
                .map(
                    done -> {
                      assertEquals("[{\"id\":2,\"title\":\"from the JDK\",\"done\":true}]", done);
                      return null;
                    }));
  }

  /** The JDK's {@link java.net.http.HttpClient}: a POST, the list, and a JSON 404. */
  static Void jdkClient(String base) throws Exception {
    try (var jdk = java.net.http.HttpClient.newHttpClient()) {
      HttpResponse<String> created =
          jdk.send(
              HttpRequest.newBuilder(URI.create(base + "/api/todos"))
                  .header("content-type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"title\": \"from the JDK\", \"done\": true}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(201, created.statusCode(), created.body());
      assertEquals("/api/todos/2", created.headers().firstValue("location").orElseThrow());

      HttpResponse<String> all =
          jdk.send(
              HttpRequest.newBuilder(URI.create(base + "/api/todos")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(
          "[{\"id\":1,\"title\":\"from kyoto\",\"done\":false},"
              + "{\"id\":2,\"title\":\"from the JDK\",\"done\":true}]",
          all.body());
      assertEquals("application/json", all.headers().firstValue("content-type").orElseThrow());

      HttpResponse<String> missing =
          jdk.send(
              HttpRequest.newBuilder(URI.create(base + "/api/todos/42")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(404, missing.statusCode());
      assertEquals("{\"error\":\"todo 42 not found\"}", missing.body());
      return null;
    }
  }

  @AsyncTest(flavor = Flavor.MULTI_THREAD, workerThreads = 2, timeout = 30_000)
  Future<Void> anEventArrivesAfterAPostAndTheStreamEndsAtShutdown() {
    TodoStore[] storeSeen = new TodoStore[1];
    return withServer(
            s -> {
              storeSeen[0] = s.store();
              return s.kyoto()
                  .get(s.base() + "/api/events")
                  .flatMap(
                      events -> {
                        assertEquals(200, events.status().code());
                        assertEquals("text/event-stream", events.header("content-type"));
                        return s.kyoto()
                            .send(postJson(s.base() + "/api/todos", "{\"title\": \"live\"}"))
                            .flatMap(r -> r.body().drain())
                            .flatMap(v -> readUntil(events.body(), "\n\n"));
                      })
                  .map(
                      event -> {
                        assertTrue(event.startsWith("event:created\nid:1\n"), event);
                        assertTrue(event.contains("\"title\":\"live\""), event);
                        return null;
                      });
            })
        // withServer's stop() returned only once every connection, the event stream's too, ended
        .inspect(v -> assertEquals(0, storeSeen[0].subscribers()));
  }

  /** {@return the text of {@code body} up to and including {@code marker}, however it is split} */
  static Future<String> readUntil(Body body, String marker) {
    return Futures.loop(
        "",
        seen ->
            body.next()
                .map(
                    chunk -> {
                      String text =
                          seen
                              + StandardCharsets.UTF_8.decode(
                                  chunk.orElseThrow(() -> new AssertionError("ended: " + seen)));
                      int end = text.indexOf(marker);
                      return end < 0
                          ? Step.<String, String>next(text)
                          : Step.<String, String>done(text.substring(0, end + marker.length()));
                    }));
  }
}
