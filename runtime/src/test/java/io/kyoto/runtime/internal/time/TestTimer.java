package io.kyoto.runtime.internal.time;

/** A timer entry for tests: a name and a count of {@link #fire()} calls. */
final class TestTimer extends TimerEntry {
  final String name;
  int fireCount;

  TestTimer(String name) {
    this.name = name;
  }

  @Override
  public void fire() {
    fireCount++;
  }

  /** {@return the level the entry is scheduled on, or -1 if it is not scheduled} */
  int level() {
    return position >= 0 ? position / TimerWheel.SLOTS : -1;
  }

  @Override
  public String toString() {
    return name + "@" + deadline;
  }
}
