package io.kyoto.web.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.web.Body;
import io.kyoto.web.HttpServer;
import io.kyoto.web.Method;
import io.kyoto.web.Response;
import io.kyoto.web.Status;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BodyFiltersTest {
  record NewUser(String name, int age) {}

  record Created(long id, String name) {}

  private TestClient c;

  @BeforeEach
  void setUp() {
    c =
        TestClient.of(
            Router.create()
                .bodyLimit(64)
                .post("/users", Json.body(NewUser.class))
                .handle((req, u) -> Json.response(Status.CREATED, new Created(7, u.name())))
                .post("/big", Json.body(NewUser.class, 1024))
                .handle((req, u) -> Response.text(u.name()))
                .post("/form", Filters.form())
                .handle(
                    (req, f) ->
                        Response.text(f.get("name") + "," + f.getAll("tag") + "," + f.get("x")))
                .post("/echo", Filters.string())
                .handle((req, s) -> Response.text(s.toUpperCase()))
                .put("/raw", Filters.bytes(4))
                .handle((req, b) -> Response.text(Integer.toString(b.length)))
                .put("/limited", Filters.bytes())
                .guard(Filters.contentLengthLimit(8))
                .handle((req, b) -> Response.text("ok " + b.length))
                .build());
  }

  @AfterEach
  void tearDown() {
    c.close();
  }

  @Test
  void jsonBodyBindsToARecordAndJsonResponseSerialises() {
    TestResponse r = c.postJson("/users", "{\"name\":\"Ada\",\"age\":36}").assertStatus(201);
    assertEquals("application/json", r.header("content-type"));
    assertEquals(new Created(7, "Ada"), r.json(Created.class));
    assertEquals("{\"id\":7,\"name\":\"Ada\"}", r.text());
    c.post("/users", "application/vnd.kyoto+json; charset=utf-8", "{\"name\":\"B\",\"age\":1}")
        .assertStatus(201);
  }

  @Test
  void jsonWithWrongContentTypeIs415() {
    TestResponse r =
        c.post("/users", "text/plain", "{\"name\":\"Ada\",\"age\":36}").assertStatus(415);
    assertEquals("expected Content-Type application/json, got text/plain", r.text());
    c.request(Method.POST, "/users").send().assertStatus(415);
  }

  @Test
  void malformedJsonIs400WithAMessageNamingTheProblem() {
    TestResponse r = c.postJson("/users", "{\"name\":\"Ada\",").assertStatus(400);
    assertEquals(
        "invalid JSON body: Unexpected end-of-input within/between Object entries"
            + " at line 1, column 15",
        r.text());
    assertTrue(r.text().startsWith("invalid JSON body: "), r.text());
    assertTrue(r.text().contains("line 1"), r.text());
    TestResponse wrongType =
        c.postJson("/users", "{\"name\":\"Ada\",\"age\":\"old\"}").assertStatus(400);
    String array = c.postJson("/users", "[1,2]").assertStatus(400).text();
    assertTrue(array.contains("`NewUser` from Array value"), array);
    assertTrue(!array.contains("io.kyoto"), "no package names leak to clients: " + array);
    String trailing = c.postJson("/users", "{\"name\":\"A\",\"age\":1} x").assertStatus(400).text();
    assertTrue(trailing.contains("Unrecognized token 'x'"), trailing);
    assertTrue(wrongType.text().contains("(at property age)"), wrongType.text());
    assertEquals(
        "invalid JSON body: empty body", c.postJson("/users", "").assertStatus(400).text());
    // Jackson's "(start marker at [Source: REDACTED ...; byte offset: #UNKNOWN])" is left out.
    assertEquals(
        "invalid JSON body: Unexpected end-of-input: expected close marker for Object at line 1,"
            + " column 14",
        c.postJson("/users", "{\"name\":\"Ada\"").assertStatus(400).text());
  }

  @Test
  void bodyOverTheLimitIs413() {
    String big = "{\"name\":\"" + "x".repeat(100) + "\",\"age\":1}";
    TestResponse r = c.postJson("/users", big).assertStatus(413);
    assertEquals("request body larger than the limit of 64 bytes", r.text());
    assertEquals("x".repeat(100), c.postJson("/big", big).assertStatus(200).text());
    c.post("/form", "application/x-www-form-urlencoded", "a=" + "b".repeat(80)).assertStatus(413);
  }

  @Test
  void streamedBodyWithoutLengthIsCutAtTheLimit() {
    List<byte[]> chunks = List.of(new byte[3], new byte[3]);
    Body streamed = Body.from(chunkStream(chunks), -1);
    c.request(Method.PUT, "/raw")
        .body("application/octet-stream", streamed)
        .send()
        .assertStatus(413);
    Body small = Body.from(chunkStream(List.of(new byte[2], new byte[2])), -1);
    assertEquals(
        "4", c.request(Method.PUT, "/raw").body("application/octet-stream", small).send().text());
  }

  @Test
  void contentLengthLimitGivesLengthRequiredAndTooLarge() {
    Body streamed = Body.from(chunkStream(List.of(new byte[2])), -1);
    c.request(Method.PUT, "/limited")
        .body("application/octet-stream", streamed)
        .send()
        .assertStatus(411);
    c.request(Method.PUT, "/limited").body("text/plain", "0123456789").send().assertStatus(413);
    assertEquals("ok 3", c.request(Method.PUT, "/limited").body("text/plain", "abc").send().text());
  }

  @Test
  void formBodyIsDecoded() {
    assertEquals(
        "Zoë K,[a, b],",
        c.postForm("/form", "name=Zo%C3%AB+K&tag=a&tag=b&x=").assertStatus(200).text());
    TestResponse wrong = c.post("/form", "application/json", "{}").assertStatus(415);
    assertEquals(
        "expected Content-Type application/x-www-form-urlencoded, got application/json",
        wrong.text());
    assertTrue(
        c.postForm("/form", "name=%zz").assertStatus(400).text().startsWith("malformed form body"));
  }

  @Test
  void stringBody() {
    assertEquals("HELLO", c.post("/echo", "text/plain", "hello").text());
  }

  @Test
  void aLaterRouteNeverGetsTheRestOfABodyAnEarlierRouteGaveUpOnPartlyRead() throws Exception {
    // Route A reads 5 bytes, then a chunk that takes it past its limit: it rejects with 413 and
    // the body is half-read. Route B must not be handed the rest as if it were the whole body
    // (warp: a body taken once cannot be taken again); the answer stays 413, and the connection
    // stays framed for the next request.
    var app =
        Router.create()
            .post("/data", Filters.bytes(8))
            .handle((req, b) -> Response.text("a " + b.length))
            .post("/data", Filters.bytes(1000))
            .handle((req, b) -> Response.text("b " + new String(b, StandardCharsets.UTF_8)))
            .build();
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(1).enableAll().build()) {
      HttpServer server = rt.blockOn(HttpServer.bind("127.0.0.1:0"));
      var serving = rt.spawn(server.serve(app));
      try (Socket s = new Socket("127.0.0.1", server.localAddress().getPort())) {
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write(
            ("POST /data HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\na\r\n0123456789\r\n5\r\nworld\r\n0\r\n\r\n"
                    + "POST /data HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                    + "Connection: close\r\n\r\nabc")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String both = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        int second = both.indexOf("HTTP/1.1", 1);
        assertTrue(second > 0, "two responses: " + both);
        String first = both.substring(0, second);
        assertTrue(first.startsWith("HTTP/1.1 413 "), first);
        assertTrue(!first.contains("b world"), first);
        assertTrue(both.substring(second).startsWith("HTTP/1.1 200 "), both);
        assertTrue(both.endsWith("a 3"), both);
      } finally {
        server.shutdown();
        rt.blockOn(serving);
      }
    }
  }

  private static io.kyoto.runtime.stream.Stream<ByteBuffer> chunkStream(List<byte[]> chunks) {
    int[] next = {0};
    return cx ->
        next[0] < chunks.size()
            ? Poll.ready(ByteBuffer.wrap(chunks.get(next[0]++)))
            : io.kyoto.runtime.stream.Stream.end();
  }
}
