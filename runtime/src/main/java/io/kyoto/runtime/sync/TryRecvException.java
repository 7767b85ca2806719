package io.kyoto.runtime.sync;

/**
 * A {@code tryRecv} found nothing: the channel is {@linkplain #isEmpty() empty} for now, or
 * {@linkplain #isClosed() closed} and drained so that nothing will ever arrive (tokio's {@code
 * TryRecvError::Empty} and {@code Disconnected}/{@code Closed}). A lagging broadcast receiver gets
 * a {@link LaggedException} instead.
 *
 * <p>The two shared instances carry no stack trace, no cause and no suppressed exceptions, so
 * polling an empty channel allocates nothing.
 *
 * <p><b>Thread safety:</b> immutable.
 */
public final class TryRecvException extends Exception {
  private static final long serialVersionUID = 1L;

  static final TryRecvException EMPTY = new TryRecvException(true);
  static final TryRecvException CLOSED = new TryRecvException(false);

  private final boolean empty;

  private TryRecvException(boolean empty) {
    super(empty ? "channel empty" : "channel closed", null, false, false);
    this.empty = empty;
  }

  /** {@return whether the channel is open but has no value ready} */
  public boolean isEmpty() {
    return empty;
  }

  /** {@return whether the channel is closed and drained: no value will ever arrive} */
  public boolean isClosed() {
    return !empty;
  }

  private Object readResolve() {
    return empty ? EMPTY : CLOSED;
  }
}
