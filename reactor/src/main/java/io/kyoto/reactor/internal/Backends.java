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

  /** The name of the default backend, chosen once. */
  public static String defaultName() {
    return Default.NAME;
  }

  private static final class Default {
    static final String NAME = choose();

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
