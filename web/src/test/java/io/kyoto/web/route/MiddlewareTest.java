package io.kyoto.web.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.web.Method;
import io.kyoto.web.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MiddlewareTest {
  private static Cors cors() {
    return Cors.builder()
        .allowOrigins("https://app.example")
        .allowMethods(Method.GET, Method.POST)
        .allowHeaders("Content-Type", "X-Token")
        .exposeHeaders("X-Request-Id")
        .maxAge(Duration.ofMinutes(10))
        .build();
  }

  @Test
  void corsPreflightAllowedGets204WithAllowHeaders() {
    AtomicInteger reached = new AtomicInteger();
    try (TestClient c =
        TestClient.of(
            Router.create()
                .with(cors())
                .post("/api")
                .handle(
                    req -> {
                      reached.incrementAndGet();
                      return Response.ok();
                    })
                .build())) {
      TestResponse r =
          c.request(Method.OPTIONS, "/api")
              .header("Origin", "https://app.example")
              .header("Access-Control-Request-Method", "POST")
              .header("Access-Control-Request-Headers", "content-type, x-token")
              .send()
              .assertStatus(204);
      assertEquals("https://app.example", r.header("access-control-allow-origin"));
      assertEquals("GET, POST", r.header("access-control-allow-methods"));
      assertEquals("content-type, x-token", r.header("access-control-allow-headers"));
      assertEquals("600", r.header("access-control-max-age"));
      assertEquals(0, reached.get());
    }
  }

  @Test
  void corsPreflightDisallowedIs403WithoutCorsHeaders() {
    try (TestClient c =
        TestClient.of(
            Router.create().with(cors()).post("/api").handle(req -> Response.ok()).build())) {
      TestResponse badOrigin =
          c.request(Method.OPTIONS, "/api")
              .header("Origin", "https://evil.example")
              .header("Access-Control-Request-Method", "POST")
              .send()
              .assertStatus(403);
      assertNull(badOrigin.header("access-control-allow-origin"));
      c.request(Method.OPTIONS, "/api")
          .header("Origin", "https://app.example")
          .header("Access-Control-Request-Method", "DELETE")
          .send()
          .assertStatus(403);
      c.request(Method.OPTIONS, "/api")
          .header("Origin", "https://app.example")
          .header("Access-Control-Request-Method", "POST")
          .header("Access-Control-Request-Headers", "x-secret")
          .send()
          .assertStatus(403);
    }
  }

  @Test
  void corsSimpleRequests() {
    try (TestClient c =
        TestClient.of(
            Router.create().with(cors()).get("/x").handle(req -> Response.text("x")).build())) {
      TestResponse ok = c.request(Method.GET, "/x").header("Origin", "https://app.example").send();
      assertEquals("x", ok.text());
      assertEquals("https://app.example", ok.header("access-control-allow-origin"));
      assertEquals("X-Request-Id", ok.header("access-control-expose-headers"));
      assertEquals("Origin", ok.header("vary"));
      TestResponse other =
          c.request(Method.GET, "/x").header("Origin", "https://evil.example").send();
      assertEquals(200, other.status());
      assertNull(other.header("access-control-allow-origin"));
      assertNull(c.get("/x").header("access-control-allow-origin"));
    }
    Cors any = Cors.builder().allowAnyOrigin().allowMethods(Method.GET).build();
    try (TestClient c =
        TestClient.of(
            Router.create().with(any).get("/x").handle(req -> Response.text("x")).build())) {
      assertEquals(
          "*",
          c.request(Method.GET, "/x")
              .header("Origin", "https://a.b")
              .send()
              .header("access-control-allow-origin"));
    }
  }

  @Test
  void corsVariesByOriginOnEveryResponseWhenTheAnswerDependsOnIt() {
    // With a list of origins the answer depends on Origin: a shared cache must not serve the
    // response to a request without Origin (or from another origin) to the allowed origin.
    try (TestClient c =
        TestClient.of(
            Router.create().with(cors()).get("/x").handle(req -> Response.text("x")).build())) {
      assertEquals("Origin", c.get("/x").assertStatus(200).header("vary"));
      assertEquals(
          "Origin",
          c.request(Method.GET, "/x")
              .header("Origin", "https://evil.example")
              .send()
              .header("vary"));
      assertEquals(
          "Origin",
          c.request(Method.OPTIONS, "/x")
              .header("Origin", "https://evil.example")
              .header("Access-Control-Request-Method", "GET")
              .send()
              .assertStatus(403)
              .header("vary"));
      assertEquals(
          List.of("Origin"),
          c.request(Method.GET, "/x")
              .header("Origin", "https://app.example")
              .send()
              .headers("vary"));
    }
    Cors any = Cors.builder().allowAnyOrigin().allowMethods(Method.GET).build();
    try (TestClient c =
        TestClient.of(
            Router.create().with(any).get("/x").handle(req -> Response.text("x")).build())) {
      assertNull(c.get("/x").header("vary")); // "*" for everyone: nothing varies
    }
  }

  @Test
  void corsAndRequestIdLeaveAConstantResponseUnchanged() {
    // Response's javadoc: a constant response with a full body may answer many requests. The
    // layers must not write one request's origin or id into it for the next.
    Response pong = Response.text("pong");
    try (TestClient c =
        TestClient.of(
            Router.create()
                .with(cors())
                .with(RequestId.layer())
                .get("/ping")
                .handle(req -> pong)
                .build())) {
      TestResponse allowed =
          c.request(Method.GET, "/ping")
              .header("Origin", "https://app.example")
              .header("X-Request-Id", "first")
              .send();
      assertEquals("https://app.example", allowed.header("access-control-allow-origin"));
      TestResponse other =
          c.request(Method.GET, "/ping")
              .header("Origin", "https://evil.example")
              .header("X-Request-Id", "second")
              .send();
      assertEquals("pong", other.text());
      assertNull(other.header("access-control-allow-origin"), other.toString());
      assertEquals("second", other.header("x-request-id"));
      assertEquals("first", allowed.header("x-request-id"));
      assertEquals(List.of("Origin"), other.headers("vary"));
      assertNull(pong.header("access-control-allow-origin"));
      assertNull(pong.header("x-request-id"));
      assertNull(pong.header("vary"));
    }
  }

  @Test
  void requestIdIsKeptWhenValidAndGeneratedOtherwise() {
    try (TestClient c =
        TestClient.of(
            Router.create()
                .with(RequestId.layer())
                .get("/id")
                .handle(req -> Response.text(RequestId.of(req)))
                .build())) {
      TestResponse given = c.request(Method.GET, "/id").header("X-Request-Id", "abc-123").send();
      assertEquals("abc-123", given.text());
      assertEquals("abc-123", given.header("x-request-id"));

      TestResponse invalid = c.request(Method.GET, "/id").header("X-Request-Id", "bad id!").send();
      assertNotEquals("bad id!", invalid.text());
      assertTrue(
          invalid
              .text()
              .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
      assertEquals(invalid.text(), invalid.header("x-request-id"));

      String a = c.get("/id").header("x-request-id");
      String b = c.get("/id").header("x-request-id");
      assertNotNull(a);
      assertNotEquals(a, b);
      // Even a 404 carries the id.
      assertNotNull(c.get("/nope").assertStatus(404).header("x-request-id"));
    }
  }

  @Test
  void accessLogWritesOneLinePerRequest() {
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    try (TestClient c =
        TestClient.of(
            Router.create()
                .with(RequestId.layer())
                .with(AccessLog.to(lines::add))
                .get("/hello")
                .handle(req -> Response.text("hello"))
                .build())) {
      c.request(Method.GET, "/hello?secret=1").header("x-request-id", "r1").send();
      c.get("/missing");
    }
    assertEquals(2, lines.size());
    assertTrue(
        lines.get(0).matches("- \"GET /hello HTTP/1\\.1\" 200 5 \\d+us id=r1"), lines.get(0));
    assertTrue(
        lines.get(1).matches("- \"GET /missing HTTP/1\\.1\" 404 \\d+ \\d+us id=.+"), lines.get(1));
  }

  @Test
  void accessLogRecordsAFailedServiceAndPassesTheFailureOn() {
    List<String> lines = new ArrayList<>();
    io.kyoto.runtime.service.Service<io.kyoto.web.Request, Response> failing =
        AccessLog.to(lines::add)
            .layer(req -> io.kyoto.runtime.Futures.failed(new java.io.IOException("down")));
    try (TestClient c = TestClient.of(failing)) {
      org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> c.get("/z"));
    }
    assertEquals(1, lines.size());
    assertTrue(
        lines.get(0).matches("- \"GET /z HTTP/1\\.1\" 500 - \\d+us error=java\\.io\\.IOException"),
        lines.get(0));
  }

  /** The logged status is the one the server sends for the failure: 504 for a timeout. */
  @Test
  void accessLogRecordsTheStatusTheServerSendsForAFailure() {
    List<String> lines = new ArrayList<>();
    io.kyoto.runtime.service.Service<io.kyoto.web.Request, Response> timingOut =
        AccessLog.to(lines::add)
            .layer(
                req ->
                    io.kyoto.runtime.Futures.failed(
                        new java.util.concurrent.TimeoutException("deadline")));
    io.kyoto.runtime.service.Service<io.kyoto.web.Request, Response> shedding =
        AccessLog.to(lines::add)
            .layer(
                req ->
                    io.kyoto.runtime.Futures.failed(
                        new io.kyoto.runtime.service.OverloadedException()));
    for (var service : List.of(timingOut, shedding)) {
      try (TestClient c = TestClient.of(service)) {
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class, () -> c.get("/z"));
      }
    }
    assertEquals(2, lines.size());
    assertTrue(lines.get(0).matches("- \"GET /z HTTP/1\\.1\" 504 - \\d+us error=.+"), lines.get(0));
    assertTrue(lines.get(1).matches("- \"GET /z HTTP/1\\.1\" 503 - \\d+us error=.+"), lines.get(1));
  }
}
