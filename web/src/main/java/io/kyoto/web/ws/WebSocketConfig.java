package io.kyoto.web.ws;

import java.util.List;

/**
 * Limits and options of a WebSocket connection.
 *
 * @param maxMessageSize the largest message, after reassembly of fragments, in bytes; a larger one
 *     closes the connection with {@link WebSocket#MESSAGE_TOO_BIG} (1009)
 * @param maxFrameSize the largest frame payload in bytes; a larger frame closes with 1009
 * @param protocols the subprotocols the server speaks, in order of preference; the first one the
 *     client offers in {@code Sec-WebSocket-Protocol} is selected
 */
public record WebSocketConfig(int maxMessageSize, int maxFrameSize, List<String> protocols) {
  /** The default maximum message size: 64 MiB, as tungstenite's. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 64 << 20;

  /** The default maximum frame size: 16 MiB, as tungstenite's. */
  public static final int DEFAULT_MAX_FRAME_SIZE = 16 << 20;

  /**
   * Checks the limits.
   *
   * @param maxMessageSize positive
   * @param maxFrameSize positive
   * @param protocols the subprotocols, copied
   */
  public WebSocketConfig {
    if (maxMessageSize <= 0 || maxFrameSize <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
    protocols = List.copyOf(protocols);
  }

  /** {@return the default configuration: 64 MiB messages, 16 MiB frames, no subprotocols} */
  public static WebSocketConfig defaults() {
    return new WebSocketConfig(DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_FRAME_SIZE, List.of());
  }

  /**
   * {@return a copy with another maximum message size}
   *
   * @param bytes the new limit
   */
  public WebSocketConfig withMaxMessageSize(int bytes) {
    return new WebSocketConfig(bytes, maxFrameSize, protocols);
  }

  /**
   * {@return a copy with another maximum frame size}
   *
   * @param bytes the new limit
   */
  public WebSocketConfig withMaxFrameSize(int bytes) {
    return new WebSocketConfig(maxMessageSize, bytes, protocols);
  }

  /**
   * {@return a copy with the given subprotocols, in order of preference}
   *
   * @param protocols the subprotocols
   */
  public WebSocketConfig withProtocols(String... protocols) {
    return new WebSocketConfig(maxMessageSize, maxFrameSize, List.of(protocols));
  }
}
