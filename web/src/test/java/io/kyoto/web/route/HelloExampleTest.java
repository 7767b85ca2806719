package io.kyoto.web.route;

import static io.kyoto.web.route.Filters.cookie;
import static io.kyoto.web.route.Filters.multipart;
import static io.kyoto.web.route.Filters.path;
import static io.kyoto.web.route.Filters.queryOr;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kyoto.runtime.service.Service;
import io.kyoto.web.Method;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import org.junit.jupiter.api.Test;

/** The example of the package documentation, verbatim, so that it keeps compiling. */
class HelloExampleTest {
  record Greeting(String to) {}

  record Page(int number, int size) {}

  @Test
  void packageDocExampleWorks() {
    // --- the package-info example ---
    Service<Request, Response> app =
        Router.create()
            .get("/")
            .handle(req -> Response.text("hello\n"))
            .get("/hello/{name}", path("name"))
            .handle((req, name) -> Response.text("hello " + name))
            .get("/sum/{a}/{b}", path("a", Parser.INT), path("b", Parser.INT))
            .handle((req, a, b) -> Response.text(Integer.toString(a + b)))
            .post("/greet", Json.body(Greeting.class))
            .handle((req, g) -> Json.response(g))
            .with(AccessLog.toLogger())
            .build();
    // --- end ---
    try (TestClient c = TestClient.of(app)) {
      assertEquals("hello\n", c.get("/").text());
      assertEquals("hello kyoto", c.get("/hello/kyoto").text());
      assertEquals("5", c.get("/sum/2/3").text());
      assertEquals("{\"to\":\"you\"}", c.postJson("/greet", "{\"to\":\"you\"}").text());
    }
  }

  @Test
  void readmeWebScreenRoutesWork() {
    // --- the README's "web layer in one screen" routes added for cookies, forms and compression
    // ---
    Service<Request, Response> app =
        Router.create()
            .get("/me", cookie("session"))
            .handle((req, s) -> Response.text("session " + s))
            .post("/upload", multipart())
            .handle((req, form) -> Response.text(form.part("file").size() + " bytes"))
            .with(AccessLog.toLogger())
            .with(Compression.create())
            .build();
    // --- end ---
    try (TestClient c = TestClient.of(app)) {
      assertEquals(
          "session s1", c.request(Method.GET, "/me").header("cookie", "session=s1").send().text());
      String form =
          "--b\r\nContent-Disposition: form-data; name=file; filename=a.txt\r\n\r\nhello\r\n--b--";
      assertEquals(
          "5 bytes",
          c.request(Method.POST, "/upload")
              .body("multipart/form-data; boundary=b", form)
              .send()
              .text());
    }
  }

  @Test
  void filtersCombineIntoRecords() {
    Filter<Page> page =
        queryOr("page", Parser.INT, 1).and(queryOr("size", Parser.INT, 20), Page::new);
    Filter<String> asyncBody = Filters.string();
    Service<Request, Response> app =
        Router.create()
            .get("/list", page)
            .handle((req, p) -> Response.text(p.toString()))
            .post("/both", page.and(asyncBody, (p, body) -> p.number() + ":" + body))
            .handle((req, s) -> Response.text(s))
            .build();
    try (TestClient c = TestClient.of(app)) {
      assertEquals("Page[number=1, size=20]", c.get("/list").text());
      assertEquals("Page[number=3, size=5]", c.get("/list?page=3&size=5").text());
      c.get("/list?size=big").assertStatus(400);
      assertEquals("2:abc", c.post("/both?page=2", "text/plain", "abc").text());
    }
  }
}
