package io.kyoto.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server against the real curl: keep-alive reuse, uploads (sized, chunked, 100-continue), HEAD.
 */
@Timeout(60)
class CurlTest {
  @BeforeAll
  static void curlPresent() {
    boolean present;
    try {
      present = new ProcessBuilder("curl", "--version").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      present = false;
    }
    assumeTrue(present, "curl is not installed");
  }

  static String curl(String stdin, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "curl failed: " + out);
    return out;
  }

  @Test
  void getsReuseOneConnection() throws Exception {
    try (ServerHarness h = new ServerHarness(HttpServerTest.APP)) {
      String out = curl(null, h.url("/hello"), h.url("/hello"), h.url("/stream"));
      assertEquals("hello\nhello\nabbccc", out);
      assertEquals(1, h.server.acceptedConnections(), "curl reused the keep-alive connection");
    }
  }

  @Test
  void uploadsSizedChunkedAndWithExpectContinue() throws Exception {
    try (ServerHarness h = new ServerHarness(HttpServerTest.APP)) {
      assertEquals("POST /p [form=1]", curl(null, "--data", "form=1", h.url("/p")));
      assertEquals(
          "POST /c [streamed]",
          curl("streamed", "-H", "Transfer-Encoding: chunked", "--data-binary", "@-", h.url("/c")));
      String big = "z".repeat(200_000);
      String out = curl(big, "-H", "Expect: 100-continue", "--data-binary", "@-", h.url("/e"));
      assertEquals("POST /e [" + big + "]", out);
    }
  }

  @Test
  void headShowsLengthWithoutBody() throws Exception {
    try (ServerHarness h = new ServerHarness(HttpServerTest.APP)) {
      String out = curl(null, "-I", h.url("/hello"));
      assertTrue(out.startsWith("HTTP/1.1 200 OK\r\n"), out);
      assertTrue(out.contains("content-length: 6\r\n"), out);
    }
  }
}
