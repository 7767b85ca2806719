package io.kyoto.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.JoinException;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.Waker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The terminal futures: what they compute, and how they own (or borrow) the stream. */
@Timeout(30)
class StreamTerminalsTest {
  private static <T> Poll<T> poll(Future<T> f) throws Exception {
    return f.poll(new Context(Waker.noop()));
  }

  @Test
  void foldCountCollectAnyAll() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      assertEquals(10, rt.blockOn(Streams.of(1, 2, 3, 4).fold(0, Integer::sum)));
      assertEquals(4L, rt.blockOn(Streams.of("a", "b", "c", "d").count()));
      assertEquals("a-b-c", rt.blockOn(Streams.of("a", "b", "c").collect(Collectors.joining("-"))));
      List<Integer> list = rt.blockOn(Streams.of(3, 1, 2).toList());
      assertEquals(List.of(3, 1, 2), list);
      assertThrows(UnsupportedOperationException.class, () -> list.add(4));
      assertEquals(List.of(), rt.blockOn(Streams.empty().toList()));
      assertTrue(rt.blockOn(Streams.of(1, 2, 3).any(n -> n == 2)));
      assertFalse(rt.blockOn(Streams.of(1, 2, 3).any(n -> n == 5)));
      assertTrue(rt.blockOn(Streams.of(1, 2, 3).all(n -> n > 0)));
      assertFalse(rt.blockOn(Streams.of(1, 2, 3).all(n -> n < 2)));
      assertTrue(rt.blockOn(Streams.<Integer>empty().all(n -> false)));
    }
  }

  @Test
  void anyAndAllStopAtTheAnswerAndCancelTheStream() throws Exception {
    TestSource<Integer> source = TestSource.of(1, 2, 3, 4);
    assertTrue(poll(source.any(n -> n == 2)).value());
    assertEquals(2, source.polls());
    assertTrue(source.cancelled());
    TestSource<Integer> other = TestSource.of(1, 2, 3, 4);
    assertFalse(poll(other.all(n -> n < 2)).value());
    assertEquals(2, other.polls());
    assertTrue(other.cancelled());
  }

  @Test
  void nextBorrowsTheStreamAndIsCancelSafe() throws Exception {
    TestSource<String> source = TestSource.open();
    Future<Optional<String>> first = source.next();
    assertTrue(poll(first).isPending());
    first.cancel(); // e.g. it lost a select
    assertFalse(source.cancelled(), "cancelling next() leaves the stream alone");
    source.push("kept");
    assertEquals(Optional.of("kept"), poll(source.next()).value(), "no item was lost");
    source.end();
    assertEquals(Optional.empty(), poll(source.next()).value());
  }

  @Test
  void firstTakesOneItemAndReleasesTheStream() throws Exception {
    TestSource<Integer> source = TestSource.of(5, 6);
    assertEquals(Optional.of(5), poll(source.first()).value());
    assertEquals(1, source.polls());
    assertTrue(source.cancelled());
    assertEquals(Optional.empty(), poll(Streams.empty().first()).value());
  }

  @Test
  void cancellingAConsumingTerminalCancelsTheStream() throws Exception {
    List<TestSource<Integer>> sources = new ArrayList<>();
    List<Future<?>> terminals = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      sources.add(TestSource.open());
    }
    terminals.add(sources.get(0).forEach(n -> {}));
    terminals.add(sources.get(1).forEachAsync(n -> Futures.ready(null)));
    terminals.add(sources.get(2).fold(0, Integer::sum));
    terminals.add(sources.get(3).toList());
    terminals.add(sources.get(4).first());
    terminals.add(sources.get(5).any(n -> true));
    terminals.add(sources.get(6).map(n -> n + 1).filter(n -> true).count());
    for (int i = 0; i < terminals.size(); i++) {
      assertTrue(poll(terminals.get(i)).isPending());
      terminals.get(i).cancel();
      assertEquals(1, sources.get(i).cancels(), "terminal #" + i);
    }
  }

  @Test
  void abortingATaskThatLoopsOverAStreamCancelsTheStream() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      TestSource<Integer> source = TestSource.open();
      List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
      Exception e =
          assertThrows(
              JoinException.class,
              () ->
                  rt.blockOn(
                      Futures.lazy(
                          () -> {
                            JoinHandle<Void> loop = Task.spawn(source.forEach(seen::add));
                            source.push(1);
                            return Task.yieldNow()
                                .flatMap(
                                    v -> {
                                      loop.abort();
                                      return loop;
                                    });
                          })));
      assertInstanceOf(CancellationException.class, e.getCause());
      assertEquals(List.of(1), seen);
      assertEquals(1, source.cancels());
    }
  }

  @Test
  void aFailingActionFailsTheLoopAndCancelsTheStream() {
    TestSource<Integer> source = TestSource.of(1, 2, 3);
    IOException boom = new IOException("boom");
    Future<Void> loop =
        source.forEach(
            n -> {
              if (n == 2) {
                throw boom;
              }
            });
    assertSame(boom, assertThrows(IOException.class, () -> poll(loop)));
    assertEquals(2, source.polls());
    assertTrue(source.cancelled());
  }

  @Test
  void aFailingStreamFailsTheTerminalWhichStillReleasesIt() {
    TestSource<Integer> source = TestSource.open();
    source.push(1);
    source.fail(new IOException("read error"));
    assertThrows(IOException.class, () -> poll(source.toList()));
    assertTrue(source.cancelled(), "the safety net: harmless for a stream that cleaned up");
  }

  /**
   * A stream that fails and whose cancel() throws too: every consuming terminal fails with the
   * stream's failure, the cancel's exception added as suppressed (as for a dropped future), instead
   * of losing the failure to the cancel's.
   */
  @Test
  void aFailedStreamWhoseCancelThrowsStillFailsTheTerminalWithItsOwnFailure() {
    List<java.util.function.Function<Stream<Integer>, Future<?>>> terminals =
        List.of(
            s -> s.toList(),
            s -> s.forEach(n -> {}),
            s -> s.forEachAsync(n -> Futures.ready(null)),
            s -> s.first());
    for (int i = 0; i < terminals.size(); i++) {
      IOException failure = new IOException("read error");
      IllegalStateException cancelFailure = new IllegalStateException("cancel failed");
      Stream<Integer> source =
          new Stream<>() {
            @Override
            public Poll<Integer> pollNext(Context cx) throws IOException {
              throw failure;
            }

            @Override
            public void cancel() {
              throw cancelFailure;
            }
          };
      Future<?> terminal = terminals.get(i).apply(source);
      IOException e = assertThrows(IOException.class, () -> poll(terminal), "terminal " + i);
      assertSame(failure, e, "terminal " + i);
      assertEquals(List.of(cancelFailure), List.of(e.getSuppressed()), "terminal " + i);
    }

    // The same when the terminal's own function fails.
    List<java.util.function.BiFunction<Stream<Integer>, IOException, Future<?>>> failingActions =
        List.of(
            (s, failure) ->
                s.forEach(
                    n -> {
                      throw failure;
                    }),
            (s, failure) ->
                s.forEachAsync(
                    n -> {
                      throw failure;
                    }));
    for (int i = 0; i < failingActions.size(); i++) {
      IOException actionFailure = new IOException("action failed");
      IllegalStateException cancelFailure = new IllegalStateException("cancel failed");
      Stream<Integer> source =
          new Stream<>() {
            @Override
            public Poll<Integer> pollNext(Context cx) {
              return Poll.ready(1);
            }

            @Override
            public void cancel() {
              throw cancelFailure;
            }
          };
      Future<?> terminal = failingActions.get(i).apply(source, actionFailure);
      IOException e = assertThrows(IOException.class, () -> poll(terminal), "action " + i);
      assertSame(actionFailure, e, "action " + i);
      assertEquals(List.of(cancelFailure), List.of(e.getSuppressed()), "action " + i);
    }
  }

  @Test
  void forEachAsyncAwaitsEachItemsFutureInTurn() throws Exception {
    try (Runtime rt = StreamCombinatorsTest.paused()) {
      List<String> log = new ArrayList<>();
      rt.blockOn(
          Streams.of(1, 2, 3)
              .inspect(n -> log.add("pull " + n))
              .forEachAsync(
                  n -> Time.sleep(Duration.ofMillis(10 * (4 - n))).map(v -> log.add("done " + n))));
      assertEquals(
          List.of("pull 1", "done 1", "pull 2", "done 2", "pull 3", "done 3"), log, "sequential");
    }
  }

  @Test
  void cancellingForEachAsyncCancelsTheCurrentFutureToo() throws Exception {
    TestSource<Integer> source = TestSource.of(1, 2);
    AtomicInteger futureCancels = new AtomicInteger();
    Future<Void> loop =
        source.forEachAsync(
            n ->
                new Future<Void>() {
                  @Override
                  public Poll<Void> poll(Context cx) {
                    return Poll.pending();
                  }

                  @Override
                  public void cancel() {
                    futureCancels.incrementAndGet();
                  }
                });
    assertTrue(poll(loop).isPending());
    loop.cancel();
    assertEquals(1, futureCancels.get());
    assertEquals(1, source.cancels());
  }

  @Test
  void drainingAnInMemoryStreamYieldsToOtherTasks() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      List<String> order = Collections.synchronizedList(new ArrayList<>());
      rt.blockOn(
          Futures.lazy(
              () -> {
                JoinHandle<Long> drain =
                    Task.spawn(
                        Streams.repeat(1).take(100_000).count().inspect(n -> order.add("drained")));
                JoinHandle<Boolean> other =
                    Task.spawn(Futures.fromSupplier(() -> order.add("other")));
                return Futures.join(drain, other, (a, b) -> a);
              }));
      assertEquals(List.of("other", "drained"), order, "the loop spent its budget and yielded");
    }
  }

  @Test
  void theEchoServerShapeReadsTopToBottom() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      List<String> served = Collections.synchronizedList(new ArrayList<>());
      Stream<String> incoming = Streams.of("c1", "c2", "c3");
      rt.blockOn(
          incoming.forEach(conn -> Task.spawn(Futures.fromSupplier(() -> served.add(conn)))));
      rt.blockOn(Task.yieldNow());
      assertEquals(List.of("c1", "c2", "c3"), served);
    }
  }
}
