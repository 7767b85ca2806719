package io.kyoto.examples.todo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.service.Service;
import io.kyoto.web.Method;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import io.kyoto.web.route.TestClient;
import io.kyoto.web.route.TestResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every route, in process through {@link TestClient}: statuses, bodies and error shapes. */
@Timeout(60)
class TodoRoutesTest {
  record Error(String error) {}

  final List<String> log = new CopyOnWriteArrayList<>();
  TodoStore store;
  TestClient client;

  @BeforeEach
  void start() {
    store = new TodoStore();
    client = TestClient.of(app(Assets.classpath()));
  }

  @AfterEach
  void stop() {
    client.close();
  }

  Service<Request, Response> app(Assets assets) {
    return Todo.app(store, assets, Duration.ofSeconds(15), log::add);
  }

  TestResponse post(String json) {
    return client.postJson("/api/todos", json);
  }

  TestResponse put(String target, String json) {
    return client.request(Method.PUT, target).json(json).send();
  }

  /** Asserts an error response: its status, JSON content type and message. */
  static void assertError(TestResponse r, int status, String message) {
    r.assertStatus(status);
    assertEquals("application/json", r.header("content-type"), r.toString());
    assertEquals(new Error(message), r.json(Error.class), r.toString());
  }

  @Test
  void createsReadsListsReplacesAndDeletes() throws Exception {
    TestResponse created = post("{\"title\": \"  buy milk \"}").assertStatus(201);
    assertEquals(new Item(1, "buy milk", false), created.json(Item.class));
    assertEquals("/api/todos/1", created.header("location"));
    post("{\"title\": \"write docs\", \"done\": true}").assertStatus(201);

    assertEquals(
        new Item(1, "buy milk", false),
        client.get("/api/todos/1").assertStatus(200).json(Item.class));
    assertEquals(
        "[{\"id\":1,\"title\":\"buy milk\",\"done\":false},"
            + "{\"id\":2,\"title\":\"write docs\",\"done\":true}]",
        client.get("/api/todos").assertStatus(200).text());

    assertEquals(
        new Item(1, "buy oat milk", true),
        put("/api/todos/1", "{\"title\": \"buy oat milk\", \"done\": true}")
            .assertStatus(200)
            .json(Item.class));
    assertEquals(new Item(1, "buy oat milk", true), store.get(1));

    TestResponse deleted = client.delete("/api/todos/1").assertStatus(204);
    assertEquals(0, deleted.bytes().length);
    assertError(client.get("/api/todos/1"), 404, "todo 1 not found");
    assertError(client.delete("/api/todos/1"), 404, "todo 1 not found");
    assertError(put("/api/todos/1", "{\"title\": \"x\"}"), 404, "todo 1 not found");
    assertEquals(1, store.list(java.util.Optional.empty()).size());
  }

  @Test
  void listFiltersByTypedDoneQuery() {
    post("{\"title\": \"a\"}");
    post("{\"title\": \"b\", \"done\": true}");
    post("{\"title\": \"c\", \"done\": false}");
    assertArrayEquals(
        new Item[] {new Item(2, "b", true)},
        client.get("/api/todos?done=true").assertStatus(200).json(Item[].class));
    assertArrayEquals(
        new Item[] {new Item(1, "a", false), new Item(3, "c", false)},
        client.get("/api/todos?done=FALSE").json(Item[].class));
    assertEquals(3, client.get("/api/todos").json(Item[].class).length);
    assertError(
        client.get("/api/todos?done=maybe"),
        400,
        "invalid query parameter done: \"maybe\" is not a boolean");
  }

  @Test
  void validatesTitles() {
    assertError(post("{}"), 422, "title is required");
    assertError(post("{\"title\": null, \"done\": true}"), 422, "title is required");
    assertError(post("{\"title\": \"   \"}"), 422, "title must not be blank");
    assertError(post("null"), 400, "invalid JSON body: expected a value, got null");
    assertError(
        post("{\"title\": \"" + "x".repeat(201) + "\"}"),
        422,
        "title must be at most 200 characters, got 201");
    // 200 characters, counted as code points: 200 emoji are 400 UTF-16 chars
    post("{\"title\": \"" + "x".repeat(200) + "\"}").assertStatus(201);
    post("{\"title\": \"" + "\uD83D\uDE00".repeat(200) + "\"}").assertStatus(201);
    assertError(put("/api/todos/1", "{\"title\": \"\"}"), 422, "title must not be blank");
    assertEquals(2, store.list(java.util.Optional.empty()).size(), "nothing invalid was stored");
  }

  @Test
  void malformedBodiesAreJsonErrors() {
    TestResponse broken = post("{\"title\": ");
    broken.assertStatus(400);
    assertTrue(broken.json(Error.class).error().startsWith("invalid JSON body"), broken.toString());
    TestResponse wrongType = post("{\"title\": \"a\", \"done\": \"perhaps\"}");
    wrongType.assertStatus(400);
    assertTrue(wrongType.json(Error.class).error().contains("done"), wrongType.toString());

    assertError(
        client.post("/api/todos", "text/plain", "buy milk"),
        415,
        "expected Content-Type application/json, got text/plain");
    TestResponse tooLarge =
        post("{\"title\": \"" + "x".repeat(TodoInput.MAX_BODY) + "\"}").assertStatus(413);
    assertEquals("application/json", tooLarge.header("content-type"));
    assertNotNull(tooLarge.json(Error.class).error());
  }

  @Test
  void badIdsUnknownRoutesAndMethodsAreJsonErrors() {
    assertError(
        client.get("/api/todos/abc"),
        400,
        "invalid path parameter id: \"abc\" is not a long integer");
    assertError(client.get("/api/nothing"), 404, "no route for /api/nothing");
    assertError(client.get("/api/todos/1/extra"), 404, "no route for /api/todos/1/extra");

    TestResponse patch = client.request(Method.PATCH, "/api/todos").json("{}").send();
    assertEquals(405, patch.status(), patch.toString());
    String allow = patch.header("allow");
    assertTrue(allow.contains("GET") && allow.contains("POST"), allow);
    assertEquals(
        new Error("PATCH is not allowed on /api/todos; use " + allow), patch.json(Error.class));
    assertEquals(405, client.request(Method.POST, "/api/todos/1").send().status());
  }

  @Test
  void everyResponseHasARequestIdAndALogLine() {
    TestResponse mine =
        client.request(Method.GET, "/api/todos").header("x-request-id", "trace-42").send();
    assertEquals("trace-42", mine.header("x-request-id"));
    TestResponse generated = client.get("/api/todos/99");
    String id = generated.header("x-request-id");
    assertNotNull(id);
    assertEquals(2, log.size(), log.toString());
    assertTrue(log.get(0).contains("\"GET /api/todos HTTP/1.1\" 200"), log.get(0));
    assertTrue(log.get(0).contains("id=trace-42"), log.get(0));
    assertTrue(log.get(1).contains(" 404 ") && log.get(1).contains("id=" + id), log.get(1));
  }

  @Test
  void servesThePageAndItsScriptFromTheClassPath() {
    TestResponse page = client.get("/").assertStatus(200);
    assertEquals("text/html; charset=utf-8", page.header("content-type"));
    assertTrue(page.text().contains("<script src=\"/static/app.js\">"));
    TestResponse script = client.get("/static/app.js").assertStatus(200);
    assertEquals("text/javascript; charset=utf-8", script.header("content-type"));
    assertTrue(script.text().contains("new EventSource('/api/events')"));
    // cached after the first read
    assertEquals(script.text(), client.get("/static/app.js").text());

    assertError(client.get("/static/missing.js"), 404, "no asset missing.js");
    // the router does not remove dot segments: the tail is "../Todo.class", which Assets refuses
    assertError(client.get("/static/../Todo.class"), 404, "no asset ../Todo.class");
    assertError(client.get("/static/%2e%2e/Todo.class"), 404, "no asset ../Todo.class");
    assertEquals(405, client.request(Method.POST, "/static/app.js").send().status());
  }

  @Test
  void servesThePageFromADirectoryWithStaticFiles(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("index.html"), "<h1>from disk</h1>");
    Files.writeString(dir.resolve("app.js"), "console.log('disk')");
    try (TestClient disk = TestClient.of(app(Assets.dir(dir)))) {
      TestResponse page = disk.get("/").assertStatus(200);
      assertEquals("<h1>from disk</h1>", page.text());
      TestResponse script = disk.get("/static/app.js").assertStatus(200);
      assertEquals("text/javascript; charset=utf-8", script.header("content-type"));
      String etag = script.header("etag");
      assertNotNull(etag, "StaticFiles sends validators");
      disk.request(Method.GET, "/static/app.js")
          .header("if-none-match", etag)
          .send()
          .assertStatus(304);
      assertError(disk.get("/static/nope.js"), 404, "no asset nope.js");
      assertError(disk.get("/static/../secret"), 404, "no asset ../secret");
    }
  }

  @Test
  void errorBodiesAreSmallJsonObjects() {
    TestResponse r = client.get("/api/todos/7");
    assertEquals(Map.of("error", "todo 7 not found"), r.json(Map.class));
  }
}
