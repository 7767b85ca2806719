package io.kyoto.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code -Dkyoto.reactor.backend} naming no backend: {@link Backend#current()} and {@link
 * Poll#create()} throw the documented {@link IllegalArgumentException} on every call. Before, the
 * first call threw an {@code ExceptionInInitializerError} and every later one a {@code
 * NoClassDefFoundError}. The property is read once per JVM, so this runs {@link Probe} in a JVM of
 * its own.
 */
@Timeout(60)
class BackendPropertyTest {
  /**
   * Calls {@code Backend.current()} twice and {@code Poll.create()} once, printing the outcomes.
   */
  public static final class Probe {
    private Probe() {}

    /**
     * Runs the calls.
     *
     * @param args unused
     */
    public static void main(String[] args) {
      for (int i = 0; i < 3; i++) {
        try {
          if (i < 2) {
            Backend.current();
          } else {
            Poll.create().close();
          }
          System.out.println("ok");
        } catch (Throwable t) {
          System.out.println(t.getClass().getName() + ": " + t.getMessage());
        }
      }
    }
  }

  @Test
  void anUnknownBackendIsAnIllegalArgumentExceptionOnEveryCall() throws Exception {
    String expected =
        "java.lang.IllegalArgumentException: unknown value 'kqueue' for -Dkyoto.reactor.backend;"
            + " use epoll or nio";
    assertEquals(List.of(expected, expected, expected), run("-Dkyoto.reactor.backend=kqueue"));
    assertEquals(List.of("ok", "ok", "ok"), run("-Dkyoto.reactor.backend=nio"));
  }

  private static String location(Class<?> c) throws Exception {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  private static List<String> run(String property) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                property,
                "-cp",
                // The reactor's classes and this test's, wherever the test runner put them.
                location(Backend.class) + File.pathSeparator + location(Probe.class),
                Probe.class.getName())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the probe JVM did not end");
    }
    return out.lines().filter(l -> !l.startsWith("WARNING") && !l.isBlank()).toList();
  }
}
