package io.kyoto.reactor.internal;

import io.kyoto.reactor.internal.epoll.EpollProvider;
import io.kyoto.reactor.internal.nio.NioProvider;
import java.util.Locale;

/**
 * Chooses the default backend once, at first use.
 *
 * <p>The system property {@code kyoto.reactor.backend} ({@code epoll} or {@code nio}) forces a
 * choice; a forced backend that is unavailable is an error, not a silent fallback. Without the
 * property, {@code epoll} is used where it is available (Linux, native access enabled) and {@code
 * nio} otherwise, and the reason is logged once at INFO.
 */
public final class Backends {
  /** The system property that forces a backend. */
  public static final String PROPERTY = "kyoto.reactor.backend";

  private Backends() {}

  /**
   * The logger, looked up on first use: {@code System.getLogger} from an application module loads
   * the logger finder service (a class-path scan and {@code java.util.logging} set-up, tens of ms),
   * which a start-up that logs nothing should not pay.
   */
  private static final class Log {
    static final System.Logger LOG = System.getLogger("io.kyoto.reactor");

    private Log() {}
  }

  /** The epoll provider, or an error naming why it is unavailable. */
  public static BackendProvider epoll() {
    Throwable cause = EpollProvider.unavailabilityCause();
    if (cause != null) {
      throw new IllegalStateException(
          "the epoll reactor backend is unavailable: " + cause.getMessage(), cause);
    }
    return EpollProvider.INSTANCE;
  }

  /** The nio provider, available everywhere. */
  public static BackendProvider nio() {
    return NioProvider.INSTANCE;
  }

  /**
   * The name of the default backend, chosen once.
   *
   * @throws IllegalArgumentException if the property names no backend, on every call
   * @throws IllegalStateException if the property forces an unavailable backend, on every call
   */
  public static String defaultName() {
    if (Default.FAILURE instanceof IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage(), e.getCause());
    }
    if (Default.FAILURE instanceof IllegalStateException e) {
      throw new IllegalStateException(e.getMessage(), e.getCause());
    }
    return Default.NAME;
  }

  /**
   * The choice, made once. A bad property is kept as a failure and thrown afresh by each call, not
   * from this class's initializer: that would throw an {@code ExceptionInInitializerError} once and
   * a {@code NoClassDefFoundError} ever after, neither of them what the callers document.
   */
  private static final class Default {
    static final RuntimeException FAILURE;
    static final String NAME;

    static {
      String name = null;
      RuntimeException failure = null;
      try {
        name = choose();
      } catch (IllegalArgumentException | IllegalStateException e) {
        failure = e;
      }
      NAME = name;
      FAILURE = failure;
    }

    private static String choose() {
      String forced = System.getProperty(PROPERTY);
      if (forced != null && !forced.isBlank()) {
        String name = forced.trim().toLowerCase(Locale.ROOT);
        switch (name) {
          case "epoll" -> {
            epoll();
            return name;
          }
          case "nio" -> {
            return name;
          }
          default ->
              throw new IllegalArgumentException(
                  "unknown value '" + forced + "' for -D" + PROPERTY + "; use epoll or nio");
        }
      }
      Throwable cause = EpollProvider.unavailabilityCause();
      if (cause == null) {
        return "epoll";
      }
      Log.LOG.log(
          System.Logger.Level.INFO,
          "Kyoto reactor: using the nio backend because epoll is unavailable: {0}",
          cause.getMessage());
      return "nio";
    }
  }
}
