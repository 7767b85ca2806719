package io.kyoto.runtime.codec;

import java.io.IOException;

/**
 * Input that a {@link Decoder} cannot accept (a frame too long, a malformed length, invalid text),
 * or an item an {@link Encoder} cannot write. An {@link IOException}, so it travels the same paths
 * as the stream's own failures.
 */
public class CodecException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what was wrong with the input
   */
  public CodecException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what was wrong with the input
   * @param cause the underlying failure
   */
  public CodecException(String message, Throwable cause) {
    super(message, cause);
  }
}
