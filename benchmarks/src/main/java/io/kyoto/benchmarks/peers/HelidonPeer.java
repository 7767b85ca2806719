package io.kyoto.benchmarks.peers;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.WebServer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * Helidon SE 4.5 (a virtual thread per request): the hello and JSON routes.
 *
 * <p>usage: {@code HelidonPeer PORT}
 */
public final class HelidonPeer {
  private HelidonPeer() {}

  private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

  /**
   * Runs the server until killed.
   *
   * @param args port
   * @throws InterruptedException if interrupted while serving
   */
  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 7015;
    WebServer.builder()
        .host("127.0.0.1")
        .port(port)
        .routing(
            r ->
                r.get(
                        "/json",
                        (req, res) -> {
                          res.header(HeaderValues.CONTENT_TYPE_JSON);
                          res.send(
                              ("{\"message\":\"" + "Hello, World!" + "\"}")
                                  .getBytes(StandardCharsets.UTF_8));
                        })
                    .any(
                        (req, res) -> {
                          res.header(HeaderValues.CONTENT_TYPE_TEXT_PLAIN);
                          res.send(HELLO);
                        }))
        .build()
        .start();
    new CountDownLatch(1).await();
  }
}
