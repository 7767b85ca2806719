/**
 * Kyoto's web layer: hyper and warp for Java. {@link io.kyoto.web} holds the HTTP model ({@link
 * io.kyoto.web.Request}, {@link io.kyoto.web.Response}, {@link io.kyoto.web.Headers}, {@link
 * io.kyoto.web.Body}) and the HTTP/1.1 {@code io.kyoto.web.HttpServer}; the protocol internals
 * (strict parser, chunked coding, connection dispatcher) live in {@code io.kyoto.web.internal.*}.
 */
module io.kyoto.web {
  requires transitive io.kyoto.runtime;
  requires static tools.jackson.databind;

  exports io.kyoto.web;
  exports io.kyoto.web.route;
  exports io.kyoto.web.ws;
  exports io.kyoto.web.sse;
  exports io.kyoto.web.fs;
}
