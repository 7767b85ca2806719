package io.kyoto.web.route;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.service.Layer;
import io.kyoto.runtime.service.Service;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import io.kyoto.web.Status;
import io.kyoto.web.internal.io.InflatingBody;
import java.util.List;

/**
 * Decodes request bodies sent with {@code Content-Encoding: gzip} (or {@code x-gzip}) or {@code
 * deflate}: tower-http's {@code RequestDecompressionLayer}. The routes see the decoded bytes, with
 * neither {@code Content-Encoding} nor {@code Content-Length} (the body is read as it arrives, so
 * body limits such as {@code Filters.bytes(max)} count decoded bytes, which bounds a small upload
 * that decodes to a huge one).
 *
 * <p>A request in any other coding, or in several, is answered {@code 415 Unsupported Media Type}
 * with {@code Accept-Encoding: gzip, deflate} (RFC 9110 section 15.5.16) without reaching the
 * routes. {@code identity} and no {@code Content-Encoding} pass through untouched. Malformed or
 * truncated compressed data fails the body's read with an {@link io.kyoto.web.HttpException} of
 * status 400, which the body filters answer as such; so do bytes after the end of the compressed
 * data (after the last gzip member, or the deflate stream), which other decoders would read
 * differently.
 *
 * <p><b>Thread safety:</b> immutable.
 */
public final class Decompression
    implements Layer<Service<Request, Response>, Service<Request, Response>> {
  private static final Decompression INSTANCE = new Decompression();

  private Decompression() {}

  /** {@return the layer} */
  public static Decompression create() {
    return INSTANCE;
  }

  @Override
  public Service<Request, Response> layer(Service<Request, Response> inner) {
    return Service.wrap(
        inner,
        (request, next) -> {
          List<String> codings = request.headers().getAll("content-encoding");
          if (codings.isEmpty()) return next.call(request);
          String coding = codings.size() == 1 ? codings.get(0).trim() : null;
          if (coding != null && coding.equalsIgnoreCase("identity")) return next.call(request);
          if (coding == null || !InflatingBody.decodes(coding)) {
            next.release();
            request.body().cancel();
            return Futures.ready(
                Response.text("unsupported content coding: " + String.join(", ", codings))
                    .status(Status.UNSUPPORTED_MEDIA_TYPE)
                    .header("accept-encoding", "gzip, deflate"));
          }
          request.headers().remove("content-encoding");
          request.headers().remove("content-length");
          request.body(InflatingBody.ofRequest(request.body(), coding));
          return next.call(request);
        });
  }
}
