package io.kyoto.examples.todo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.service.Service;
import io.kyoto.web.Method;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import io.kyoto.web.route.TestClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code GET /api/events} in process: events after changes, keep-alives, unsubscribing. */
@Timeout(60)
class TodoEventsTest {
  final TodoStore store = new TodoStore();
  final Service<Request, Response> app =
      Todo.app(store, Assets.classpath(), Duration.ofSeconds(15), line -> {});

  static String text(Optional<ByteBuffer> chunk) {
    ByteBuffer b = chunk.orElseThrow(() -> new AssertionError("the event stream ended"));
    return StandardCharsets.UTF_8.decode(b).toString();
  }

  @Test
  void streamsEachChangeAsANamedEventWithAnId() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().enableTime().build();
        TestClient client = TestClient.of(app, rt)) {
      Response events = rt.blockOn(app.call(Request.get("/api/events")));
      assertEquals(200, events.status().code());
      assertEquals("text/event-stream", events.header("content-type"));
      assertEquals(1, store.subscribers());

      client.postJson("/api/todos", "{\"title\": \"milk\"}").assertStatus(201);
      client
          .request(Method.PUT, "/api/todos/1")
          .json("{\"title\": \"milk\", \"done\": true}")
          .send();
      client.delete("/api/todos/1").assertStatus(204);

      assertEquals(
          "event:created\nid:1\ndata:{\"seq\":1,\"type\":\"created\","
              + "\"item\":{\"id\":1,\"title\":\"milk\",\"done\":false}}\n\n",
          text(rt.blockOn(events.body().next())));
      assertTrue(text(rt.blockOn(events.body().next())).startsWith("event:updated\nid:2\n"));
      assertTrue(text(rt.blockOn(events.body().next())).startsWith("event:deleted\nid:3\n"));

      events.body().cancel(); // what the server does when the browser goes away
      assertEquals(0, store.subscribers(), "cancelling the response unsubscribed");
    }
  }

  @Test
  void idleStreamsGetKeepAlivesAndEndWhenTheStoreCloses() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
      Response events = rt.blockOn(app.call(Request.get("/api/events")));
      // the paused clock jumps the 15 idle seconds: a comment keeps proxies from timing out
      assertEquals(":\n\n", text(rt.blockOn(events.body().next())));
      store.close();
      assertTrue(rt.blockOn(events.body().next()).isEmpty(), "the stream ended at shutdown");
      assertEquals(0, store.subscribers());
    }
  }

  @Test
  void aSubscriberThatFallsBehindSkipsWhatItMissed() throws Exception {
    TodoStore small = new TodoStore(2);
    try (Runtime rt = Runtime.builder().currentThread().enableTime().build()) {
      var changes = small.changes();
      for (int i = 0; i < 5; i++) small.create(new TodoInput("t" + i, false));
      // capacity 2: changes 1 to 3 were overwritten, the stream goes on with 4
      assertEquals(4, rt.blockOn(changes.next()).orElseThrow().seq());
      assertEquals(5, rt.blockOn(changes.next()).orElseThrow().seq());
      changes.cancel();
      assertEquals(0, small.subscribers());
    }
  }
}
