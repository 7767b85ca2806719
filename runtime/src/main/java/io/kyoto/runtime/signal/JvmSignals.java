package io.kyoto.runtime.signal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The JDK's signal API, {@code sun.misc.Signal} (module {@code jdk.unsupported}, exported and
 * present in every OpenJDK build), bound through public method handles.
 *
 * <p>Why not call it directly: javac reports every use of {@code sun.misc} with a warning that no
 * lint option or annotation suppresses, and this build treats warnings as errors. The handles are
 * resolved once, by constant names, with {@link MethodHandles#publicLookup()}: no access checks are
 * bypassed and nothing is opened.
 */
final class JvmSignals {
  private static final MethodHandle NEW_SIGNAL;
  private static final MethodHandle HANDLE;
  private static final MethodHandle RAISE;
  private static final Class<?> HANDLER;
  private static final Object SIG_IGN;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.publicLookup();
      Class<?> signal = Class.forName("sun.misc.Signal");
      HANDLER = Class.forName("sun.misc.SignalHandler");
      NEW_SIGNAL = l.findConstructor(signal, MethodType.methodType(void.class, String.class));
      HANDLE = l.findStatic(signal, "handle", MethodType.methodType(HANDLER, signal, HANDLER));
      RAISE = l.findStatic(signal, "raise", MethodType.methodType(void.class, signal));
      SIG_IGN = l.findStaticGetter(HANDLER, "SIG_IGN", HANDLER).invoke();
    } catch (Throwable e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private JvmSignals() {}

  /**
   * Installs {@code onSignal} as the handler of {@code name}.
   *
   * @return true if the process ignores the signal (it started with it ignored), so that the
   *     handler will never run
   * @throws IllegalArgumentException if the JVM refuses (unknown signal, or started with -Xrs)
   */
  static boolean handle(String name, Runnable onSignal) {
    MethodHandle run;
    try {
      run =
          MethodHandles.dropArguments(
              MethodHandles.lookup()
                  .findVirtual(Runnable.class, "run", MethodType.methodType(void.class))
                  .bindTo(onSignal),
              0,
              Class.forName("sun.misc.Signal"));
      Object handler = MethodHandleProxies.asInterfaceInstance(HANDLER, run);
      Object previous = HANDLE.invoke(NEW_SIGNAL.invoke(name), handler);
      // The JVM keeps a signal that was ignored when the process started ignored (nohup, or
      // `cmd &` in a non-interactive shell): this handler will never run. The caller says so.
      return previous == SIG_IGN;
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalArgumentException("cannot handle signal SIG" + name + ": " + t, t);
    }
  }

  /** Raises {@code name} in this process. */
  static void raise(String name) {
    try {
      RAISE.invoke(NEW_SIGNAL.invoke(name));
    } catch (Throwable t) {
      throw new IllegalArgumentException("cannot raise signal SIG" + name + ": " + t, t);
    }
  }
}
