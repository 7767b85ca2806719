package io.kyoto.runtime.stream;

import static io.kyoto.runtime.stream.TestSource.drain;
import static io.kyoto.runtime.stream.TestSource.pollOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.Waker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Item, limit and combining combinators, polled by hand; time combinators on a paused clock. */
@Timeout(30)
class StreamCombinatorsTest {
  private static final long MS = 1_000_000;

  static Runtime paused() {
    return Runtime.builder().currentThread().startPaused(true).build();
  }

  @Test
  void endIsOneSharedMarkerComparedByIdentity() {
    assertSame(Stream.end(), Stream.<String>end());
    assertTrue(Stream.isEnd(Stream.end()));
    assertFalse(Stream.isEnd(Poll.pending()));
    assertFalse(Stream.isEnd(Poll.ready(null)));
    assertFalse(Stream.isEnd(Poll.ready(Stream.end()))); // even a poll holding the marker
  }

  @Test
  void mapFilterTakeComposeLazily() throws Exception {
    AtomicInteger computed = new AtomicInteger();
    Stream<Integer> squares =
        Streams.iterate(1, n -> n + 1)
            .map(n -> n * n)
            .inspect(n -> computed.incrementAndGet())
            .filter(n -> n % 2 == 1)
            .take(3);
    assertEquals(0, computed.get(), "nothing runs before the first poll");
    assertEquals(List.of(1, 9, 25), drain(squares));
    assertEquals(5, computed.get(), "take pulls no item beyond the last one it needs");
  }

  @Test
  void passThroughCombinatorsHandOnTheUpstreamPollItself() throws Exception {
    Poll<String> item = Poll.ready("x");
    Stream<String> source = cx -> item;
    assertSame(
        item, pollOnce(source.filter(s -> true).take(5).skip(0).fuse().takeWhile(s -> true)));
  }

  @Test
  void takeCancelsTheUpstreamRightAfterTheLastItem() throws Exception {
    TestSource<Integer> source = TestSource.open();
    source.push(1);
    source.push(2);
    Stream<Integer> two = source.take(2);
    assertEquals(1, pollOnce(two).value());
    assertFalse(source.cancelled());
    assertEquals(2, pollOnce(two).value());
    assertEquals(1, source.cancels(), "released with the last item, not at the next poll");
    assertTrue(Stream.isEnd(pollOnce(two)));
    assertEquals(2, source.polls());
  }

  @Test
  void takeZeroNeverPollsAndReleasesTheUpstream() throws Exception {
    TestSource<Integer> source = TestSource.of(1);
    assertEquals(List.of(), drain(source.take(0)));
    assertEquals(0, source.polls());
    assertTrue(source.cancelled());
  }

  @Test
  void skipTakeWhileSkipWhile() throws Exception {
    assertEquals(List.of(3, 4, 5), drain(Streams.of(1, 2, 3, 4, 5).skip(2)));
    assertEquals(List.of(), drain(Streams.of(1, 2).skip(5)));
    assertEquals(List.of(3, 4, 1), drain(Streams.of(1, 2, 3, 4, 1).skipWhile(n -> n < 3)));
    TestSource<Integer> source = TestSource.of(1, 2, 3, 1, 2);
    assertEquals(List.of(1, 2), drain(source.takeWhile(n -> n < 3)));
    assertTrue(source.cancelled(), "takeWhile releases the upstream at the first miss");
    assertEquals(3, source.polls());
  }

  @Test
  void filterMapKeepsThePresentValues() throws Exception {
    Stream<String> s =
        Streams.of("1", "x", "3", "", "5")
            .filterMap(
                t -> {
                  try {
                    return Optional.of(Integer.parseInt(t) * 10);
                  } catch (NumberFormatException e) {
                    return Optional.empty();
                  }
                })
            .map(String::valueOf);
    assertEquals(List.of("10", "30", "50"), drain(s));
  }

  @Test
  void aFunctionThatThrowsOrReturnsNullFailsTheStreamAndCancelsTheUpstream() {
    TestSource<Integer> a = TestSource.of(1, 2);
    IOException boom = new IOException("boom");
    Stream<Integer> failing =
        a.map(
            n -> {
              throw boom;
            });
    assertSame(boom, assertThrows(IOException.class, () -> pollOnce(failing)));
    assertTrue(a.cancelled());

    TestSource<Integer> b = TestSource.of(1);
    NullPointerException npe =
        assertThrows(NullPointerException.class, () -> pollOnce(b.map(n -> (String) null)));
    assertTrue(npe.getMessage().contains("must not be null"), npe.getMessage());
    assertTrue(b.cancelled());

    TestSource<Integer> c = TestSource.of(1);
    assertThrows(
        IllegalStateException.class,
        () ->
            pollOnce(
                c.filter(
                    n -> {
                      throw new IllegalStateException();
                    })));
    assertTrue(c.cancelled());
  }

  @Test
  void thenRunsOneFutureAtATimeAndPullsTheNextItemOnlyAfterIt() throws Exception {
    TestSource<Integer> source = TestSource.of(1, 2, 3);
    List<Integer> started = new ArrayList<>();
    boolean[] release = {false};
    Stream<String> s =
        source.then(
            n -> {
              started.add(n);
              return cx -> release[0] ? Poll.ready("#" + n) : Poll.pending();
            });
    assertTrue(pollOnce(s).isPending());
    assertTrue(pollOnce(s).isPending());
    assertEquals(List.of(1), started);
    assertEquals(1, source.polls(), "the next item waits for the current future");
    release[0] = true;
    assertEquals(List.of("#1", "#2", "#3"), drain(s));
  }

  @Test
  void cancellingThenCancelsTheCurrentFutureAndTheUpstream() throws Exception {
    TestSource<Integer> source = TestSource.open();
    source.push(1);
    AtomicInteger futureCancels = new AtomicInteger();
    Stream<Integer> s =
        source.then(
            n ->
                new Future<Integer>() {
                  @Override
                  public Poll<Integer> poll(Context cx) {
                    return Poll.pending();
                  }

                  @Override
                  public void cancel() {
                    futureCancels.incrementAndGet();
                  }
                });
    assertTrue(pollOnce(s).isPending());
    s.cancel();
    assertEquals(1, futureCancels.get());
    assertEquals(1, source.cancels());
  }

  @Test
  void flatMapDrainsEachInnerStreamInTurn() throws Exception {
    Stream<Integer> s = Streams.of(1, 2, 3).flatMap(n -> Streams.repeat(n).take(n));
    assertEquals(List.of(1, 2, 2, 3, 3, 3), drain(s));
    TestSource<Integer> inner = TestSource.open();
    TestSource<Integer> outer = TestSource.of(1);
    Stream<Integer> pending = outer.flatMap(n -> inner);
    assertTrue(pollOnce(pending).isPending());
    pending.cancel();
    assertTrue(inner.cancelled());
    assertTrue(outer.cancelled());
  }

  @Test
  void chunksOfAHugeSizeDoesNotReserveThatMuchUpFront() throws Exception {
    // "As many as there are" is a natural way to ask for one chunk of everything.
    assertEquals(List.of(List.of(1, 2, 3)), drain(Streams.of(1, 2, 3).chunks(Integer.MAX_VALUE)));
  }

  @Test
  void chunksGroupsItemsAndEmitsTheRemainder() throws Exception {
    assertEquals(
        List.of(List.of(1, 2, 3), List.of(4, 5, 6), List.of(7)),
        drain(Streams.of(1, 2, 3, 4, 5, 6, 7).chunks(3)));
    assertEquals(List.of(List.of(1, 2)), drain(Streams.of(1, 2).chunks(2)));
    assertEquals(List.of(), drain(Streams.<Integer>empty().chunks(2)));
    assertThrows(IllegalArgumentException.class, () -> Streams.of(1).chunks(0));
  }

  @Test
  void mergeAlternatesFairlyBetweenBusyStreams() throws Exception {
    assertEquals(
        List.of("a", "b", "a", "b", "a", "b"),
        drain(Streams.repeat("a").merge(Streams.repeat("b")).take(6)));
    assertEquals(
        List.of("a", "b", "c", "a", "b", "c", "a"),
        drain(
            Streams.merge(Streams.repeat("a"), Streams.repeat("b"), Streams.repeat("c")).take(7)));
  }

  @Test
  void mergeTakesWhatIsReadyAndEndsWhenAllHaveEnded() throws Exception {
    TestSource<String> slow = TestSource.open();
    TestSource<String> fast = TestSource.of("f1", "f2");
    Stream<String> merged = slow.merge(fast);
    assertEquals("f1", pollOnce(merged).value());
    assertEquals("f2", pollOnce(merged).value());
    assertTrue(pollOnce(merged).isPending(), "fast ended, slow has nothing yet");
    slow.push("s1");
    slow.end();
    assertEquals(List.of("s1"), drain(merged));
    assertFalse(slow.cancelled() || fast.cancelled(), "streams that ended need no cancel");
  }

  @Test
  void aFailureInOneMergedStreamCancelsTheOthers() {
    TestSource<Integer> ok = TestSource.open();
    TestSource<Integer> bad = TestSource.open();
    bad.fail(new IOException("bad"));
    Stream<Integer> merged = Streams.merge(List.of(ok, bad));
    assertThrows(IOException.class, () -> pollOnce(merged));
    assertTrue(ok.cancelled());
  }

  /**
   * A combinator that drops a failed stream cancels it once, as a combinator that drops a failed
   * future does (Future's javadoc): a failed stream may still hold what it registered. Combinators
   * that keep the failed stream leave it to their own cancel(), which their owner calls.
   */
  @Test
  void aCombinatorThatDropsAFailedStreamCancelsItOnce() throws Exception {
    List<java.util.function.Function<Stream<Integer>, Stream<Integer>>> shapes =
        List.of(
            bad -> Streams.merge(List.of(TestSource.<Integer>open(), bad)),
            bad -> bad.chain(TestSource.of(9)),
            bad -> Streams.of(1).flatMap(n -> bad),
            Stream::fuse,
            bad -> {
              StreamMap<String, Integer> map = new StreamMap<>();
              map.insert("bad", bad);
              return map.map(Map.Entry::getValue);
            });
    for (int i = 0; i < shapes.size(); i++) {
      TestSource<Integer> bad = TestSource.open();
      IOException failure = new IOException("bad");
      bad.fail(failure);
      Stream<Integer> s = shapes.get(i).apply(bad);
      assertSame(failure, assertThrows(IOException.class, () -> pollOnce(s)), "shape " + i);
      s.cancel(); // its owner drops it
      assertEquals(1, bad.cancels(), "the failed stream is cancelled once, shape " + i);
    }
  }

  /**
   * A combinator whose function fails cancels its upstream; if that cancel() throws too, the
   * function's failure still comes out, with the cancel's exception suppressed (as for futures).
   */
  @Test
  void aFunctionFailureSurvivesAnUpstreamCancelThatThrows() {
    List<java.util.function.BiFunction<Stream<Integer>, IOException, Stream<?>>> shapes =
        List.of(
            (s, failure) ->
                s.map(
                    n -> {
                      throw failure;
                    }),
            (s, failure) ->
                s.filter(
                    n -> {
                      throw failure;
                    }),
            (s, failure) ->
                s.takeWhile(
                    n -> {
                      throw failure;
                    }),
            (s, failure) ->
                s.then(
                    n -> {
                      throw failure;
                    }),
            (s, failure) ->
                s.zip(
                    Streams.of(1),
                    (a, b) -> {
                      throw failure;
                    }),
            (s, failure) ->
                s.chain(TestSource.<Integer>open())
                    .merge(Streams.of(1))
                    .map(
                        n -> {
                          throw failure;
                        }));
    for (int i = 0; i < shapes.size(); i++) {
      IOException failure = new IOException("function failed");
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
      Stream<?> s = shapes.get(i).apply(source, failure);
      IOException e = assertThrows(IOException.class, () -> pollOnce(s), "shape " + i);
      assertSame(failure, e, "shape " + i);
      assertEquals(List.of(cancelFailure), List.of(e.getSuppressed()), "shape " + i);
    }
  }

  /**
   * When one stream of a merge, chain or zip fails, releasing the others does not lose the failure
   * if one of their cancel() calls throws: that exception is added as suppressed.
   */
  @Test
  void aStreamFailureSurvivesASiblingsCancelThatThrows() {
    List<java.util.function.BiFunction<Stream<Integer>, Stream<Integer>, Stream<Integer>>> shapes =
        List.of(
            (bad, other) -> Streams.merge(List.of(bad, other)),
            (bad, other) -> bad.chain(other),
            (bad, other) -> bad.zip(other, (a, b) -> a + b));
    for (int i = 0; i < shapes.size(); i++) {
      TestSource<Integer> bad = TestSource.open();
      IOException failure = new IOException("bad");
      bad.fail(failure);
      IllegalStateException cancelFailure = new IllegalStateException("cancel failed");
      Stream<Integer> other =
          new Stream<>() {
            @Override
            public Poll<Integer> pollNext(Context cx) {
              return Poll.pending();
            }

            @Override
            public void cancel() {
              throw cancelFailure;
            }
          };
      Stream<Integer> s = shapes.get(i).apply(bad, other);
      IOException e = assertThrows(IOException.class, () -> pollOnce(s), "shape " + i);
      assertSame(failure, e, "shape " + i);
      assertEquals(List.of(cancelFailure), List.of(e.getSuppressed()), "shape " + i);
      assertEquals(1, bad.cancels(), "shape " + i);
    }
  }

  /** A pending stream whose cancel() counts itself, then throws {@code failure}. */
  private static final class ThrowsOnCancel implements Stream<Integer> {
    final IllegalStateException failure;
    int cancels;

    ThrowsOnCancel(String name) {
      this.failure = new IllegalStateException(name);
    }

    @Override
    public Poll<Integer> pollNext(Context cx) {
      return Poll.pending();
    }

    @Override
    public void cancel() {
      cancels++;
      throw failure;
    }
  }

  @Test
  void cancellingACombinatorCancelsEveryStreamWhenOneCancelThrows() {
    List<String> names = List.of("merge", "chain", "zip", "StreamMap");
    for (String name : names) {
      ThrowsOnCancel first = new ThrowsOnCancel("first");
      ThrowsOnCancel second = new ThrowsOnCancel("second");
      TestSource<Integer> quiet = TestSource.open();
      Stream<Integer> s =
          switch (name) {
            case "merge" -> Streams.merge(List.of(first, quiet, second));
            case "chain" -> first.chain(quiet);
            case "zip" -> first.zip(quiet, (a, b) -> a + b);
            default -> {
              StreamMap<String, Integer> map = new StreamMap<>();
              map.insert("first", first);
              map.insert("quiet", quiet);
              map.insert("second", second);
              yield map.map(Map.Entry::getValue);
            }
          };
      IllegalStateException e = assertThrows(IllegalStateException.class, s::cancel, name);
      assertSame(first.failure, e, name + ": the first cancel's exception goes on");
      assertEquals(1, first.cancels, name);
      assertEquals(1, quiet.cancels(), name + ": a later stream is cancelled all the same");
      if (name.equals("merge") || name.equals("StreamMap")) {
        assertEquals(1, second.cancels, name);
        assertEquals(List.of(second.failure), List.of(e.getSuppressed()), name);
      }
    }
  }

  @Test
  void takeUntilCancelsTheStreamWhenCancellingTheStopFutureThrows() {
    IllegalStateException stopFailure = new IllegalStateException("stop's cancel");
    Future<Void> stop =
        new Future<>() {
          @Override
          public Poll<Void> poll(Context cx) {
            return Poll.pending();
          }

          @Override
          public void cancel() {
            throw stopFailure;
          }
        };
    TestSource<Integer> source = TestSource.open();
    Stream<Integer> s = source.takeUntil(stop);
    assertSame(stopFailure, assertThrows(IllegalStateException.class, s::cancel));
    assertEquals(1, source.cancels(), "the upstream is cancelled all the same");
  }

  @Test
  void thenAndFlatMapCancelTheStreamWhenCancellingTheirCurrentItemsWorkThrows() throws Exception {
    IllegalStateException futureFailure = new IllegalStateException("then's future");
    TestSource<Integer> source = TestSource.open();
    source.push(1);
    Stream<Integer> then =
        source.then(
            n ->
                new Future<Integer>() {
                  @Override
                  public Poll<Integer> poll(Context cx) {
                    return Poll.pending();
                  }

                  @Override
                  public void cancel() {
                    throw futureFailure;
                  }
                });
    assertTrue(pollOnce(then).isPending());
    assertSame(futureFailure, assertThrows(IllegalStateException.class, then::cancel));
    assertEquals(1, source.cancels(), "then: the upstream is cancelled all the same");

    ThrowsOnCancel inner = new ThrowsOnCancel("inner");
    TestSource<Integer> outer = TestSource.open();
    outer.push(1);
    Stream<Integer> flat = outer.flatMap(n -> inner);
    assertTrue(pollOnce(flat).isPending());
    assertSame(inner.failure, assertThrows(IllegalStateException.class, flat::cancel));
    assertEquals(1, outer.cancels(), "flatMap: the upstream is cancelled all the same");
  }

  @Test
  void takeUntilKeepsTheStreamsFailureWhenCancellingTheStopFutureThrows() {
    IllegalStateException stopFailure = new IllegalStateException("stop's cancel");
    Future<Void> stop =
        new Future<>() {
          @Override
          public Poll<Void> poll(Context cx) {
            return Poll.pending();
          }

          @Override
          public void cancel() {
            throw stopFailure;
          }
        };
    TestSource<Integer> source = TestSource.open();
    IOException failure = new IOException("bad");
    source.fail(failure);
    Stream<Integer> s = source.takeUntil(stop);
    IOException e = assertThrows(IOException.class, () -> pollOnce(s));
    assertSame(failure, e);
    assertEquals(List.of(stopFailure), List.of(e.getSuppressed()));
  }

  @Test
  void aConsumingTerminalCancelsAFailedStreamThroughAMerge() throws Exception {
    TestSource<Integer> bad = TestSource.open();
    bad.fail(new IOException("bad"));
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      assertThrows(
          IOException.class,
          () -> rt.blockOn(Streams.merge(List.of(Streams.of(1), bad)).forEach(n -> {})));
    }
    assertEquals(1, bad.cancels(), "forEach's stream failed: dropped, so cancelled");
  }

  @Test
  void chainPollsTheSecondStreamOnlyAfterTheFirstEnds() throws Exception {
    TestSource<Integer> first = TestSource.open();
    TestSource<Integer> second = TestSource.of(3);
    Stream<Integer> s = first.chain(second);
    first.push(1);
    assertEquals(1, pollOnce(s).value());
    assertTrue(pollOnce(s).isPending());
    assertEquals(0, second.polls());
    first.push(2);
    first.end();
    assertEquals(List.of(2, 3), drain(s));
  }

  @Test
  void zipPairsItemsAndCancelsTheLongerStreamAtTheEnd() throws Exception {
    TestSource<String> letters = TestSource.of("a", "b", "c", "d");
    assertEquals(List.of("1a", "2b"), drain(Streams.of(1, 2).zip(letters, (n, l) -> n + l)));
    assertTrue(letters.cancelled());

    TestSource<Integer> left = TestSource.open();
    TestSource<String> right = TestSource.open();
    Stream<String> zipped = left.zip(right, (n, l) -> n + l);
    left.push(1);
    left.push(2);
    assertTrue(pollOnce(zipped).isPending());
    right.push("x");
    assertEquals("1x", pollOnce(zipped).value());
    assertEquals(1, left.polls(), "the left item waited in the zip while the right was pending");
  }

  @Test
  void fuseReturnsTheEndForeverAfterTheEndOrAFailure() throws Exception {
    int[] polls = {0};
    Stream<Integer> once =
        cx -> {
          if (polls[0]++ > 0) {
            throw new AssertionError("an unfused stream polled after its end");
          }
          return Stream.end();
        };
    Stream<Integer> fused = once.fuse();
    for (int i = 0; i < 3; i++) {
      assertTrue(Stream.isEnd(pollOnce(fused)));
    }
    assertSame(fused, fused.fuse());
    Stream<Integer> failing =
        Streams.<Integer>pollFn(
                cx -> {
                  throw new IOException("x");
                })
            .fuse();
    assertThrows(IOException.class, () -> pollOnce(failing));
    assertTrue(Stream.isEnd(pollOnce(failing)));
  }

  @Test
  void takeUntilEndsWhenTheStopFutureCompletesAndCancelsTheUpstream() throws Exception {
    TestSource<Integer> source = TestSource.open();
    boolean[] stop = {false};
    AtomicInteger stopCancels = new AtomicInteger();
    Future<Void> signal =
        new Future<>() {
          @Override
          public Poll<Void> poll(Context cx) {
            return stop[0] ? Poll.ready(null) : Poll.pending();
          }

          @Override
          public void cancel() {
            stopCancels.incrementAndGet();
          }
        };
    Stream<Integer> s = source.takeUntil(signal);
    source.push(1);
    assertEquals(1, pollOnce(s).value());
    assertTrue(pollOnce(s).isPending());
    stop[0] = true;
    source.push(2);
    assertTrue(Stream.isEnd(pollOnce(s)), "the stop signal wins over a ready item");
    assertTrue(source.cancelled());
    assertEquals(0, stopCancels.get(), "a completed stop future is not cancelled");

    TestSource<Integer> ends = TestSource.of(7);
    AtomicInteger cancelled = new AtomicInteger();
    Future<Void> never =
        new Future<>() {
          @Override
          public Poll<Void> poll(Context cx) {
            return Poll.pending();
          }

          @Override
          public void cancel() {
            cancelled.incrementAndGet();
          }
        };
    assertEquals(List.of(7), drain(ends.takeUntil(never)));
    assertEquals(1, cancelled.get(), "the stop future is released when the stream ends first");
  }

  @Test
  void takeUntilReleasesTheStopFutureWhenTheStreamFails() throws Exception {
    // A failed stream is not cancelled by its consumer (next() only borrows it), so takeUntil must
    // release the stop future itself, as chain and merge release their other streams.
    TestSource<Integer> source = TestSource.open();
    AtomicInteger stopCancels = new AtomicInteger();
    Future<Void> never =
        new Future<>() {
          @Override
          public Poll<Void> poll(Context cx) {
            return Poll.pending();
          }

          @Override
          public void cancel() {
            stopCancels.incrementAndGet();
          }
        };
    Stream<Integer> s = source.takeUntil(never);
    source.push(1);
    assertEquals(Optional.of(1), s.next().poll(new Context(Waker.noop())).value());
    source.fail(new IOException("broken"));
    assertThrows(IOException.class, () -> s.next().poll(new Context(Waker.noop())));
    assertEquals(1, stopCancels.get(), "the stop future is released when the stream fails");
    s.cancel();
    assertEquals(1, stopCancels.get(), "and only once");
  }

  @Test
  void cancellationReachesTheSourceThroughAChain() throws Exception {
    TestSource<Integer> source = TestSource.open();
    Stream<String> chain =
        source.map(n -> n + 1).filter(n -> n > 0).skip(1).inspect(n -> {}).map(String::valueOf);
    assertTrue(pollOnce(chain).isPending());
    chain.cancel();
    chain.cancel();
    assertEquals(1, source.cancels(), "cancel is idempotent along the chain");
  }

  // ---- time -----------------------------------------------------------------------------------

  /** A stream of {@code 0, 1, ...} where item {@code i} arrives {@code gaps[i]} ms after i - 1. */
  static Stream<Integer> arrivingAfter(long... gaps) {
    return Streams.unfold(
        0,
        i ->
            i == gaps.length
                ? Futures.ready(Streams.Unfold.done())
                : Time.sleep(Duration.ofMillis(gaps[i])).map(v -> Streams.Unfold.emit(i, i + 1)));
  }

  @Test
  void throttleSpacesItemsByTheDuration() throws Exception {
    try (Runtime rt = paused()) {
      List<Long> at = new ArrayList<>();
      rt.blockOn(
          Futures.lazy(
              () -> {
                long t0 = Time.now();
                return Streams.of(1, 2, 3, 4)
                    .throttle(Duration.ofMillis(100))
                    .forEach(n -> at.add((Time.now() - t0) / MS));
              }));
      assertEquals(List.of(0L, 100L, 200L, 300L), at);
    }
  }

  @Test
  void throttleDoesNotDelayItemsThatAreAlreadySlowerThanTheDuration() throws Exception {
    try (Runtime rt = paused()) {
      List<Long> at = new ArrayList<>();
      rt.blockOn(
          Futures.lazy(
              () -> {
                long t0 = Time.now();
                return Streams.interval(Duration.ofMillis(250))
                    .take(4)
                    .throttle(Duration.ofMillis(100))
                    .forEach(n -> at.add((Time.now() - t0) / MS));
              }));
      assertEquals(List.of(0L, 250L, 500L, 750L), at);
    }
  }

  @Test
  void timeoutFailsWhenAnItemIsLateAndCancelsTheUpstream() throws Exception {
    try (Runtime rt = paused()) {
      List<Integer> seen = new ArrayList<>();
      AtomicInteger cancels = new AtomicInteger();
      Exception e =
          assertThrows(
              TimeoutException.class,
              () ->
                  rt.blockOn(
                      Futures.lazy(
                          () -> {
                            Stream<Integer> source = arrivingAfter(10, 90, 101, 5);
                            Stream<Integer> recorded =
                                new Stream<>() {
                                  @Override
                                  public Poll<Integer> pollNext(Context cx) throws Exception {
                                    return source.pollNext(cx);
                                  }

                                  @Override
                                  public void cancel() {
                                    cancels.incrementAndGet();
                                    source.cancel();
                                  }
                                };
                            return recorded.timeout(Duration.ofMillis(100)).forEach(seen::add);
                          })));
      assertTrue(e.getMessage().contains("PT0.1S"), e.getMessage());
      assertEquals(List.of(0, 1), seen);
      assertTrue(cancels.get() >= 1, "the late upstream was cancelled");
    }
  }

  @Test
  void timeoutDoesNotCountTheConsumersTimeBetweenItems() throws Exception {
    try (Runtime rt = paused()) {
      List<Integer> seen =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    List<Integer> out = new ArrayList<>();
                    return arrivingAfter(50, 50, 50)
                        .timeout(Duration.ofMillis(60))
                        .forEachAsync(n -> Time.sleep(Duration.ofSeconds(10)).map(v -> out.add(n)))
                        .map(v -> out);
                  }));
      assertEquals(List.of(0, 1, 2), seen);
    }
  }

  @Test
  void chunksTimeoutEmitsFullChunksAtOnceAndPartialOnesAtTheDeadline() throws Exception {
    try (Runtime rt = paused()) {
      List<String> out = new ArrayList<>();
      rt.blockOn(
          Futures.lazy(
              () -> {
                long t0 = Time.now();
                // items at 0, 10, 20 | 60, 70 | 200 (then the end at 200)
                return arrivingAfter(0, 10, 10, 40, 10, 130)
                    .chunksTimeout(3, Duration.ofMillis(25))
                    .forEach(chunk -> out.add((Time.now() - t0) / MS + "ms:" + chunk));
              }));
      assertEquals(List.of("20ms:[0, 1, 2]", "85ms:[3, 4]", "200ms:[5]"), out);
    }
  }

  /**
   * A chunking combinator whose upstream fails while it holds a partial chunk yields that chunk
   * first and the failure on the next poll: nothing already pulled is lost. In between, a cancel is
   * the drop of the failed upstream (once), and a withdrawal reaches it without losing the failure.
   */
  static void checkAPartialChunkSurvivesAnUpstreamFailure(
      java.util.function.Function<Stream<Integer>, Stream<List<Integer>>> chunking)
      throws Exception {
    TestSource<Integer> source = TestSource.open();
    source.push(1);
    source.push(2);
    IOException boom = new IOException("boom");
    source.fail(boom);
    Stream<List<Integer>> s = chunking.apply(source);
    assertEquals(List.of(1, 2), pollOnce(s).value(), "the partial chunk comes first");
    assertEquals(0, source.cancels(), "the failure is still to come");
    Waker waker = () -> {};
    s.withdrawNext(waker);
    assertEquals(List.of(waker), source.withdrawn(), "a withdrawal still reaches the source");
    assertSame(boom, assertThrows(IOException.class, () -> pollOnce(s)), "then the failure");
    s.cancel(); // its owner drops the failed stream
    s.cancel();
    assertEquals(1, source.cancels(), "the failed source is cancelled once");

    // Dropped with the failure still pending: the failed source is released all the same.
    TestSource<Integer> other = TestSource.open();
    other.push(7);
    other.fail(new IOException("other"));
    Stream<List<Integer>> t = chunking.apply(other);
    assertEquals(List.of(7), pollOnce(t).value());
    t.cancel();
    assertEquals(1, other.cancels());

    // No item held: the failure comes out at once.
    TestSource<Integer> empty = TestSource.open();
    empty.fail(boom);
    assertSame(boom, assertThrows(IOException.class, () -> pollOnce(chunking.apply(empty))));
  }

  @Test
  void chunksYieldsThePartialChunkBeforeTheUpstreamFailure() throws Exception {
    checkAPartialChunkSurvivesAnUpstreamFailure(s -> s.chunks(5));
  }

  @Test
  void chunksTimeoutYieldsThePartialChunkBeforeTheUpstreamFailure() throws Exception {
    try (Runtime rt = paused()) {
      rt.blockOn(
          Futures.lazy(
              () -> {
                checkAPartialChunkSurvivesAnUpstreamFailure(
                    s -> s.chunksTimeout(5, Duration.ofSeconds(1)));
                return Futures.ready(null);
              }));
    }
  }

  @Test
  void noTimerIsNeededForItemsThatAreReady() throws Exception {
    // Outside a runtime there is no timer driver: ready items must pass without one.
    Stream<Integer> ready = Streams.of(1, 2).timeout(Duration.ofSeconds(1));
    assertEquals(List.of(1, 2), drain(ready));
    assertTrue(Stream.isEnd(pollOnce(ready)), "and it stays ended");
  }
}
