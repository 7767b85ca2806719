package io.kyoto.benchmarks.peers;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CountDownLatch;

/**
 * Vert.x 5: one HTTP server per event loop, all sharing the port (Vert.x balances connections
 * between them), answering the hello and JSON routes.
 *
 * <p>usage: {@code VertxPeer PORT [LOOPS=2]}
 */
public final class VertxPeer {
  private VertxPeer() {}

  /** The {@code date} header value, refreshed every second (Kyoto, hyper and nginx send one). */
  private static volatile String date = now();

  private static String now() {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
  }

  /**
   * Runs the server until killed.
   *
   * @param args port and event loops
   * @throws InterruptedException if interrupted while serving
   */
  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 7014;
    int loops = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
    Buffer hello = Buffer.buffer("Hello, World!");
    vertx.setPeriodic(1000, id -> date = now());
    for (int i = 0; i < loops; i++) {
      vertx
          .createHttpServer(
              new HttpServerOptions().setHost("127.0.0.1").setPort(port).setAcceptBacklog(4096))
          .requestHandler(
              req -> {
                if (req.path().equals("/json")) {
                  req.response()
                      .putHeader("content-type", "application/json")
                      .putHeader("date", date)
                      .end("{\"message\":\"" + "Hello, World!" + "\"}");
                } else {
                  req.response()
                      .putHeader("content-type", "text/plain")
                      .putHeader("date", date)
                      .end(hello);
                }
              })
          .listen()
          .toCompletionStage()
          .toCompletableFuture()
          .join();
    }
    new CountDownLatch(1).await();
  }
}
