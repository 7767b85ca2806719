package io.kyoto.reactor;

/**
 * Associates an event with the source it came from.
 *
 * <p>A token is a plain value chosen by the user when registering a source with a {@link Registry};
 * the same value comes back in every {@link Event} for that source. Any {@code long} is allowed,
 * including the token of the {@link Waker}; using the same token for two sources makes their events
 * indistinguishable.
 *
 * <p>
 *
 * {@snippet :
 * Token server = new Token(0);
 * poll.registry().register(listener, server, Interest.READABLE);
 * }
 *
 * @param value the caller's identifier, typically an index into a table of connections
 */
public record Token(long value) {
  /**
   * Returns the token with the given value.
   *
   * @param value any value
   * @return a token
   */
  public static Token of(long value) {
    return new Token(value);
  }
}
