package io.kyoto.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Flavor;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.annotation.AsyncTest;
import io.kyoto.runtime.net.TcpListener;
import io.kyoto.runtime.net.TcpStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The echo server as {@code @AsyncTest}s: the processor generates {@code EchoSpec_AsyncTest}, which
 * Surefire runs; this class's lifecycle methods apply to it.
 */
class EchoSpec {
  // The tests (and parameterized invocations) that ran, by unique id: none may run twice, and a
  // run filtered to some of them (mvn test -Dtest='EchoSpec_AsyncTest#echoes*') still passes.
  static final Set<String> RAN = ConcurrentHashMap.newKeySet();
  int setUps;

  @BeforeEach
  void setUp() {
    setUps++;
  }

  @AfterEach
  void tearDown(TestInfo info) {
    assertEquals(1, setUps, "@BeforeEach ran once for this test instance");
    String id = info.getTestMethod().orElseThrow().getName() + " " + info.getDisplayName();
    assertTrue(RAN.add(id), "ran twice: " + id);
  }

  @AfterAll
  static void someTestsRan() {
    assertFalse(RAN.isEmpty(), "the generated tests ran with this class's lifecycle methods");
  }

  @AsyncTest(timeout = 30_000)
  Future<Void> echoesALine() {
    return roundTrip("hello, kyoto\n");
  }

  @AsyncTest(flavor = Flavor.MULTI_THREAD, workerThreads = 2, timeout = 30_000)
  Future<Void> echoesOnAMultiThreadRuntime() {
    return roundTrip("x".repeat(100_000));
  }

  @AsyncTest(timeout = 30_000) // with a test template: a fresh runtime per invocation
  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {1, 1_000, 100_000})
  Future<Void> echoesMessagesOfEverySize(int size) {
    return roundTrip("y".repeat(size - 1) + "\n");
  }

  @AsyncTest(startPaused = true, timeout = 5_000) // a real-time limit: the hour is paused time
  Future<Void> pausedClockSkipsAnHour() {
    return Time.sleep(Duration.ofHours(1)).map(done -> null);
  }

  static Future<Void> roundTrip(String message) {
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    return TcpListener.bind("127.0.0.1:0")
        .flatMap(
            listener -> {
              JoinHandle<Void> server = Task.spawn(Echo.serve(listener));
              return TcpStream.connect(listener.localAddress())
                  .flatMap(
                      conn -> {
                        ByteBuffer back = ByteBuffer.allocate(bytes.length);
                        return conn.writeAll(ByteBuffer.wrap(bytes))
                            .flatMap(written -> conn.readExact(back))
                            .map(
                                n -> {
                                  assertEquals(
                                      message, new String(back.array(), StandardCharsets.UTF_8));
                                  conn.close();
                                  server.abort();
                                  listener.close();
                                  return null;
                                });
                      });
            });
  }
}
