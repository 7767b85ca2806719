package io.kyoto.web.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.service.Service;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import org.junit.jupiter.api.Test;

class TestClientTest {
  private static final Service<Request, Response> ECHO =
      Router.create()
          .post("/echo", Filters.headerOptional("x-tag"), Filters.string())
          .handle(
              (req, tag, body) ->
                  Response.text(tag.orElse("-") + ":" + body).header("x-len", "" + body.length()))
          .build();

  @Test
  void sendsRequestsAndExposesStatusHeadersAndBody() {
    try (TestClient c = TestClient.of(ECHO)) {
      TestResponse r = c.post("/echo", "text/plain", "héllo").assertStatus(200);
      assertEquals("-:héllo", r.text());
      assertEquals("5", r.header("X-Len"));
      assertEquals("text/plain; charset=utf-8", r.headers("content-type").get(0));
      assertEquals(8, r.bytes().length);
      assertEquals("OK", r.statusLine().reason());
    }
  }

  @Test
  void defaultHeadersAreSentUnlessOverridden() {
    try (TestClient c = TestClient.of(ECHO).defaultHeader("x-tag", "d")) {
      assertEquals("d:a", c.post("/echo", "text/plain", "a").text());
      assertEquals(
          "own:b",
          c.request(io.kyoto.web.Method.POST, "/echo")
              .header("x-tag", "own")
              .body("text/plain", "b")
              .send()
              .text());
    }
  }

  @Test
  void assertStatusReportsTheActualResponse() {
    try (TestClient c = TestClient.of(ECHO)) {
      AssertionError e = assertThrows(AssertionError.class, () -> c.get("/nope").assertStatus(200));
      assertTrue(e.getMessage().contains("404"), e.getMessage());
      assertTrue(e.getMessage().contains("Not Found"), e.getMessage());
    }
  }

  @Test
  void aClientUsedOnlyInsideATaskStartsNoThreads() throws Exception {
    // An @AsyncTest makes a client per test and awaits sendAsync; an unclosed client must not
    // leave a runtime (and its threads) behind each time.
    try (Runtime rt = Runtime.builder().currentThread().enableTime().build()) {
      int before = Thread.activeCount();
      for (int i = 0; i < 20; i++) {
        TestClient c = TestClient.of(ECHO); // never closed, as a test would
        TestResponse r =
            rt.blockOn(c.sendAsync(Request.post("/echo", io.kyoto.web.Body.of("x" + i))));
        assertEquals("-:x" + i, r.text());
      }
      assertTrue(
          Thread.activeCount() <= before + 1,
          "threads: " + before + " before, " + Thread.activeCount() + " after");
    }
  }

  @Test
  void runsOnABorrowedRuntimeAndAsyncInsideATask() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().enableTime().build()) {
      TestClient c = TestClient.of(ECHO, rt);
      assertEquals("-:x", c.post("/echo", "text/plain", "x").text());
      c.close(); // does not close the borrowed runtime
      String viaTask =
          rt.blockOn(
              Futures.lazy(
                  () ->
                      c.sendAsync(
                              Request.post("/echo", io.kyoto.web.Body.of("y"))
                                  .header("content-type", "text/plain"))
                          .map(TestResponse::text)));
      assertEquals("-:y", viaTask);
    }
  }

  @Test
  void concurrentSendAsyncFromSeveralTasksUseTheirOwnServiceHandles() throws Exception {
    // Readiness belongs to one caller: requests sent at once through a stateful service (here a
    // concurrency limit of 1) must each use a handle of their own, as the server's connections do.
    Service<Request, Response> limited =
        Router.create()
            .with(io.kyoto.runtime.service.ConcurrencyLimit.layer(1))
            .get("/slow")
            .handleAsync(req -> io.kyoto.runtime.Task.yieldNow().map(v -> Response.text("ok")))
            .build();
    try (Runtime rt = Runtime.builder().currentThread().enableTime().startPaused(true).build()) {
      TestClient c = TestClient.of(limited, rt);
      java.util.List<String> texts =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    java.util.List<io.kyoto.runtime.Future<String>> all =
                        new java.util.ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                      all.add(
                          io.kyoto.runtime.Task.spawn(
                              c.sendAsync(Request.get("/slow")).map(TestResponse::text)));
                    }
                    return io.kyoto.runtime.Time.timeout(
                        java.time.Duration.ofSeconds(5), Futures.join(all));
                  }));
      assertEquals(java.util.List.of("ok", "ok", "ok"), texts);
    }
  }

  @Test
  void aFailingServiceIsReportedClearly() {
    Service<Request, Response> broken = req -> Futures.failed(new java.io.IOException("down"));
    try (TestClient c = TestClient.of(broken)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.get("/"));
      assertTrue(e.getMessage().contains("down"));
    }
  }
}
