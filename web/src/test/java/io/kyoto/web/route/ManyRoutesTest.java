package io.kyoto.web.route;

import static io.kyoto.web.route.Filters.path;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.service.Service;
import io.kyoto.web.Method;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import org.junit.jupiter.api.Test;

/** The trie with hundreds of routes: every route answers exactly its own requests. */
class ManyRoutesTest {
  static final int RESOURCES = 100;

  /** 5 routes per resource: 500 routes (list, create, get, update, sub-resource). */
  static Service<Request, Response> app() {
    Router r = Router.create();
    for (int i = 0; i < RESOURCES; i++) {
      String base = "/api/r" + i;
      String tag = "r" + i;
      r.get(base).handle(req -> Response.text(tag + " list"));
      r.post(base).handle(req -> Response.text(tag + " create"));
      r.get(base + "/{id}", path("id", Parser.LONG))
          .handle((req, id) -> Response.text(tag + " get " + id));
      r.put(base + "/{id}", path("id", Parser.LONG))
          .handle((req, id) -> Response.text(tag + " put " + id));
      r.get(base + "/{id}/items/{item}", path("id", Parser.LONG), path("item"))
          .handle((req, id, item) -> Response.text(tag + " item " + id + "/" + item));
    }
    return r.build();
  }

  @Test
  void fiveHundredRoutesEachMatchTheirOwnRequests() {
    try (TestClient c = TestClient.of(app())) {
      for (int i = 0; i < RESOURCES; i++) {
        String base = "/api/r" + i;
        String tag = "r" + i;
        assertEquals(tag + " list", c.get(base).assertStatus(200).text());
        assertEquals(tag + " create", c.request(Method.POST, base).send().text());
        assertEquals(tag + " get " + i * 3, c.get(base + "/" + i * 3).text());
        assertEquals(tag + " put 5", c.request(Method.PUT, base + "/5").send().text());
        assertEquals(tag + " item 9/x" + i, c.get(base + "/9/items/x" + i).text());
        assertEquals("GET, PUT, HEAD", c.delete(base + "/1").assertStatus(405).header("allow"));
        c.get(base + "/1/items").assertStatus(404);
        c.get(base + "/nope").assertStatus(400);
      }
      c.get("/api/r" + RESOURCES).assertStatus(404);
      c.get("/api").assertStatus(404);
    }
  }

  /** A rough look at lookup cost, not a benchmark (no timing assertions): run it by hand. */
  public static void main(String[] args) throws Exception {
    Service<Request, Response> app = app();
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      for (int round = 0; round < 5; round++) {
        long start = System.nanoTime();
        int n = 200_000;
        for (int k = 0; k < n; k++) {
          rt.blockOn(app.call(Request.get("/api/r" + (k % RESOURCES) + "/" + k + "/items/a")));
        }
        System.out.printf("%.0f ns/request%n", (System.nanoTime() - start) / (double) n);
      }
    }
  }
}
