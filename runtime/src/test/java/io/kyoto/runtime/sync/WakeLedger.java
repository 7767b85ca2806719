package io.kyoto.runtime.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Which wakes one hand-polled waiter (a receiver, a future) is owed, for the no-lost-wake-up check
 * of the model tests.
 *
 * <p>A poll that returns pending registers its waker, replacing the one registered before. When the
 * waiter's owner later observes that something arrived (a value, a change, a notification, the
 * close), the registered waker was owed a wake by whoever made it arrive: it is {@linkplain #owed
 * owed}, and must have been woken by the end of the scenario (a waker may run a moment after the
 * arrival is visible, but before the operation that made it returns). The waker registered last is
 * checked at the end against the waiter's final state. Cancelling or closing the waiter withdraws
 * its waker. One ledger belongs to the thread that owns the waiter.
 */
final class WakeLedger {
  private TestWaker registered;
  private final List<TestWaker> owed = new ArrayList<>();

  /** A poll returned pending: {@code w} is now the registered waker. */
  void pending(TestWaker w) {
    registered = w;
  }

  /** The owner observed an arrival since the registration: the registered waker was owed. */
  void arrived() {
    if (registered != null) {
      owed.add(registered);
      registered = null;
    }
  }

  /** The waiter was cancelled or closed: nothing is owed to its waker any more. */
  void withdrawn() {
    registered = null;
  }

  /**
   * Checks, after a scenario, that every owed waker was woken, and that the waker registered last
   * was woken if {@code arrivedSince} says something arrived after its registration.
   *
   * @param arrivedSince evaluated only when a registered waker was not woken
   */
  void check(BooleanSupplier arrivedSince) {
    for (TestWaker w : owed) {
      if (w.wakes() == 0) {
        throw new AssertionError("a pending waiter saw its event arrive but was never woken");
      }
    }
    if (registered != null && registered.wakes() == 0 && arrivedSince.getAsBoolean()) {
      throw new AssertionError("a pending waiter was not woken by the event that arrived");
    }
  }
}
