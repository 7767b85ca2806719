package io.kyoto.runtime.sync;

/**
 * What a {@link Barrier#await()} future completes with: whether this task was the generation's
 * leader (tokio's {@code BarrierWaitResult}).
 *
 * <p><b>Thread safety:</b> immutable.
 */
public final class BarrierWaitResult {
  static final BarrierWaitResult LEADER = new BarrierWaitResult(true);
  static final BarrierWaitResult FOLLOWER = new BarrierWaitResult(false);

  private final boolean leader;

  private BarrierWaitResult(boolean leader) {
    this.leader = leader;
  }

  /**
   * {@return whether this task was the leader} Exactly one task of each generation is: the one
   * whose arrival completed it.
   */
  public boolean isLeader() {
    return leader;
  }

  @Override
  public String toString() {
    return leader ? "BarrierWaitResult{leader}" : "BarrierWaitResult{follower}";
  }
}
