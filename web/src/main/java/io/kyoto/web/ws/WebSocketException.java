package io.kyoto.web.ws;

import java.io.IOException;
import java.io.Serial;

/**
 * A WebSocket connection failed: the peer broke the protocol (the connection sent a close frame
 * with {@link #closeCode()} before failing) or the transport closed without a close handshake
 * ({@link WebSocket#ABNORMAL_CLOSURE}, 1006).
 */
public class WebSocketException extends IOException {
  @Serial private static final long serialVersionUID = 1L;

  /** The close code. */
  private final int closeCode;

  /**
   * Creates the exception.
   *
   * @param closeCode the close code sent to the peer (or 1006 if none could be)
   * @param message what went wrong
   */
  public WebSocketException(int closeCode, String message) {
    super(closeCode + ": " + message);
    this.closeCode = closeCode;
  }

  /** {@return the close code} */
  public int closeCode() {
    return closeCode;
  }
}
