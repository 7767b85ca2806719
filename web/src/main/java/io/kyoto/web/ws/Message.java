package io.kyoto.web.ws;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A WebSocket message: a whole data message (fragments are reassembled) or a control frame.
 *
 * <p>Byte-array components are not copied; do not change them after sending or receiving. Records
 * with arrays compare their arrays by identity.
 */
public sealed interface Message
    permits Message.Text, Message.Binary, Message.Ping, Message.Pong, Message.Close {

  /**
   * A text message, valid UTF-8 on the wire.
   *
   * @param text the text
   */
  record Text(String text) implements Message {
    /**
     * Checks the text.
     *
     * @param text the text, not null
     */
    public Text {
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * A binary message.
   *
   * @param data the bytes
   */
  record Binary(byte[] data) implements Message {
    /**
     * Checks the data.
     *
     * @param data the bytes, not null
     */
    public Binary {
      Objects.requireNonNull(data, "data");
    }
  }

  /**
   * A ping; the connection answers a received ping with a pong by itself.
   *
   * @param data the application data, at most 125 bytes
   */
  record Ping(byte[] data) implements Message {
    /**
     * Checks the data.
     *
     * @param data the bytes, not null
     */
    public Ping {
      Objects.requireNonNull(data, "data");
    }
  }

  /**
   * A pong.
   *
   * @param data the application data, at most 125 bytes
   */
  record Pong(byte[] data) implements Message {
    /**
     * Checks the data.
     *
     * @param data the bytes, not null
     */
    public Pong {
      Objects.requireNonNull(data, "data");
    }
  }

  /**
   * A close frame. A close frame without a status code is represented by {@link
   * WebSocket#NO_STATUS} (1005), which is never sent on the wire: it becomes an empty close frame.
   *
   * @param code the status code
   * @param reason the reason, at most 123 bytes in UTF-8 (empty if none)
   */
  record Close(int code, String reason) implements Message {
    /**
     * Checks the reason.
     *
     * @param code the status code
     * @param reason the reason, not null
     */
    public Close {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * {@return a text message}
   *
   * @param text the text
   */
  static Message text(String text) {
    return new Text(text);
  }

  /**
   * {@return a binary message}
   *
   * @param data the bytes, not copied
   */
  static Message binary(byte[] data) {
    return new Binary(data);
  }

  /**
   * {@return a ping}
   *
   * @param data the application data
   */
  static Message ping(byte[] data) {
    return new Ping(data);
  }

  /**
   * {@return a close message}
   *
   * @param code the status code
   * @param reason the reason
   */
  static Message close(int code, String reason) {
    return new Close(code, reason);
  }

  /**
   * {@return the text of a text message decoded, or of a binary message's bytes decoded as UTF-8}
   * For tests and logging; control frames give their data as UTF-8 too, a close gives its reason.
   */
  default String asText() {
    return switch (this) {
      case Text t -> t.text();
      case Binary b -> new String(b.data(), StandardCharsets.UTF_8);
      case Ping p -> new String(p.data(), StandardCharsets.UTF_8);
      case Pong p -> new String(p.data(), StandardCharsets.UTF_8);
      case Close c -> c.reason();
    };
  }
}
