package io.kyoto.runtime.internal.time;

/**
 * A timer that can be registered in a {@link TimerWheel}: an intrusive list node plus the callback
 * the time driver runs when the timer comes due.
 *
 * <p>The entry is its own list node (tokio's {@code TimerShared}), so inserting it, moving it down
 * a level and removing it never allocate. Subclasses add the payload, for example a waker, and
 * implement {@link #fire()}.
 *
 * <p>States (see the {@linkplain io.kyoto.runtime.internal.time package documentation}):
 *
 * <ul>
 *   <li><b>idle</b>: in no wheel; never inserted, or removed;
 *   <li><b>scheduled</b>: linked into one slot of one level of its wheel;
 *   <li><b>pending</b>: due, linked into the wheel's pending list, not yet handed out;
 *   <li><b>fired</b>: handed out by {@link TimerWheel#poll(long)} or {@link TimerWheel#advance}, or
 *       rejected by {@link TimerWheel#insert} because its deadline had already passed.
 * </ul>
 *
 * <p>An idle or fired entry may be inserted again, into the same wheel or another one.
 *
 * <p><b>Thread safety:</b> the wheel's fields of an entry are guarded by whatever guards the wheel
 * (the time driver's lock); {@link #fire()} is the subclass's business and is called by the driver,
 * never by the wheel.
 */
public abstract class TimerEntry {
  /** {@link #position} of an entry in no wheel. */
  static final int IDLE = -1;

  /** {@link #position} of an entry in its wheel's pending list. */
  static final int PENDING = -2;

  /** {@link #position} of an entry handed out as expired. */
  static final int FIRED = -3;

  /** The wheel holding this entry while scheduled or pending, else {@code null}. */
  TimerWheel wheel;

  /**
   * Neighbours in the slot list or the pending list; {@code null} at the ends and when unlinked.
   */
  TimerEntry prev;

  TimerEntry next;

  /** The deadline tick given to the last insert (clamped), or -1 if never inserted. */
  long deadline = -1;

  /**
   * {@code level * 64 + slot} while scheduled, else {@link #IDLE}, {@link #PENDING}, {@link
   * #FIRED}.
   */
  int position = IDLE;

  /** Creates an idle entry. */
  protected TimerEntry() {}

  /**
   * Runs the timer's action; called by the time driver once the wheel hands the entry out.
   *
   * <p>The wheel never calls this method: the driver collects expired entries under its lock and
   * fires them after releasing it, so the action may register timers again.
   */
  public abstract void fire();

  /** {@return the deadline tick of the last insert (after clamping), or -1 if never inserted} */
  public final long deadline() {
    return deadline;
  }

  /** {@return whether the entry is in a wheel: scheduled, or due and not yet handed out} */
  public final boolean isRegistered() {
    return wheel != null;
  }

  /**
   * {@return whether the entry's deadline was reported as reached}: handed out as expired, or
   * rejected by the last insert as already expired. Cleared by the next successful insert.
   */
  public final boolean isFired() {
    return position == FIRED;
  }
}
