package io.kyoto.runtime;

/** The two schedulers a {@link Runtime} can run, as tokio's runtime flavors. */
public enum Flavor {
  /**
   * Every task runs on the thread inside {@link Runtime#blockOn}; nothing runs between calls. Best
   * for tests (deterministic, and {@code startPaused} is allowed) and for embedding.
   */
  CURRENT_THREAD,

  /**
   * A pool of worker threads with work stealing, started when the runtime is built; tasks run
   * whether or not anyone is inside {@code blockOn}. The default.
   */
  MULTI_THREAD
}
