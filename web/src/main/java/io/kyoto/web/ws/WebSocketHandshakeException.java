package io.kyoto.web.ws;

import io.kyoto.web.Headers;
import io.kyoto.web.Status;
import java.io.Serial;

/**
 * {@link WebSocket#connect} failed because the server answered the handshake with something other
 * than {@code 101 Switching Protocols}: a {@code 401} asking for credentials, a {@code 404}, a
 * {@code 503}. {@link #status()} and {@link #headers()} are the server's answer (tungstenite's
 * {@code Error::Http}), so a caller can tell them apart (retry after {@code retry-after},
 * authenticate after {@code www-authenticate}); the answer's body is not kept. As any failed
 * handshake, its {@linkplain #closeCode() close code} is 1002.
 */
public final class WebSocketHandshakeException extends WebSocketException {
  @Serial private static final long serialVersionUID = 1L;

  private final transient Status status;
  private final transient Headers headers;

  /**
   * Creates the exception.
   *
   * @param message what went wrong
   * @param status the server's status
   * @param headers the server's header fields (a copy)
   */
  public WebSocketHandshakeException(String message, Status status, Headers headers) {
    super(WebSocket.PROTOCOL_ERROR, message);
    this.status = status;
    this.headers = headers;
  }

  /** {@return the status the server answered the handshake with} */
  public Status status() {
    return status;
  }

  /** {@return the header fields of the server's answer} */
  public Headers headers() {
    return headers;
  }
}
