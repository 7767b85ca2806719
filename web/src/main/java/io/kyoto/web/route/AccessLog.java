package io.kyoto.web.route;

import io.kyoto.runtime.service.Layer;
import io.kyoto.runtime.service.Service;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import io.kyoto.web.internal.FailureStatus;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Writes one line per request once its response is ready: warp's {@code log}. The line reads
 *
 * <pre>{@code 127.0.0.1 "GET /users/7 HTTP/1.1" 200 17 523us id=4c1e…}</pre>
 *
 * <p>remote address ({@code -} if unknown), method, path (without the query, which may hold
 * secrets), version, status, body bytes ({@code -} when streamed), time to the response head in
 * microseconds, and the {@link RequestId} when that layer ran first. A failed service future logs
 * the status the server answers it with ({@code 504} for a timeout, {@code 503} for shed load or a
 * closed buffer, an {@code HttpException}'s own status, else {@code 500}) and the exception's
 * class, and fails on.
 *
 * <p><b>Thread safety:</b> immutable; the sink must be thread safe if the service is shared across
 * threads.
 */
public final class AccessLog
    implements Layer<Service<Request, Response>, Service<Request, Response>> {
  private final Consumer<String> sink;

  private AccessLog(Consumer<String> sink) {
    this.sink = sink;
  }

  /**
   * {@return the layer logging at {@code INFO} to the {@link System.Logger} named {@code
   * io.kyoto.web.access}} By default that is the {@code java.util.logging} logger of the same name.
   */
  public static AccessLog toLogger() {
    System.Logger log = System.getLogger("io.kyoto.web.access");
    return new AccessLog(
        line -> {
          if (log.isLoggable(System.Logger.Level.INFO)) log.log(System.Logger.Level.INFO, line);
        });
  }

  /**
   * {@return the layer handing each line to {@code sink}}
   *
   * @param sink receives the lines
   */
  public static AccessLog to(Consumer<String> sink) {
    return new AccessLog(Objects.requireNonNull(sink, "sink"));
  }

  @Override
  public Service<Request, Response> layer(Service<Request, Response> inner) {
    return Service.wrap(
        inner,
        (request, next) -> {
          long start = System.nanoTime();
          return next.call(request)
              .handle(
                  (response, error) -> {
                    long micros = (System.nanoTime() - start) / 1000;
                    sink.accept(line(request, response, error, micros));
                    if (error != null) throw error;
                    return response;
                  });
        });
  }

  static String line(Request request, Response response, Exception error, long micros) {
    StringBuilder sb = new StringBuilder(96);
    InetSocketAddress remote = request.remoteAddress();
    sb.append(remote == null ? "-" : remote.getHostString());
    sb.append(" \"")
        .append(request.method().name())
        .append(' ')
        .append(request.path())
        .append(' ')
        .append(request.version())
        .append("\" ");
    if (error != null) {
      sb.append(FailureStatus.of(error).code())
          .append(" - ")
          .append(micros)
          .append("us error=")
          .append(error.getClass().getName());
    } else {
      sb.append(response.status().code()).append(' ');
      long len = response.body().contentLength();
      sb.append(len < 0 ? "-" : Long.toString(len)).append(' ').append(micros).append("us");
    }
    String id = RequestId.of(request);
    if (id != null) sb.append(" id=").append(id);
    return sb.toString();
  }
}
