package io.kyoto.examples.todo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Runtime;
import io.kyoto.web.HttpServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's curl commands against the real server (skipped where curl is not installed). */
@Timeout(60)
class TodoCurlTest {
  static boolean curlInstalled() {
    String path = System.getenv("PATH");
    if (path == null) return false;
    for (String dir : path.split(File.pathSeparator)) {
      if (new File(dir, "curl").canExecute()) return true;
    }
    return false;
  }

  /** Runs curl with {@code args}; {@code -w} appends the status on a line of its own. */
  static String curl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "-w", "\n%{http_code}"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "curl finished");
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  @Test
  void postThenGetWithCurl() throws Exception {
    assumeTrue(curlInstalled(), "curl is not installed");
    TodoStore store = new TodoStore();
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).enableAll().build()) {
      HttpServer server = rt.blockOn(HttpServer.bind("127.0.0.1:0"));
      JoinHandle<Void> serving =
          rt.spawn(
              server.serve(Todo.app(store, Assets.classpath(), Duration.ofSeconds(15), l -> {})));
      String base = "http://127.0.0.1:" + server.localAddress().getPort();

      String created =
          curl(
              "-X",
              "POST",
              base + "/api/todos",
              "-H",
              "content-type: application/json",
              "-d",
              "{\"title\": \"curl it\"}");
      assertEquals("{\"id\":1,\"title\":\"curl it\",\"done\":false}\n201", created);
      assertEquals(
          "[{\"id\":1,\"title\":\"curl it\",\"done\":false}]\n200", curl(base + "/api/todos"));
      assertEquals(
          "{\"error\":\"title is required\"}\n422",
          curl("-H", "content-type: application/json", "-d", "{}", base + "/api/todos"));
      assertEquals("\n204", curl("-X", "DELETE", base + "/api/todos/1"));
      String page = curl(base + "/");
      assertTrue(page.contains("<title>Kyoto todos</title>") && page.endsWith("\n200"), page);
      // A client that accepts gzip gets the page compressed; curl --compressed decodes it.
      String gzipped = curl("--compressed", "-D", "-", base + "/");
      assertTrue(gzipped.toLowerCase(java.util.Locale.ROOT).contains("content-encoding: gzip"));
      assertTrue(gzipped.contains("<title>Kyoto todos</title>"), gzipped);

      store.close();
      server.shutdown();
      rt.blockOn(serving);
    }
  }
}
