package io.kyoto.reactor.internal.nio;

import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;

/**
 * One registration of a {@link NioSource} with a {@link NioSelector}: the JDK key, the user's token
 * and the user's full {@link io.kyoto.reactor.internal.Readiness} interest.
 *
 * <p>Immutable: {@code reregister} publishes a new instance (as the key's attachment and as the
 * source's {@code registration}) instead of changing this one, so the selecting thread always sees
 * a token and an interest that belong together. The <em>armed</em> subset of the interest lives in
 * the key's {@link SelectionKey#interestOps() interest set}, which every thread changes only with
 * the atomic {@link SelectionKey#interestOpsOr(int)} and {@link SelectionKey#interestOpsAnd(int)}
 * (see the package documentation for the protocol).
 *
 * @param selector the selector the key belongs to
 * @param key the JDK key; it outlives this registration (it is kept, disarmed, after deregister)
 * @param token the token reported in events
 * @param interest the user's interest, {@code Readiness.READABLE} and/or {@code WRITABLE}
 */
record NioRegistration(NioSelector selector, SelectionKey key, long token, int interest) {

  /**
   * Re-arms {@code ops} after an operation reported "would block". Safe from any thread; never
   * allocates and never throws.
   *
   * @param ops the {@link SelectionKey} operations to add to the interest set
   */
  void arm(int ops) {
    if (ops == 0) {
      return;
    }
    try {
      int previous = key.interestOpsOr(ops);
      if ((previous & ops) != ops) {
        // The JDK applies interest changes at the start of a select: a select already blocked
        // must be woken to see the newly armed operation.
        selector.wakeupIfSelecting();
      }
    } catch (CancelledKeyException | ClosedSelectorException e) {
      // The channel or the selector was closed concurrently: there is nothing left to arm.
    }
  }
}
