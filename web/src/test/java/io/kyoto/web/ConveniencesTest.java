package io.kyoto.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.service.Service;
import io.kyoto.web.route.Filters;
import io.kyoto.web.route.Router;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code Response.redirect} and the client's {@code post}/{@code postJson}, over a real socket. */
@Timeout(60)
class ConveniencesTest {
  static final Service<Request, Response> APP =
      Router.create()
          .post("/echo", Filters.headerOptional("content-type"), Filters.string())
          .handle(
              (req, type, body) ->
                  Response.text(type.orElse("-") + "|" + req.header("accept") + "|" + body))
          .post("/form")
          .handle(req -> Response.redirect("/done"))
          .get("/done")
          .handle(req -> Response.text("done"))
          .get("/user")
          .handle(req -> io.kyoto.web.route.Json.response(new User("ada", 36)))
          .get("/broken")
          .handle(req -> Response.json("{\"name\": \"ada\", \"age\": \"old\"}"))
          .build();

  record User(String name, int age) {}

  @Test
  void postAndPostJsonSendTheirBodyAndMediaType() throws Exception {
    try (ServerHarness h = new ServerHarness(APP);
        HttpClient client = HttpClient.builder().build()) {
      Response json = h.rt.blockOn(client.postJson(h.url("/echo"), "{\"a\":1}"));
      assertEquals(
          "application/json|application/json|{\"a\":1}", h.rt.blockOn(json.body().string()));
      Response form =
          h.rt.blockOn(
              client.post(h.url("/echo"), "application/x-www-form-urlencoded", Body.of("a=1&b=2")));
      assertEquals(
          "application/x-www-form-urlencoded|null|a=1&b=2", h.rt.blockOn(form.body().string()));
    }
  }

  @Test
  void aRedirectIsFollowedWithAGetAfterAPost() throws Exception {
    Response r = Response.redirect("/done");
    assertEquals(303, r.status().code());
    assertEquals("/done", r.header("location"));
    assertEquals(0, r.body().contentLength());
    assertEquals(308, Response.redirect(Status.PERMANENT_REDIRECT, "https://x/").status().code());
    assertThrows(IllegalArgumentException.class, () -> Response.redirect(Status.OK, "/x"));
    assertThrows(IllegalArgumentException.class, () -> Response.redirect("/x\r\nSet-Cookie: a=b"));
    assertThrows(IllegalArgumentException.class, () -> Response.redirect(""));
    try (ServerHarness h = new ServerHarness(APP);
        HttpClient client = HttpClient.builder().followRedirects(5).build()) {
      Response followed = h.rt.blockOn(client.post(h.url("/form"), "text/plain", Body.of("x")));
      assertEquals(200, followed.status().code()); // 303: followed with a GET
      assertTrue(h.rt.blockOn(followed.body().string()).equals("done"));
    }
  }

  @Test
  void aJsonResponseIsDecodedOrItsProblemNamed() throws Exception {
    try (ServerHarness h = new ServerHarness(APP);
        HttpClient client = HttpClient.builder().build()) {
      User u =
          h.rt.blockOn(
              client
                  .get(h.url("/user"))
                  .flatMap(r -> io.kyoto.web.route.Json.decode(r, User.class)));
      assertEquals(new User("ada", 36), u);
      java.io.IOException e =
          assertThrows(
              java.io.IOException.class,
              () ->
                  h.rt.blockOn(
                      client
                          .get(h.url("/broken"))
                          .flatMap(r -> io.kyoto.web.route.Json.decode(r, User.class))));
      assertTrue(e.getMessage().startsWith("invalid JSON response: "), e.getMessage());
      assertTrue(e.getMessage().contains("(at property age)"), e.getMessage());
    }
  }
}
