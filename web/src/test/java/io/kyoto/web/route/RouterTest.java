package io.kyoto.web.route;

import static io.kyoto.web.route.Filters.header;
import static io.kyoto.web.route.Filters.headerExact;
import static io.kyoto.web.route.Filters.headerOptional;
import static io.kyoto.web.route.Filters.path;
import static io.kyoto.web.route.Filters.query;
import static io.kyoto.web.route.Filters.queryOptional;
import static io.kyoto.web.route.Filters.queryOr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.service.Service;
import io.kyoto.web.HttpException;
import io.kyoto.web.Method;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import io.kyoto.web.Status;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RouterTest {
  private TestClient client;

  private TestClient client(Router router) {
    client = TestClient.of(router.build());
    return client;
  }

  @AfterEach
  void close() {
    if (client != null) client.close();
  }

  @Test
  void typedPathParametersParseAndReachTheHandler() {
    var c =
        client(
            Router.create()
                .get("/users/{id}", path("id", Parser.LONG))
                .handle((req, id) -> Response.text("user " + (id + 1)))
                .get("/orders/{id}", path("id", Parser.UUID))
                .handle((req, id) -> Response.text(id.toString()))
                .get("/sum/{a}/{b}", path("a", Parser.INT), path("b", Parser.INT))
                .handle((req, a, b) -> Response.text(Integer.toString(a + b)))
                .get("/hex/{n}", path("n", s -> Integer.parseInt(s, 16)))
                .handle((req, n) -> Response.text(Integer.toString(n))));
    assertEquals("user 42", c.get("/users/41").assertStatus(200).text());
    UUID u = UUID.randomUUID();
    assertEquals(u.toString(), c.get("/orders/" + u).assertStatus(200).text());
    assertEquals("7", c.get("/sum/3/4").text());
    assertEquals("255", c.get("/hex/ff").text());
  }

  @Test
  void badPathParameterIs400NamingTheParameter() {
    var c =
        client(
            Router.create()
                .get("/users/{id}", path("id", Parser.LONG))
                .handle((req, id) -> Response.text("user " + id))
                .get("/orders/{id}", path("id", Parser.UUID))
                .handle((req, id) -> Response.text(id.toString())));
    TestResponse r = c.get("/users/abc").assertStatus(400);
    assertEquals("invalid path parameter id: \"abc\" is not a long integer", r.text());
    assertEquals(
        "invalid path parameter id: \"nope\" is not a UUID",
        c.get("/orders/nope").assertStatus(400).text());
    assertEquals(
        "invalid path parameter id: \"99999999999999999999\" is not a long integer",
        c.get("/users/99999999999999999999").assertStatus(400).text());
  }

  @Test
  void percentEncodedSegmentsAreDecoded() {
    var c =
        client(
            Router.create()
                .get("/hello/{name}", path("name"))
                .handle((req, name) -> Response.text("hello " + name)));
    assertEquals("hello Zoë K", c.get("/hello/Zo%C3%AB%20K").text());
    assertEquals("hello a+b", c.get("/hello/a+b").text()); // '+' is not a space in paths
    c.get("/hello/%zz").assertStatus(400);
  }

  @Test
  void unknownPathIs404AndWrongMethodIs405WithAllow() {
    var c =
        client(
            Router.create()
                .get("/items")
                .handle(req -> Response.text("list"))
                .post("/items")
                .handle(req -> Response.of(Status.CREATED))
                .delete("/items/{id}", path("id"))
                .handle((req, id) -> Response.of(Status.NO_CONTENT)));
    c.get("/nothing").assertStatus(404);
    c.get("/items/1/extra").assertStatus(404);
    c.get("/items/").assertStatus(404); // trailing slash is a segment of its own
    TestResponse r = c.request(Method.PUT, "/items").send().assertStatus(405);
    assertEquals("GET, POST, HEAD", r.header("allow"));
    assertEquals("DELETE", c.get("/items/9").assertStatus(405).header("allow"));
    c.request(Method.POST, "/items").send().assertStatus(201);
    c.delete("/items/9").assertStatus(204);
  }

  @Test
  void headIsServedByGet() {
    var c = client(Router.create().get("/x").handle(req -> Response.text("body")));
    assertEquals(200, c.request(Method.HEAD, "/x").send().status());
  }

  @Test
  void literalSegmentsWinOverParametersAndBacktrack() {
    var c =
        client(
            Router.create()
                .get("/users/me")
                .handle(req -> Response.text("me"))
                .get("/users/{id}")
                .handle(req -> Response.text("param"))
                .get("/users/me/settings")
                .handle(req -> Response.text("settings"))
                .get("/users/{id}/posts", path("id"))
                .handle((req, id) -> Response.text("posts of " + id))
                .get("/files/{*path}", path("path"))
                .handle((req, p) -> Response.text("file " + p))
                .delete("/users/{id}", path("id"))
                .handle((req, id) -> Response.text("deleted " + id)));
    assertEquals("me", c.get("/users/me").text());
    assertEquals("param", c.get("/users/7").text());
    assertEquals("settings", c.get("/users/me/settings").text());
    assertEquals("posts of me", c.get("/users/me/posts").text()); // backtracked to {id}
    assertEquals("deleted me", c.delete("/users/me").text()); // method found on the param branch
    assertEquals("file a/b/c.txt", c.get("/files/a/b/c.txt").text());
  }

  @Test
  void queryParametersTypedOptionalAndDefaulted() {
    var c =
        client(
            Router.create()
                .get(
                    "/search",
                    query("q"),
                    queryOr("page", Parser.INT, 1),
                    queryOptional("n", Parser.LONG))
                .handle((req, q, page, n) -> Response.text(q + "|" + page + "|" + n.orElse(-1L))));
    assertEquals("kyoto rs|1|-1", c.get("/search?q=kyoto+rs").text());
    assertEquals("a&b|3|10", c.get("/search?q=a%26b&page=3&n=10").text());
    assertEquals("missing query parameter q", c.get("/search?page=2").assertStatus(400).text());
    assertEquals(
        "invalid query parameter page: \"two\" is not an integer",
        c.get("/search?q=x&page=two").assertStatus(400).text());
  }

  @Test
  void aMalformedEscapeInAQueryValueIsA400NotAMissingParameter() {
    var c =
        client(
            Router.create()
                .get(
                    "/search",
                    query("q"),
                    queryOr("page", Parser.INT, 1),
                    queryOptional("n", Parser.LONG))
                .handle((req, q, page, n) -> Response.text(q + "|" + page + "|" + n.orElse(-1L))));
    // queryOr/queryOptional took a malformed value for an absent one and used the fallback.
    assertEquals(
        "invalid query parameter page: malformed percent-encoding in \"%zz\"",
        c.get("/search?q=x&page=%zz").assertStatus(400).text());
    assertEquals(
        "invalid query parameter n: malformed percent-encoding in \"1%\"",
        c.get("/search?q=x&n=1%").assertStatus(400).text());
    assertEquals(
        "invalid query parameter q: malformed percent-encoding in \"%G1\"",
        c.get("/search?q=%G1").assertStatus(400).text());
    assertEquals("x|2|-1", c.get("/search?q=x&page=2&%zz=1").text()); // a bad name is skipped
    // Bytes that are not UTF-8 are refused, not turned into U+FFFD (as warp): %C0%AF is an
    // overlong "/", and two different requests must not decode to one value.
    assertEquals(
        "invalid query parameter q: percent-encoding that is not UTF-8 in \"%C0%AF\"",
        c.get("/search?q=%C0%AF").assertStatus(400).text());
    assertEquals("é ü|1|-1", c.get("/search?q=%C3%A9+%C3%BC").text());
  }

  @Test
  void aPathSegmentThatIsNotUtf8IsA400() {
    var c =
        client(
            Router.create()
                .get("/files/{name}", path("name"))
                .handle((req, name) -> Response.text(name)));
    assertEquals("café", c.get("/files/caf%C3%A9").text());
    c.get("/files/%C0%AF").assertStatus(400);
    c.get("/files/%FF").assertStatus(400);
    // Request.queryParam takes such a value for an absent one, as a malformed escape.
    assertNull(Request.get("/x?q=%C0%AF").queryParam("q"));
    assertEquals("é", Request.get("/x?q=%C3%A9").queryParam("q"));
  }

  @Test
  void headersRequiredOptionalAndExact() {
    var c =
        client(
            Router.create()
                .get("/h", header("x-user"), header("x-count", Parser.INT), headerOptional("x-opt"))
                .handle((req, u, n, opt) -> Response.text(u + n + opt.orElse("-")))
                .get("/exact")
                .guard(headerExact("x-api-version", "2"))
                .handle(req -> Response.text("v2")));
    assertEquals(
        "bob3-",
        c.request(Method.GET, "/h").header("X-User", "bob").header("x-count", "3").send().text());
    assertEquals(
        "bob3yes",
        c.request(Method.GET, "/h")
            .header("x-user", "bob")
            .header("x-count", " 3 ")
            .header("x-opt", "yes")
            .send()
            .text());
    assertEquals("missing request header x-user", c.get("/h").assertStatus(400).text());
    c.request(Method.GET, "/h")
        .header("x-user", "b")
        .header("x-count", "x")
        .send()
        .assertStatus(400);
    assertEquals("v2", c.request(Method.GET, "/exact").header("x-api-version", "2").send().text());
    assertEquals(
        "header x-api-version must be \"2\"",
        c.request(Method.GET, "/exact")
            .header("x-api-version", "1")
            .send()
            .assertStatus(400)
            .text());
  }

  @Test
  void routesForTheSamePathAreTriedInOrderAndBestRejectionWins() {
    var c =
        client(
            Router.create()
                .get("/v")
                .guard(headerExact("accept", "application/json"))
                .handle(req -> Response.json("{}"))
                .get("/v")
                .guard(headerExact("accept", "text/plain"))
                .handle(req -> Response.text("plain"))
                .get("/w", Filters.contentLengthLimit(10))
                .handle((req, n) -> Response.text("w"))
                .get("/w", header("x-never"))
                .handle((req, x) -> Response.text("x")));
    assertEquals(
        "{}", c.request(Method.GET, "/v").header("accept", "application/json").send().text());
    assertEquals("plain", c.request(Method.GET, "/v").header("accept", "text/plain").send().text());
    c.get("/v").assertStatus(400);
    // 411 (length required) beats 400 (missing header): the higher status wins.
    c.get("/w").assertStatus(411);
  }

  @Test
  void handlerExceptionsMapTo500AndHttpExceptionsToTheirStatus() {
    var c =
        client(
            Router.create()
                .get("/boom")
                .handle(
                    req -> {
                      throw new IllegalStateException("secret detail");
                    })
                .get("/teapot")
                .handle(
                    req -> {
                      throw new HttpException(Status.of(418), "short and stout");
                    })
                .get("/async-fail")
                .handleAsync(req -> Futures.failed(new HttpException(Status.CONFLICT, "taken"))));
    TestResponse boom = c.get("/boom").assertStatus(500);
    assertEquals("Internal Server Error", boom.text());
    assertEquals("short and stout", c.get("/teapot").assertStatus(418).text());
    assertEquals("taken", c.get("/async-fail").assertStatus(409).text());
  }

  /**
   * A handler's timeout is 504 and shed load 503 with retry-after, as the server maps them (README,
   * "Failures map to statuses"); the router answered both with 500 and logged a stack trace.
   */
  @Test
  void handlerTimeoutsAnswer504AndOverloadAnswers503() {
    var c =
        client(
            Router.create()
                .get("/slow")
                .handleAsync(
                    req ->
                        Time.timeout(Duration.ofMillis(20), Time.sleep(Duration.ofSeconds(5)))
                            .map(v -> Response.text("late")))
                .get("/shed")
                .handleAsync(
                    req -> Futures.failed(new io.kyoto.runtime.service.OverloadedException()))
                .get("/closed")
                .handleAsync(
                    req ->
                        Futures.failed(
                            new io.kyoto.runtime.service.ServiceClosedException("closed", null))));
    assertEquals("Gateway Timeout", c.get("/slow").assertStatus(504).text());
    TestResponse shed = c.get("/shed").assertStatus(503);
    assertEquals("1", shed.header("retry-after"));
    assertEquals("1", c.get("/closed").assertStatus(503).header("retry-after"));
  }

  /** Integers are ASCII digits: Arabic-Indic or fullwidth digits do not name id 12. */
  @Test
  void integerParametersTakeAsciiDigitsOnly() {
    var c =
        client(
            Router.create()
                .get("/n/{id}", path("id", Parser.LONG))
                .handle((req, id) -> Response.text("id " + id))
                .get("/i/{id}", path("id", Parser.INT))
                .handle((req, id) -> Response.text("id " + id)));
    assertEquals("id 12", c.get("/n/12").assertStatus(200).text());
    assertEquals("id -12", c.get("/i/-12").assertStatus(200).text());
    assertEquals("id 12", c.get("/i/+12").assertStatus(200).text());
    c.get("/n/%D9%A1%D9%A2").assertStatus(400); // ١٢
    c.get("/i/%EF%BC%91%EF%BC%92").assertStatus(400); // １２
    c.get("/i/-").assertStatus(400);
  }

  @Test
  void recoverCustomisesRejectionsAndFailures() {
    var c =
        client(
            Router.create()
                .get("/boom")
                .handle(
                    req -> {
                      throw new IllegalArgumentException("bad");
                    })
                .get("/id/{n}", path("n", Parser.INT))
                .handle((req, n) -> Response.text("n"))
                .recover(
                    (req, error) -> {
                      if (error instanceof Rejection r && r.isNotFound()) {
                        return Response.html("<h1>no " + req.path() + "</h1>")
                            .status(Status.NOT_FOUND);
                      }
                      if (error instanceof IllegalArgumentException) {
                        return Response.text("mapped").status(Status.UNPROCESSABLE_CONTENT);
                      }
                      return null;
                    }));
    TestResponse r = c.get("/missing").assertStatus(404);
    assertEquals("<h1>no /missing</h1>", r.text());
    assertEquals("text/html; charset=utf-8", r.header("content-type"));
    assertEquals("mapped", c.get("/boom").assertStatus(422).text());
    c.get("/id/x").assertStatus(400); // null from recover: default mapping
  }

  @Test
  void asyncHandlersRunOnTheRuntime() {
    var c =
        client(
            Router.create()
                .get("/slow/{ms}", path("ms", Parser.INT))
                .handleAsync(
                    (req, ms) ->
                        Time.sleep(Duration.ofMillis(ms)).map(v -> Response.text("slept " + ms))));
    assertEquals("slept 5", c.get("/slow/5").text());
  }

  @Test
  void scopePrefixesPatterns() {
    var c =
        client(
            Router.create()
                .scope(
                    "/api",
                    api ->
                        api.scope(
                            "/v1", v1 -> v1.get("/ping").handle(req -> Response.text("pong")))));
    assertEquals("pong", c.get("/api/v1/ping").text());
    c.get("/ping").assertStatus(404);
  }

  @Test
  void badPatternsAndUnknownPathParametersFailAtRegistration() {
    Router r = Router.create();
    assertThrows(
        IllegalArgumentException.class,
        () -> r.get("/a/{id}", path("nope")).handle((q, x) -> Response.ok()));
    assertThrows(IllegalArgumentException.class, () -> r.get("users").handle(q -> Response.ok()));
    assertThrows(
        IllegalArgumentException.class, () -> r.get("/a/x{id}").handle(q -> Response.ok()));
    assertThrows(
        IllegalArgumentException.class, () -> r.get("/a/{*t}/b").handle(q -> Response.ok()));
    assertThrows(
        IllegalArgumentException.class, () -> r.get("/a/{x}/{x}").handle(q -> Response.ok()));
  }

  @Test
  void duplicateRoutesAndExpressStyleParametersFailAtRegistration() {
    // Before, the second GET /x never ran and /x/:id was a literal segment that answered 404.
    IllegalStateException dup =
        assertThrows(
            IllegalStateException.class,
            () ->
                Router.create()
                    .get("/x")
                    .handle(q -> Response.text("first"))
                    .get("/x")
                    .handle(q -> Response.text("second")));
    assertEquals(
        "duplicate route GET /x: the one added before it has no guard or filter that can reject,"
            + " so this one would never run",
        dup.getMessage());
    IllegalStateException renamed =
        assertThrows(
            IllegalStateException.class,
            () ->
                Router.create()
                    .get("/users/{id}", path("id"))
                    .handle((q, id) -> Response.ok())
                    .get("/users/{name}", path("name"))
                    .handle((q, name) -> Response.ok()));
    assertEquals(
        "route GET /users/{name} would never run: GET /users/{id}, added before it, matches the"
            + " same paths and has no guard or filter that can reject, so it answers them all",
        renamed.getMessage());
    assertThrows(
        IllegalStateException.class,
        () ->
            Router.create()
                .scope("/api", api -> api.get("/files/{*p}").handle(q -> Response.ok()))
                .get("/api/files/{*rest}", path("rest"))
                .handle((q, p) -> Response.ok()));
    IllegalArgumentException colon =
        assertThrows(
            IllegalArgumentException.class,
            () -> Router.create().get("/x/:id").handle(q -> Response.ok()));
    assertEquals(
        "\":id\" in \"/x/:id\" is not a parameter: write {id} (a segment may not start with ':')",
        colon.getMessage());
  }

  @Test
  void overlapsTheRouterResolvesAreAccepted() {
    var c =
        client(
            Router.create()
                .get("/a/me")
                .handle(q -> Response.text("literal"))
                .get("/a/{id}")
                .handle(q -> Response.text("param"))
                .get("/a/{*rest}")
                .handle(q -> Response.text("tail"))
                .post("/a/{id}")
                .handle(q -> Response.text("post"))
                // An earlier route that can reject leaves room for a later one.
                .get("/n/{id}", path("id", Parser.LONG))
                .handle((q, id) -> Response.text("number " + id))
                .get("/n/{slug}", path("slug"))
                .handle((q, slug) -> Response.text("slug " + slug))
                .get("/g")
                .guard(headerExact("accept", "text/plain"))
                .handle(q -> Response.text("guarded"))
                .get("/g")
                .handle(q -> Response.text("fallback"))
                // A colon inside a segment is literal (Google-API style custom methods).
                .post("/v1/items:batch")
                .handle(q -> Response.text("batch"))
                .get("/t/a:")
                .handle(q -> Response.text("colon last")));
    assertEquals("literal", c.get("/a/me").text());
    assertEquals("param", c.get("/a/7").text());
    assertEquals("tail", c.get("/a/7/8").text());
    assertEquals("post", c.request(Method.POST, "/a/7").send().text());
    assertEquals("number 5", c.get("/n/5").text());
    assertEquals("slug five", c.get("/n/five").text());
    assertEquals(
        "guarded", c.request(Method.GET, "/g").header("accept", "text/plain").send().text());
    assertEquals("fallback", c.get("/g").text());
    assertEquals("batch", c.request(Method.POST, "/v1/items:batch").send().text());
    assertEquals("colon last", c.get("/t/a:").text());
  }

  @Test
  void aRecoveredMethodNotAllowedKeepsItsAllowHeader() {
    // A recover hook that turns rejections into JSON lost the Allow header RFC 9110 requires.
    var c =
        client(
            Router.create()
                .get("/x")
                .handle(q -> Response.text("x"))
                .get("/own")
                .handle(q -> Response.text("own"))
                .get("/hidden")
                .handle(q -> Response.text("hidden"))
                .recover(
                    (req, e) -> {
                      if (req.path().equals("/own")) {
                        return Response.text("own")
                            .status(Status.METHOD_NOT_ALLOWED)
                            .header("allow", "GET");
                      }
                      if (req.path().equals("/hidden")) return Response.of(Status.NOT_FOUND);
                      return e instanceof HttpException h
                          ? Json.response(h.status(), java.util.Map.of("error", h.getMessage()))
                          : null;
                    }));
    TestResponse r = c.request(Method.PUT, "/x").send().assertStatus(405);
    assertEquals("GET, HEAD", r.header("allow"));
    assertEquals("{\"error\":\"Method Not Allowed\"}", r.text());
    // The hook's own Allow stays; a 405 turned into another status gets none.
    assertEquals("GET", c.request(Method.PUT, "/own").send().assertStatus(405).header("allow"));
    assertNull(c.request(Method.PUT, "/hidden").send().assertStatus(404).header("allow"));
    // Not a rejection: nothing to add.
    assertNull(c.get("/nothing").assertStatus(404).header("allow"));
  }

  @Test
  void routerIsAServiceUsableWithoutTheTestClient() throws Exception {
    Service<Request, Response> app =
        Router.create().get("/").handle(req -> Response.text("root")).build();
    try (Runtime rt = Runtime.builder().currentThread().enableTime().build()) {
      Response r = rt.blockOn(app.call(Request.get("/")));
      assertEquals(200, r.status().code());
      assertEquals("root", rt.blockOn(r.body().string()));
      Response missing = rt.blockOn(app.call(Request.get("http://host/x?y")));
      assertEquals(404, missing.status().code());
      assertNull(missing.header("allow"));
    }
  }

  @Test
  void rejectionPreferenceFollowsWarp() {
    Rejection nf = Rejection.notFound();
    Rejection mna = Rejection.methodNotAllowed(java.util.Set.of(Method.GET));
    Rejection bad = Rejection.badRequest("x");
    Rejection big = Rejection.payloadTooLarge("y");
    assertEquals(mna, Rejection.preferred(nf, mna));
    assertEquals(mna, Rejection.preferred(mna, nf));
    assertEquals(bad, Rejection.preferred(mna, bad));
    assertEquals(bad, Rejection.preferred(bad, mna));
    assertEquals(big, Rejection.preferred(bad, big));
    Rejection bad2 = Rejection.badRequest("z");
    assertEquals(bad, Rejection.preferred(bad, bad2));
    assertTrue(nf.isNotFound());
  }

  @Test
  void aLaterRouteSeesTheBodyAnEarlierRejectedRouteRead() {
    var c =
        client(
            Router.create()
                .post("/x", Filters.string(), header("x-admin"))
                .handle((req, body, admin) -> Response.text("admin " + body))
                .post("/x", Filters.string())
                .handle((req, body) -> Response.text("user " + body))
                .post("/y", Json.body(RouterTest.Point.class).optional(), Filters.string())
                .handle((req, p, raw) -> Response.text(p.map(Point::x).orElse(-1) + " " + raw)));
    assertEquals(
        "admin hi",
        c.request(Method.POST, "/x").header("x-admin", "1").body("text/plain", "hi").send().text());
    assertEquals("user hi", c.post("/x", "text/plain", "hi").text());
    // optional(): a rejection (415 here) becomes empty; the body is still readable afterwards.
    assertEquals("-1 {\"x\":1}", c.post("/y", "text/plain", "{\"x\":1}").text());
    assertEquals("1 {\"x\":1}", c.postJson("/y", "{\"x\":1}").text());
  }

  record Point(int x) {}

  @Test
  void customParsersDescribeThemselvesInErrors() {
    Parser<Integer> hex = Parser.named("a hex number", s -> Integer.parseInt(s, 16));
    var c =
        client(
            Router.create()
                .get("/hex/{n}", path("n", hex))
                .handle((req, n) -> Response.text(Integer.toString(n))));
    assertEquals("26", c.get("/hex/1a").text());
    assertEquals(
        "invalid path parameter n: \"zz\" is not a hex number",
        c.get("/hex/zz").assertStatus(400).text());
  }
}
