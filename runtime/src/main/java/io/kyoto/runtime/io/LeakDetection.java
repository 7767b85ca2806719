package io.kyoto.runtime.io;

import java.util.Locale;

/**
 * How closely a {@link BufferPool} watches for {@link PooledBuffer}s that are garbage-collected
 * without {@link PooledBuffer#close()}: Netty's leak detection levels.
 *
 * <p>The default comes from the system property {@value #PROPERTY} ({@code disabled}, {@code
 * simple} or {@code paranoid}, case-insensitive; {@code kyoto.leakDetection} is accepted as a short
 * alias), else {@link #SIMPLE}. {@link BufferPool.Builder#leakDetection} overrides it per pool.
 */
public enum LeakDetection {
  /** No tracking: a leaked buffer goes unnoticed. */
  DISABLED,
  /**
   * About one buffer in {@value BufferPool#SAMPLING_INTERVAL} is tracked; a leak is counted and
   * logged, without the place of acquisition. Cheap enough for production.
   */
  SIMPLE,
  /**
   * Every buffer is tracked, and the stack trace of its acquisition is recorded and logged with the
   * leak. For tests and debugging: it costs a stack walk per acquisition.
   */
  PARANOID;

  /** The system property that sets the default level. */
  public static final String PROPERTY = "kyoto.runtime.leakDetection";

  private static final String ALIAS = "kyoto.leakDetection";

  /** {@return the level named by the system property, or {@link #SIMPLE}} */
  public static LeakDetection fromSystemProperties() {
    String value = System.getProperty(PROPERTY, System.getProperty(ALIAS));
    if (value == null || value.isBlank()) {
      return SIMPLE;
    }
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      System.getLogger(BufferPool.class.getName())
          .log(
              System.Logger.Level.WARNING,
              "unknown value {0}={1}; expected disabled, simple or paranoid; using simple",
              PROPERTY,
              value);
      return SIMPLE;
    }
  }
}
