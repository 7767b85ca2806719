package io.kyoto.web.route;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.web.Body;
import io.kyoto.web.Method;
import io.kyoto.web.Response;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultipartTest {
  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static Multipart parse(String boundary, String body) throws Rejection {
    return Multipart.parse(boundary, ascii(body));
  }

  static String malformed(String boundary, String body) {
    return assertThrows(Rejection.class, () -> parse(boundary, body)).getMessage();
  }

  @Test
  void parsesFieldsAndFilesAsBrowsersSendThem() throws Exception {
    String body =
        "--XyZ\r\n"
            + "Content-Disposition: form-data; name=\"title\"\r\n"
            + "\r\n"
            + "Holiday\r\n"
            + "--XyZ\r\n"
            + "Content-Disposition: form-data; name=\"file\"; filename=\"caf\u00e9 \\\"1\\\".txt\"\r\n"
            + "Content-Type: text/markdown\r\n"
            + "\r\n"
            + "line one\r\n--XyZnot a boundary: it goes on\r\n\r\n"
            + "--XyZ\r\n"
            + "Content-Disposition: form-data; name=\"file\"; filename=\"\"\r\n"
            + "Content-Type: application/octet-stream\r\n"
            + "\r\n"
            + "\r\n"
            + "--XyZ--\r\n";
    Multipart form = parse("XyZ", body);
    assertEquals(3, form.parts().size());
    assertEquals("Holiday", form.value("title"));
    Multipart.Part title = form.part("title");
    assertFalse(title.isFile());
    assertEquals("text/plain", title.contentType());
    Multipart.Part file = form.part("file");
    assertEquals("caf\u00e9 \"1\".txt", file.filename());
    assertEquals("text/markdown", file.contentType());
    assertEquals("line one\r\n--XyZnot a boundary: it goes on\r\n", file.text());
    List<Multipart.Part> files = form.all("file");
    assertEquals(2, files.size());
    assertEquals("", files.get(1).filename(), "an empty file input");
    assertEquals(0, files.get(1).size());
    assertNull(form.part("nope"));
    assertNull(form.value("nope"));
  }

  @Test
  void preambleEpiloguePaddingAndBinaryContent() throws Exception {
    byte[] binary = new byte[256];
    for (int i = 0; i < binary.length; i++) binary[i] = (byte) i;
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(ascii("This is the preamble.\r\n--b \t\r\n"));
    b.writeBytes(ascii("content-disposition: FORM-DATA; name=bin; filename=x.bin\r\n\r\n"));
    b.writeBytes(binary);
    b.writeBytes(ascii("\r\n--b\r\nContent-Disposition: form-data; name=\"e\"\r\n\r\n\r\n--b--"));
    b.writeBytes(ascii("\r\nthe epilogue, ignored\r\n--b\r\n"));
    Multipart form = Multipart.parse("b", b.toByteArray());
    assertEquals(2, form.parts().size());
    assertArrayEquals(binary, form.part("bin").content());
    assertEquals("x.bin", form.part("bin").filename());
    assertEquals("", form.value("e"));
    // No parts at all: just the closing boundary.
    assertEquals(0, parse("b", "--b--").parts().size());
  }

  @Test
  void aRequiredPartThatIsMissingIsA400NamingIt() throws Exception {
    Multipart form =
        Multipart.parse(
            "b", ascii("--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nx\r\n--b--"));
    assertEquals("x", form.requiredPart("title").text());
    Rejection e = assertThrows(Rejection.class, () -> form.requiredPart("file"));
    assertEquals(400, e.status().code());
    assertEquals("missing form part file", e.getMessage());
  }

  @Test
  void malformedBodiesAreRejectedWithTheReason() {
    String ok = "Content-Disposition: form-data; name=\"a\"\r\n\r\nx";
    assertEquals(
        "malformed multipart body: no boundary \"b\" found", malformed("b", "nothing here"));
    assertEquals("malformed multipart body: no closing boundary", malformed("b", "--b\r\n" + ok));
    assertEquals(
        "malformed multipart body: no closing boundary",
        malformed("b", "--b\r\n" + ok + "\r\n--bb"));
    assertEquals(
        "malformed multipart body: a part's head is not terminated",
        malformed("b", "--b\r\nContent-Disposition: form-data; name=a\r\n"));
    assertEquals(
        "malformed multipart body: a part has no Content-Disposition",
        malformed("b", "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--"));
    assertEquals(
        "malformed multipart body: a part has no name",
        malformed("b", "--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--"));
    assertEquals(
        "malformed multipart body: a part's Content-Disposition is not form-data",
        malformed("b", "--b\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--b--"));
    assertEquals(
        "malformed multipart body: a part has a malformed header field",
        malformed("b", "--b\r\nno colon here\r\n\r\nx\r\n--b--"));
    assertEquals(
        "malformed multipart body: a part's head is too long",
        malformed(
            "b",
            "--b\r\nContent-Disposition: form-data; name=a\r\nX: "
                + "y".repeat(Multipart.MAX_PART_HEAD)
                + "\r\n\r\nx\r\n--b--"));
    StringBuilder many = new StringBuilder();
    for (int i = 0; i <= Multipart.MAX_PARTS; i++) many.append("--b\r\n").append(ok).append("\r\n");
    many.append("--b--");
    assertEquals("malformed multipart body: more than 1000 parts", malformed("b", many.toString()));
  }

  @Test
  void fileNamesOutsideLatin1AreReadAsUtf8AndHeaderFieldsKeptAsSent() throws Exception {
    // Browsers send a file name in UTF-8, raw: Japanese, emoji and all.
    String body =
        "--b\r\nContent-Disposition: form-data; name=\"\u540d\"; filename=\"\u65e5\u672c \uD83D\uDE00.txt\"\r\n"
            + "Content-Type: text/plain\r\n\r\nx\r\n--b--\r\n";
    Multipart.Part p = parse("b", body).parts().getFirst();
    assertEquals("\u540d", p.name());
    assertEquals("\u65e5\u672c \uD83D\uDE00.txt", p.filename());
    // The fields themselves are kept byte for byte, one char per byte, as a request's are.
    String disposition = p.headers().get("content-disposition");
    assertArrayEquals(
        ascii("form-data; name=\"\u540d\"; filename=\"\u65e5\u672c \uD83D\uDE00.txt\""),
        disposition.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void headerFieldsThatAreNotFieldsAreRejected() {
    String rest = "\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--b--";
    String why = "malformed multipart body: a part has a malformed header field";
    assertEquals(why, malformed("b", "--b\r\nBad Name: x" + rest));
    assertEquals(why, malformed("b", "--b\r\n : x" + rest));
    assertEquals(why, malformed("b", "--b\r\nX-Nul: a\0b" + rest));
    assertEquals(why, malformed("b", "--b\r\nX-Cr: a\rb" + rest));
  }

  @Test
  void aPreambleLineThatOnlyStartsLikeTheBoundaryIsPreamble() throws Exception {
    // RFC 2046 section 5.1.1: a boundary line is the delimiter, then "--" or whitespace and CRLF.
    String form = "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--b--";
    assertEquals("x", parse("b", "--bX is not the boundary\r\n" + form).value("a"));
    assertEquals("x", parse("b", "preamble\r\n--b-ish\r\n" + form).value("a"));
    assertEquals(
        "malformed multipart body: no boundary \"b\" found", malformed("b", "--bX\r\n--bY"));
  }

  @Test
  void boundaryParameterIsReadQuotedOrNot() {
    assertEquals("abc", Multipart.boundary("multipart/form-data; boundary=abc"));
    assertEquals("a b;c", Multipart.boundary("multipart/form-data; charset=x; BOUNDARY=\"a b;c\""));
    assertNull(Multipart.boundary("multipart/form-data"));
    assertNull(Multipart.boundary("multipart/form-data; boundary=\"\""));
    assertNull(Multipart.boundary("multipart/form-data; boundary=" + "x".repeat(71)));
  }

  @Test
  void theFilterAnswers415And400AndParsesWithinTheLimit() {
    Router r =
        Router.create()
            .post("/up", Filters.multipart(1000))
            .handle((req, form) -> Response.text(form.parts().size() + " " + form.value("a")));
    try (TestClient c = TestClient.of(r.build())) {
      String body = "--q\r\nContent-Disposition: form-data; name=a\r\n\r\nhello\r\n--q--\r\n";
      assertEquals(
          "1 hello",
          c.request(Method.POST, "/up")
              .body("multipart/form-data; boundary=q", body)
              .send()
              .assertStatus(200)
              .text());
      TestResponse wrongType = c.post("/up", "text/plain", body);
      assertEquals(415, wrongType.status());
      assertTrue(wrongType.text().contains("expected Content-Type multipart/form-data"));
      assertEquals(400, c.post("/up", "multipart/form-data", body).status());
      assertEquals(400, c.post("/up", "multipart/form-data; boundary=q", "--q\r\nbroken").status());
      assertEquals(
          413,
          c.request(Method.POST, "/up")
              .body("multipart/form-data; boundary=q", Body.of("x".repeat(2000)))
              .send()
              .status());
    }
  }
}
