package io.kyoto.runtime.stream;

import static io.kyoto.runtime.stream.TestSource.drain;
import static io.kyoto.runtime.stream.TestSource.pollOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.stream.Streams.Unfold;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sources of {@link Streams}. */
@Timeout(30)
class StreamSourcesTest {
  private static final long MS = 1_000_000;

  @Test
  void fixedSources() throws Exception {
    assertEquals(List.of(), drain(Streams.empty()));
    assertEquals(List.of("x"), drain(Streams.once("x")));
    assertEquals(List.of(1, 2, 3), drain(Streams.of(1, 2, 3)));
    assertEquals(List.of(7, 7, 7), drain(Streams.repeat(7).take(3)));
    assertEquals(List.of(1, 2, 4, 8), drain(Streams.iterate(1, n -> n * 2).take(4)));
    assertThrows(NullPointerException.class, () -> Streams.of(1, null));
    assertThrows(NullPointerException.class, () -> Streams.once(null));
  }

  @Test
  void repeatAllocatesNothingPerItem() throws Exception {
    Stream<String> s = Streams.repeat("r");
    assertSame(pollOnce(s), pollOnce(s));
  }

  @Test
  void fromIterableCreatesTheIteratorAtTheFirstPoll() throws Exception {
    AtomicInteger iterators = new AtomicInteger();
    Iterable<Integer> counted =
        () -> {
          iterators.incrementAndGet();
          return List.of(1, 2).iterator();
        };
    Stream<Integer> s = Streams.fromIterable(counted);
    assertEquals(0, iterators.get());
    assertEquals(List.of(1, 2), drain(s));
    assertEquals(1, iterators.get());
    assertTrue(Stream.isEnd(pollOnce(s)), "fused");
  }

  @Test
  void aNullElementFailsTheStream() throws Exception {
    Stream<String> s = Streams.fromIterable(Arrays.asList("a", null, "c"));
    assertEquals("a", pollOnce(s).value());
    assertThrows(NullPointerException.class, () -> pollOnce(s));
  }

  @Test
  void iterateIsLazy() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Stream<Integer> s =
        Streams.iterate(
            0,
            n -> {
              calls.incrementAndGet();
              return n + 1;
            });
    assertEquals(List.of(0, 1, 2), drain(s.take(3)));
    assertEquals(2, calls.get(), "the function runs once per item after the seed");
  }

  @Test
  void unfoldRunsAnAsynchronousStepPerItem() throws Exception {
    try (Runtime rt = StreamCombinatorsTest.paused()) {
      List<String> pages = new ArrayList<>();
      long[] elapsed = new long[1];
      rt.blockOn(
          Futures.lazy(
              () -> {
                long t0 = Time.now();
                return Streams.<String, Integer>unfold(
                        1,
                        n ->
                            Time.sleep(Duration.ofMillis(100))
                                .map(v -> n > 3 ? Unfold.done() : Unfold.emit("page" + n, n + 1)))
                    .forEach(pages::add)
                    .inspect(v -> elapsed[0] = (Time.now() - t0) / MS);
              }));
      assertEquals(List.of("page1", "page2", "page3"), pages);
      assertEquals(400, elapsed[0], "four steps of 100 ms, the last one ending the stream");
    }
  }

  @Test
  void cancellingAnUnfoldCancelsTheStepInFlight() throws Exception {
    AtomicInteger cancels = new AtomicInteger();
    Stream<Integer> s =
        Streams.unfold(
            0,
            n ->
                new Future<Unfold<Integer, Integer>>() {
                  @Override
                  public Poll<Unfold<Integer, Integer>> poll(Context cx) {
                    return Poll.pending();
                  }

                  @Override
                  public void cancel() {
                    cancels.incrementAndGet();
                  }
                });
    assertTrue(pollOnce(s).isPending());
    s.cancel();
    assertEquals(1, cancels.get());
    assertTrue(Stream.isEnd(pollOnce(s)));
  }

  @Test
  void fromFutureYieldsItsValueOnce() throws Exception {
    assertEquals(List.of(42), drain(Streams.fromFuture(Futures.ready(42))));
    assertThrows(NullPointerException.class, () -> drain(Streams.fromFuture(Futures.ready(null))));
    AtomicInteger cancels = new AtomicInteger();
    Stream<Integer> s =
        Streams.fromFuture(
            new Future<Integer>() {
              @Override
              public Poll<Integer> poll(Context cx) {
                return Poll.pending();
              }

              @Override
              public void cancel() {
                cancels.incrementAndGet();
              }
            });
    assertTrue(pollOnce(s).isPending());
    s.cancel();
    s.cancel();
    assertEquals(1, cancels.get());
  }

  @Test
  void intervalTicksAtOnceThenEveryPeriod() throws Exception {
    try (Runtime rt = StreamCombinatorsTest.paused()) {
      List<Long> offsets =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    long t0 = Time.now();
                    return Streams.interval(Duration.ofSeconds(1))
                        .take(4)
                        .map(tick -> (tick - t0) / MS)
                        .toList();
                  }));
      assertEquals(List.of(0L, 1000L, 2000L, 3000L), offsets);
    }
  }

  @Test
  void intervalConsumesTheCoopBudget() throws Exception {
    try (Runtime rt = StreamCombinatorsTest.paused()) {
      boolean[] woken = {false};
      Poll<?> starved =
          rt.blockOn(
              Futures.fromSupplier(
                  () -> {
                    Context empty = new Context(() -> woken[0] = true);
                    empty.setBudget(0);
                    return Streams.interval(Duration.ofMillis(1)).pollNext(empty);
                  }));
      assertTrue(starved.isPending(), "no budget, no tick");
      assertTrue(woken[0], "the task is woken to try again after yielding");
    }
  }

  @Test
  void pollFnAndMergeOfManySources() throws Exception {
    int[] n = {0};
    Stream<Integer> counter = Streams.pollFn(cx -> n[0] < 3 ? Poll.ready(n[0]++) : Stream.end());
    assertEquals(List.of(0, 1, 2), drain(counter));
    assertEquals(
        List.of(1, 10, 100, 2, 20, 3),
        drain(Streams.merge(Streams.of(1, 2, 3), Streams.of(10, 20), Streams.of(100))));
  }

  @Test
  void anIteratorThatFailsFailsTheStream() {
    Iterable<Integer> broken =
        () ->
            new Iterator<>() {
              @Override
              public boolean hasNext() {
                return true;
              }

              @Override
              public Integer next() {
                throw new IllegalStateException("broken");
              }
            };
    assertThrows(IllegalStateException.class, () -> pollOnce(Streams.fromIterable(broken)));
  }
}
