package io.kyoto.runtime.process;

/** What a child's standard stream is connected to: tokio's {@code Stdio}. */
public enum Stdio {
  /**
   * The parent's own stream (the default of {@link Command#spawn()} and {@link Command#status()}).
   */
  INHERIT,
  /** A pipe to the parent, reached through {@link Child#stdin()}, {@link Child#stdout()}, ... */
  PIPED,
  /** Nothing: reads see end of input, writes are discarded ({@code /dev/null}). */
  NULL
}
