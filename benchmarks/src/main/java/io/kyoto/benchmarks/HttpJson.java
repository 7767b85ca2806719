package io.kyoto.benchmarks;

import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.service.Service;
import io.kyoto.web.HttpServer;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import io.kyoto.web.route.Router;

/**
 * The JSON job of {@code run-all.sh}: {@code GET /json} answers {@code {"message":"Hello, World!"}}
 * with {@code content-type: application/json}, and {@code GET /} answers {@code Hello, World!},
 * both through the {@link Router} (the routed path, where {@link HttpHello} is a bare service). The
 * body is built per request from a string, as the peers do.
 *
 * <p>usage: {@code HttpJson PORT [WORKERS=2]}
 */
public final class HttpJson {
  private HttpJson() {}

  /** The JSON body every server of the JSON job returns. */
  static final String MESSAGE = "Hello, World!";

  /**
   * Runs the server until killed.
   *
   * @param args port and worker count
   * @throws Exception if the server fails
   */
  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 7020;
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    Service<Request, Response> app =
        Router.create()
            .get("/json")
            .handle(req -> Response.json("{\"message\":\"" + MESSAGE + "\"}"))
            .get("/")
            .handle(req -> Response.text("Hello, World!"))
            .build();
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(workers).enableAll().build()) {
      rt.blockOn(HttpServer.bind("127.0.0.1:" + port).flatMap(server -> server.serve(app)));
    }
  }
}
