package io.kyoto.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.web.route.Filters;
import io.kyoto.web.route.Router;
import io.kyoto.web.route.TestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class CookieTest {
  @TempDir Path dir;

  @Test
  void setCookieCarriesEveryAttribute() {
    Cookie c =
        Cookie.of("session", "abc.DEF-123_~")
            .path("/app")
            .domain("example.com")
            .maxAge(Duration.ofHours(2))
            .expires(Instant.parse("2030-01-02T03:04:05Z"))
            .secure(true)
            .httpOnly(true)
            .sameSite(Cookie.SameSite.NONE);
    assertEquals(
        "session=abc.DEF-123_~; Path=/app; Domain=example.com; Max-Age=7200;"
            + " Expires=Wed, 02 Jan 2030 03:04:05 GMT; Secure; HttpOnly; SameSite=None",
        c.toSetCookie());
    assertEquals("a=b", Cookie.of("a", "b").toSetCookie());
    assertEquals(
        "gone=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
        Cookie.removal("gone").toSetCookie());
    Response r = Response.ok().cookie(Cookie.of("a", "1")).cookie(Cookie.of("b", "2"));
    assertEquals(List.of("a=1", "b=2"), r.headers().getAll("set-cookie"));
  }

  @Test
  void namesValuesAndAttributesThatCouldBreakTheHeaderAreRefused() {
    for (String badValue :
        List.of("a b", "a;b", "a,b", "\"q\"", "back\\slash", "caf\u00e9", "\r\n")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Cookie.of("n", badValue), badValue);
      assertTrue(e.getMessage().startsWith("a cookie value may not hold"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> Cookie.of("", "v"));
    assertThrows(IllegalArgumentException.class, () -> Cookie.of("a=b", "v"));
    assertThrows(IllegalArgumentException.class, () -> Cookie.of("n", "v").path("/; Secure"));
    assertThrows(IllegalArgumentException.class, () -> Cookie.of("n", "v").domain("x\r\ny"));
    IllegalArgumentException none =
        assertThrows(
            IllegalArgumentException.class,
            () -> Cookie.of("n", "v").sameSite(Cookie.SameSite.NONE));
    assertEquals(
        "SameSite=None needs Secure: browsers refuse such a cookie (cookie n)", none.getMessage());
  }

  @Test
  void attributesOutsideAsciiAreRefusedByTheCookieNotByTheResponse() {
    // RFC 6265 section 4.1.1: a path or domain is CHARs (US-ASCII), no CTLs, no ';'. Accepting
    // "/\u65e5" here made Response.cookie throw, as no field value holds a char above 0xFF.
    for (String bad : List.of("/\u65e5\u672c", "/caf\u00e9", "/del\u007f")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Cookie.of("n", "v").path(bad), bad);
      assertTrue(e.getMessage().startsWith("a cookie path may not hold"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> Cookie.of("n", "v").domain(bad), bad);
    }
    Cookie ok = Cookie.of("n", "v").path("/a b/%E6%97%A5~").domain("xn--wgv71a.example");
    assertEquals(
        List.of("n=v; Path=/a b/%E6%97%A5~; Domain=xn--wgv71a.example"),
        Response.ok().cookie(ok).headers().getAll("set-cookie"));
  }

  @Test
  void requestCookiesAreReadLeniently() {
    Request r =
        Request.get("/")
            .header("Cookie", "a=1; b=\"two\";  c = 3 ;junk; =x; d=")
            .header("Cookie", "a=again; e=5");
    assertEquals("1", r.cookie("a"), "the first wins");
    assertEquals("two", r.cookie("b"));
    assertEquals("3", r.cookie("c"));
    assertEquals("", r.cookie("d"));
    assertEquals("5", r.cookie("e"));
    assertNull(r.cookie("junk"));
    assertNull(Request.get("/").cookie("a"));
  }

  @Test
  void cookiesThatBrowserScriptsSetWithSpacesQuotesOrCommasAreStillRead() throws Exception {
    // document.cookie accepts any value without ';' or controls, and browsers send it back as it
    // was set: JSON consent cookies, "a b", "x,y". warp's cookie filter reads them; so must we.
    CurlTest.curlPresent();
    var app =
        Router.create()
            .get("/consent", Filters.cookie("consent"))
            .handle((req, consent) -> Response.text(consent + "|" + req.cookie("greeting")))
            .build();
    try (ServerHarness h = new ServerHarness(app)) {
      assertEquals(
          "{\"ads\":false,\"stats\":true}|hello world",
          CurlTest.curl(
              null,
              "-b",
              "consent={\"ads\":false,\"stats\":true}; greeting=hello world",
              h.url("/consent")));
    }
    Request r = Request.get("/").header("Cookie", "list=a,b; path=C:\\tmp; bad=x\ty");
    assertEquals("a,b", r.cookie("list"));
    assertEquals("C:\\tmp", r.cookie("path"));
    assertNull(r.cookie("bad"), "control characters are never handed out");
  }

  @Test
  void filtersRejectAMissingCookieWith400() {
    var app =
        Router.create()
            .get("/need", Filters.cookie("token"))
            .handle((req, token) -> Response.text("token " + token))
            .get("/maybe", Filters.cookieOptional("theme"))
            .handle((req, theme) -> Response.text(theme.orElse("light")))
            .build();
    try (TestClient c = TestClient.of(app)) {
      assertEquals(
          "token t1",
          c.request(Method.GET, "/need").header("cookie", "x=1; token=t1").send().text());
      var missing = c.get("/need");
      assertEquals(400, missing.status());
      assertTrue(missing.text().contains("missing request cookie token"), missing.text());
      assertEquals("light", c.get("/maybe").text());
      assertEquals(
          "dark", c.request(Method.GET, "/maybe").header("cookie", "theme=dark").send().text());
    }
    assertEquals(Optional.empty(), Optional.ofNullable(Request.get("/").cookie("theme")));
  }

  @Test
  void curlsCookieJarRoundTrips() throws Exception {
    CurlTest.curlPresent();
    var app =
        Router.create()
            .post("/login")
            .handle(
                req ->
                    Response.text("in")
                        .cookie(Cookie.of("session", "s3cr3t").path("/").httpOnly(true))
                        .cookie(Cookie.of("theme", "dark").maxAge(Duration.ofDays(30))))
            .get("/me", Filters.cookie("session"))
            .handle((req, session) -> Response.text(session + " " + req.cookie("theme")))
            .post("/logout")
            .handle(req -> Response.text("out").cookie(Cookie.removal("session").path("/")))
            .build();
    Path jar = dir.resolve("jar.txt");
    try (ServerHarness h = new ServerHarness(app)) {
      assertEquals("in", CurlTest.curl(null, "-c", jar.toString(), "-X", "POST", h.url("/login")));
      String saved = Files.readString(jar);
      assertTrue(saved.contains("#HttpOnly_127.0.0.1") && saved.contains("session\ts3cr3t"), saved);
      assertEquals("s3cr3t dark", CurlTest.curl(null, "-b", jar.toString(), h.url("/me")));
      assertEquals(
          "out",
          CurlTest.curl(
              null, "-b", jar.toString(), "-c", jar.toString(), "-X", "POST", h.url("/logout")));
      assertTrue(
          CurlTest.curl(null, "-b", jar.toString(), h.url("/me"))
              .contains("missing request cookie"));
    }
  }
}
