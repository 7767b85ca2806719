package io.kyoto.examples.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Futures.Step;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.annotation.AsyncTest;
import io.kyoto.runtime.io.Io;
import io.kyoto.runtime.net.TcpListener;
import io.kyoto.runtime.net.TcpStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The proxy as {@code @AsyncTest}s, client and upstream written with the runtime too; the processor
 * generates {@code ProxySpec_AsyncTest}.
 */
class ProxySpec {
  final List<String> log = new CopyOnWriteArrayList<>();

  /**
   * An upstream that answers only once the request has ended: it reads to end of stream, then
   * replies with what it got. Through the proxy, the client's half-close must reach it as EOF, and
   * its reply must still travel back on the half-open connection.
   */
  @AsyncTest(timeout = 30_000)
  Future<Void> propagatesAHalfCloseAndStillDeliversTheAnswer() {
    return TcpListener.bind("127.0.0.1:0")
        .flatMap(
            upstream -> {
              JoinHandle<Void> answering =
                  Task.spawn(
                      upstream
                          .accept()
                          .flatMap(
                              conn ->
                                  Io.using(
                                      conn,
                                      c ->
                                          Io.readToString(c, StandardCharsets.UTF_8)
                                              .flatMap(
                                                  request ->
                                                      c.writeAll(utf8("got: " + request))))));
              return TcpListener.bind("127.0.0.1:0")
                  .flatMap(
                      front -> {
                        Proxy.Settings settings =
                            new Proxy.Settings(
                                "127.0.0.1:" + upstream.localAddress().getPort(),
                                Duration.ofSeconds(5),
                                Duration.ofSeconds(20),
                                log::add);
                        JoinHandle<Void> proxying = Task.spawn(Proxy.serve(front, settings));
                        return TcpStream.connect(front.localAddress())
                            .flatMap(
                                client ->
                                    client
                                        .writeAll(utf8("ping"))
                                        .flatMap(v -> Io.shutdown(client))
                                        .flatMap(
                                            v -> Io.readToString(client, StandardCharsets.UTF_8))
                                        .inspect(answer -> client.close()))
                            .flatMap(answer -> answering.map(v -> answer))
                            .map(
                                answer -> {
                                  assertEquals("got: ping", answer);
                                  proxying.abort();
                                  front.close();
                                  upstream.close();
                                  return null;
                                });
                      });
            });
  }

  @AsyncTest(timeout = 30_000)
  Future<Void> logsTheBytesCopiedEachWay() {
    // The line is written once both sockets are closed, just after the client saw end of stream.
    return propagatesAHalfCloseAndStillDeliversTheAnswer()
        .flatMap(
            v ->
                Futures.loop(
                    0,
                    i ->
                        log.isEmpty()
                            ? Time.sleep(Duration.ofMillis(10)).map(t -> Step.next(i + 1))
                            : Futures.ready(Step.done(null))))
        .map(
            v -> {
              assertEquals(1, log.size(), log.toString());
              assertTrue(log.getFirst().contains(": 4 bytes up, 9 bytes down, "), log.getFirst());
              return null;
            });
  }

  static ByteBuffer utf8(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }
}
