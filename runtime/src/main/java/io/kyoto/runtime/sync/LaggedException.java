package io.kyoto.runtime.sync;

/**
 * A broadcast receiver fell behind: the channel overwrote {@link #skipped()} values it had not
 * received yet. As tokio's {@code RecvError::Lagged(n)}, the receiver is not closed: its next
 * receive returns the oldest value the channel still holds.
 *
 * <p><b>Thread safety:</b> immutable.
 */
public final class LaggedException extends Exception {
  private static final long serialVersionUID = 1L;

  private final long skipped;

  /**
   * Creates the exception.
   *
   * @param skipped how many values the receiver missed
   */
  public LaggedException(long skipped) {
    super("receiver lagged by " + skipped + " values");
    this.skipped = skipped;
  }

  /** {@return how many values the receiver missed} */
  public long skipped() {
    return skipped;
  }
}
