package io.kyoto.reactor;

import io.kyoto.reactor.internal.EventBuffer;
import io.kyoto.reactor.internal.Readiness;

/**
 * One readiness event: the {@link Token} of a source and what it is ready for.
 *
 * <p>An event is a view into its {@link Events}, valid until the next {@link Poll#poll poll} into
 * the same {@code Events}; copy what you need to keep. Events are hints: a source reported readable
 * may still return {@link IoResult#WOULD_BLOCK} (a spurious event), and a source may report both
 * readable and read-closed at once.
 *
 * @apiNote Portability: {@link #isReadClosed()}, {@link #isWriteClosed()} and {@link #isError()}
 *     are reported by the {@code epoll} backend. The {@code nio} backend cannot observe them
 *     without reading: it reports the source as readable (or writable) and the next read returns
 *     {@link IoResult#EOF} or fails. Portable code treats them as hints and always relies on the
 *     result of the operation.
 */
public final class Event {
  private final EventBuffer buffer;
  private final int index;

  Event(EventBuffer buffer, int index) {
    this.buffer = buffer;
    this.index = index;
  }

  /** {@return the token the source was registered with} */
  public Token token() {
    return new Token(buffer.token(index));
  }

  /** {@return the token's value, without creating a {@link Token}} */
  public long tokenValue() {
    return buffer.token(index);
  }

  private boolean has(int bit) {
    return (buffer.readiness(index) & bit) != 0;
  }

  /** {@return whether the source is readable (data, a pending connection, or end of stream)} */
  public boolean isReadable() {
    return has(Readiness.READABLE);
  }

  /** {@return whether the source is writable (or a connect finished)} */
  public boolean isWritable() {
    return has(Readiness.WRITABLE);
  }

  /**
   * {@return whether the read half is closed: reads will return {@link IoResult#EOF} after the
   * data}
   */
  public boolean isReadClosed() {
    return has(Readiness.READ_CLOSED);
  }

  /** {@return whether the write half is closed: writes will fail} */
  public boolean isWriteClosed() {
    return has(Readiness.WRITE_CLOSED);
  }

  /** {@return whether an error is pending; {@code takeError()} on the source reads it} */
  public boolean isError() {
    return has(Readiness.ERROR);
  }

  /** {@return whether priority (out-of-band) data is available} */
  public boolean isPriority() {
    return has(Readiness.PRIORITY);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("Event{token=").append(tokenValue());
    if (isReadable()) {
      s.append(", readable");
    }
    if (isWritable()) {
      s.append(", writable");
    }
    if (isReadClosed()) {
      s.append(", read-closed");
    }
    if (isWriteClosed()) {
      s.append(", write-closed");
    }
    if (isError()) {
      s.append(", error");
    }
    if (isPriority()) {
      s.append(", priority");
    }
    return s.append('}').toString();
  }
}
