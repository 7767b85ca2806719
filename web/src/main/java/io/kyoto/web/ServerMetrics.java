package io.kyoto.web;

/**
 * A snapshot of an {@link HttpServer}'s counters, from {@link HttpServer#metrics()}: everything
 * since the server was bound, except {@code openConnections}, which is the number now. Each counter
 * is read once; the snapshot as a whole is not atomic, so under load two fields may disagree by the
 * requests in flight while it was taken.
 *
 * <p>Every response head the server writes counts once in its status class, whoever produced it:
 * the application, the server's answers to failures (500, 504, 503) and its rejections (400, 408,
 * 413, 414, 431, 501, 505). A {@code 100 Continue} is not a response head here; a {@code 101}
 * switching protocols is.
 *
 * @param acceptedConnections connections accepted
 * @param openConnections connections open now, upgraded ones included (see {@link
 *     HttpServer#openConnections()})
 * @param requests request heads read and handed to the application
 * @param responses1xx response heads with a 1xx status (a {@code 101} for an upgrade)
 * @param responses2xx response heads with a 2xx status
 * @param responses3xx response heads with a 3xx status
 * @param responses4xx response heads with a 4xx status, rejections included
 * @param responses5xx response heads with a 5xx status, failures and rejections included
 * @param rejectedRequests requests the server answered itself without calling the application:
 *     malformed or smuggling-prone heads, limits exceeded, a head not received in time
 * @param applicationFailures calls whose future (or whose response body, before any of the response
 *     was sent) failed with an exception that is not an {@link HttpException} or one of tower's own
 *     (timeout, overload), answered 500; and response bodies that failed (or broke their declared
 *     length) after part of the response was sent, which are cut off. An {@link
 *     java.io.IOException} while the request's own body is still unread is taken for the client
 *     cutting its request off: answered 400 and not counted here
 * @param headerReadTimeouts partial request heads not completed within the header-read timeout
 *     (answered 408, counted in {@code rejectedRequests} too)
 * @param sendTimeouts connections cut off because the client took no output for the send timeout
 * @param upgrades connections handed over to the protocol of a {@code 101} response
 * @param clientsGone requests (without a body, or whose body the application had read to its end)
 *     whose client closed or reset the connection while the application was still answering: the
 *     application's future, or its streamed response body waiting for its next chunk (events, a
 *     long poll), was cancelled
 */
public record ServerMetrics(
    long acceptedConnections,
    int openConnections,
    long requests,
    long responses1xx,
    long responses2xx,
    long responses3xx,
    long responses4xx,
    long responses5xx,
    long rejectedRequests,
    long applicationFailures,
    long headerReadTimeouts,
    long sendTimeouts,
    long upgrades,
    long clientsGone) {

  /** {@return the response heads written, every status class together} */
  public long responses() {
    return responses1xx + responses2xx + responses3xx + responses4xx + responses5xx;
  }
}
