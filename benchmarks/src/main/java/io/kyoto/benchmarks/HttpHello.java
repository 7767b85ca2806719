package io.kyoto.benchmarks;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.service.Service;
import io.kyoto.web.HttpServer;
import io.kyoto.web.Request;
import io.kyoto.web.Response;

/**
 * The HTTP plaintext job of {@code ../shared/anchors}: {@code Hello, World!} on every path, the
 * same 13 bytes as hyper's and Vert.x's hello servers.
 *
 * <p>usage: {@code HttpHello PORT [WORKERS=2]}
 */
public final class HttpHello {
  private HttpHello() {}

  /**
   * Runs the server until killed.
   *
   * @param args port and worker count
   * @throws Exception if the server fails
   */
  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 7010;
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    Response hello = Response.text("Hello, World!");
    Service<Request, Response> app = Service.of(req -> Futures.ready(hello));
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(workers).enableAll().build()) {
      rt.blockOn(HttpServer.bind("127.0.0.1:" + port).flatMap(server -> server.serve(app)));
    }
  }
}
