package io.kyoto.runtime;

/**
 * What an {@link Interval} does when ticks were missed because the task was busy for longer than a
 * period, as tokio's {@code MissedTickBehavior}. A tick counts as missed when it is more than 5 ms
 * late.
 */
public enum MissedTickBehavior {
  /** Fire the missed ticks as fast as possible until caught up; the schedule is kept. Default. */
  BURST,

  /** Fire once now, then every period from now: the schedule shifts, ticks are never shortened. */
  DELAY,

  /** Fire once now, then at the next tick of the original schedule, dropping the missed ones. */
  SKIP
}
