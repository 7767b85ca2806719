package io.kyoto.runtime.annotation;

import io.kyoto.runtime.Flavor;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the entry point of an asynchronous program, as tokio's {@code #[tokio::main]}.
 *
 * <p>The method must be {@code static}, not {@code private}, return an {@link
 * io.kyoto.runtime.Future}, and take either no parameters or a single {@code String[]}; its class
 * must be top level or a {@code static} nested class, and may have only one such method. The
 * processor generates, in the same package, a launcher class named after the enclosing class (the
 * names of nested classes joined by {@code _}) followed by {@code _Main}, for example {@code
 * Echo_Main} for {@code Echo}, whose {@code public static void main(String[] args)}:
 *
 * <ol>
 *   <li>builds a runtime through {@link io.kyoto.runtime.Runtime#builder()} from these options,
 *       with every driver enabled;
 *   <li>{@linkplain io.kyoto.runtime.Runtime#blockOn blocks on} the annotated method's future;
 *   <li>closes the runtime;
 *   <li>on failure prints the stack trace and exits with status 1; if the future's value is an
 *       {@link Integer}, exits with it as the status.
 * </ol>
 *
 * <p>Run it with {@code java -cp <class path> com.example.Echo_Main}, or name it as the {@code
 * Main-Class} of the jar's manifest.
 *
 * <pre>{@code
 * public final class Echo {
 *   @AsyncMain(name = "echo")
 *   static Future<Void> run(String[] args) {
 *     return TcpListener.bind("127.0.0.1:7000").flatMap(Echo::serve);
 *   }
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface AsyncMain {
  /** {@return the runtime flavor; multi-thread by default, as tokio's main} */
  Flavor flavor() default Flavor.MULTI_THREAD;

  /**
   * {@return the number of worker threads of a multi-thread runtime}
   *
   * <p>The default, 0, leaves the number to the runtime (the number of processors). Setting it
   * explicitly requires {@link Flavor#MULTI_THREAD} and a positive number: an explicit 0 is an
   * error, as in tokio.
   */
  int workerThreads() default 0;

  /** {@return the runtime's name, used for its threads; empty for the runtime's default} */
  String name() default "";

  /** {@return whether the runtime's clock starts paused; requires {@link Flavor#CURRENT_THREAD}} */
  boolean startPaused() default false;
}
