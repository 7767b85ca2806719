package io.kyoto.web.ws;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Limits and options of a WebSocket connection.
 *
 * <p>The close timeout bounds the close handshake (RFC 6455 §7.1.1): once this end has sent its
 * close frame (the application called {@link WebSocket#close}, the handler returned, or a protocol
 * violation or size limit sent 1002, 1007 or 1009), writing that frame, receiving the peer's close
 * frame (while the stream is read) and shutting the transport down must all happen within {@link
 * #closeTimeout()}. Otherwise the transport is closed anyway: the stream fails with a {@link
 * WebSocketException} of code {@link WebSocket#ABNORMAL_CLOSURE} (1006), and so do sends, flushes
 * and closes still waiting. It needs a runtime with time enabled; without one the handshake has no
 * time limit.
 *
 * @param maxMessageSize the largest message, after reassembly of fragments, in bytes; a larger one
 *     closes the connection with {@link WebSocket#MESSAGE_TOO_BIG} (1009)
 * @param maxFrameSize the largest frame payload in bytes; a larger frame closes with 1009
 * @param protocols the subprotocols the server speaks, in order of preference; the first one the
 *     client offers in {@code Sec-WebSocket-Protocol} is selected
 * @param closeTimeout how long this end waits, after sending its close frame, for the close
 *     handshake to finish before it closes the transport anyway (default {@value
 *     #DEFAULT_CLOSE_TIMEOUT_SECONDS} seconds)
 */
public record WebSocketConfig(
    int maxMessageSize, int maxFrameSize, List<String> protocols, Duration closeTimeout) {
  /** The default maximum message size: 64 MiB, as tungstenite's. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 64 << 20;

  /** The default maximum frame size: 16 MiB, as tungstenite's. */
  public static final int DEFAULT_MAX_FRAME_SIZE = 16 << 20;

  /** The default close timeout in seconds: 5. */
  public static final int DEFAULT_CLOSE_TIMEOUT_SECONDS = 5;

  /** The default close timeout: {@value #DEFAULT_CLOSE_TIMEOUT_SECONDS} seconds. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT =
      Duration.ofSeconds(DEFAULT_CLOSE_TIMEOUT_SECONDS);

  /**
   * Checks the limits.
   *
   * @param maxMessageSize positive
   * @param maxFrameSize positive
   * @param protocols the subprotocols, copied
   * @param closeTimeout positive
   * @throws IllegalArgumentException if a limit or the close timeout is not positive
   */
  public WebSocketConfig {
    if (maxMessageSize <= 0 || maxFrameSize <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
    protocols = List.copyOf(protocols);
    checkCloseTimeout(closeTimeout);
  }

  /**
   * Creates a configuration with the default close timeout.
   *
   * @param maxMessageSize positive
   * @param maxFrameSize positive
   * @param protocols the subprotocols, copied
   */
  public WebSocketConfig(int maxMessageSize, int maxFrameSize, List<String> protocols) {
    this(maxMessageSize, maxFrameSize, protocols, DEFAULT_CLOSE_TIMEOUT);
  }

  private static void checkCloseTimeout(Duration closeTimeout) {
    Objects.requireNonNull(closeTimeout, "closeTimeout");
    if (closeTimeout.isNegative() || closeTimeout.isZero()) {
      throw new IllegalArgumentException("closeTimeout must be positive: " + closeTimeout);
    }
  }

  /**
   * {@return the default configuration: 64 MiB messages, 16 MiB frames, no subprotocols, a 5 second
   * close timeout}
   */
  public static WebSocketConfig defaults() {
    return new WebSocketConfig(
        DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_FRAME_SIZE, List.of(), DEFAULT_CLOSE_TIMEOUT);
  }

  /**
   * {@return a copy with another maximum message size}
   *
   * @param bytes the new limit
   */
  public WebSocketConfig withMaxMessageSize(int bytes) {
    return new WebSocketConfig(bytes, maxFrameSize, protocols, closeTimeout);
  }

  /**
   * {@return a copy with another maximum frame size}
   *
   * @param bytes the new limit
   */
  public WebSocketConfig withMaxFrameSize(int bytes) {
    return new WebSocketConfig(maxMessageSize, bytes, protocols, closeTimeout);
  }

  /**
   * {@return a copy with the given subprotocols, in order of preference}
   *
   * @param protocols the subprotocols
   */
  public WebSocketConfig withProtocols(String... protocols) {
    return new WebSocketConfig(maxMessageSize, maxFrameSize, List.of(protocols), closeTimeout);
  }

  /**
   * {@return a copy with another close timeout} See the class description.
   *
   * @param timeout how long the close handshake may take once this end sent its close frame
   * @throws IllegalArgumentException if {@code timeout} is zero or negative
   * @throws NullPointerException if {@code timeout} is null
   */
  public WebSocketConfig withCloseTimeout(Duration timeout) {
    return new WebSocketConfig(maxMessageSize, maxFrameSize, protocols, timeout);
  }
}
