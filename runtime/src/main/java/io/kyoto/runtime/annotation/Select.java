package io.kyoto.runtime.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a compile-time select, as tokio's {@code select!}: the processor generates its state
 * machine, a future named after the type followed by {@code _Select}.
 *
 * <p>The annotated class or interface (top level or static nested, not private, not generic)
 * declares the branches as {@link Branch} methods {@code T name(V value)}, each the handler of a
 * {@code Future<V>} supplied at the call site, and optionally one {@link Else} method {@code T
 * name()}. Every handler returns the same type {@code T}, the select's value type. At most {@value
 * io.kyoto.runtime.Select#MAX_BRANCHES} branches.
 *
 * <p>The generated class has a static factory {@code of(handlers, future1, future2, ...)} taking an
 * instance of the annotated type and one future per branch, in declaration order. A {@code null}
 * future is a false precondition: the branch is disabled (tokio's {@code , if cond}).
 *
 * <pre>{@code
 * @Select
 * abstract class ConnEvents {
 *   @Branch Event line(String line) { return new Line(line); }
 *   @Branch(disableOnNull = true) Event message(String msg) { return new Message(msg); }
 *   @Branch Event tick(Long at) { return Tick.INSTANCE; }
 *   @Else Event closed() { return Closed.INSTANCE; }
 * }
 *
 * Future<Event> next =
 *     ConnEvents_Select.of(handlers, rx.recv(), open ? chat.recv() : null, interval.tick());
 * }</pre>
 *
 * <p>Polling behaves as {@link io.kyoto.runtime.Select}: coop budget checked first; branches polled
 * from a random start (or in declaration order when {@link #biased}); the first ready branch wins,
 * every other branch future is cancelled before its handler runs; a failing branch cancels the
 * others and fails the select; when every branch is disabled the else method runs, or the select
 * fails with {@link io.kyoto.runtime.Select#allBranchesDisabled()}. Polling allocates nothing.
 *
 * <p>Because losers are cancelled, a future made once and offered in every iteration of a loop (a
 * shutdown signal, a receive that must not lose its place) is passed as {@link
 * io.kyoto.runtime.Select#borrow Select.borrow(future)}, tokio's {@code &mut fut}: the select polls
 * it but never cancels it. A {@link io.kyoto.runtime.Sleep} is the exception that needs no borrow:
 * cancelled, it keeps its deadline and registers again when polled.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Select {
  /**
   * {@return whether to poll branches in declaration order instead of from a random branch} tokio's
   * {@code biased;}.
   */
  boolean biased() default false;
}
