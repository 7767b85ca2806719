package io.kyoto.runtime.stream;

import static io.kyoto.runtime.stream.TestSource.drain;
import static io.kyoto.runtime.stream.TestSource.pollOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link StreamMap}: keyed merging, removal at the end, fairness, cancellation. */
@Timeout(30)
class StreamMapTest {
  private static <K, V> List<String> render(List<Map.Entry<K, V>> entries) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<K, V> e : entries) {
      out.add(e.getKey() + "=" + e.getValue());
    }
    return out;
  }

  @Test
  void yieldsKeyedItemsAndRemovesStreamsThatEnd() throws Exception {
    StreamMap<String, Integer> map = new StreamMap<>();
    map.insert("a", Streams.of(1, 2));
    map.insert("b", Streams.of(10));
    assertEquals(2, map.size());
    assertEquals(List.of("a=1", "b=10", "a=2"), render(drain(map)));
    assertTrue(map.isEmpty(), "both ended and were removed");
  }

  @Test
  void busyStreamsTakeTurns() throws Exception {
    StreamMap<String, String> map = new StreamMap<>();
    map.insert("x", Streams.repeat("."));
    map.insert("y", Streams.repeat("."));
    map.insert("z", Streams.repeat("."));
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      keys.add(pollOnce(map).value().getKey());
    }
    assertEquals(List.of("x", "y", "z", "x", "y", "z", "x"), keys);
  }

  @Test
  void turnsStayFairWhenAStreamBeforeTheLastProducerLeaves() throws Exception {
    // The next poll starts after the stream that produced the previous item; removing a stream
    // before it (at its end, or by remove()) must not shift that turn past the next stream.
    StreamMap<String, String> ended = new StreamMap<>();
    ended.insert("a", Streams.empty());
    ended.insert("b", Streams.repeat("."));
    ended.insert("c", Streams.repeat("."));
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      keys.add(pollOnce(ended).value().getKey());
    }
    assertEquals(List.of("b", "c", "b", "c"), keys, "a ended in the poll that b produced in");

    StreamMap<String, String> removed = new StreamMap<>();
    removed.insert("a", Streams.repeat("."));
    removed.insert("b", Streams.repeat("."));
    removed.insert("c", Streams.repeat("."));
    keys.clear();
    keys.add(pollOnce(removed).value().getKey());
    keys.add(pollOnce(removed).value().getKey());
    removed.remove("a");
    keys.add(pollOnce(removed).value().getKey());
    keys.add(pollOnce(removed).value().getKey());
    assertEquals(List.of("a", "b", "c", "b"), keys, "a was removed after b produced");
  }

  @Test
  void anEmptyMapEndsButYieldsAgainAfterAnInsert() throws Exception {
    StreamMap<Integer, String> map = new StreamMap<>();
    assertTrue(Stream.isEnd(pollOnce(map)));
    map.insert(1, Streams.once("late"));
    assertEquals(List.of("1=late"), render(drain(map)));
  }

  @Test
  void pendingUntilAnyStreamHasAnItem() throws Exception {
    StreamMap<String, Integer> map = new StreamMap<>();
    TestSource<Integer> a = TestSource.open();
    TestSource<Integer> b = TestSource.open();
    map.insert("a", a);
    map.insert("b", b);
    boolean[] woken = {false};
    Context cx = new Context(() -> woken[0] = true);
    assertTrue(map.pollNext(cx).isPending());
    assertTrue(a.hasWaker() && b.hasWaker(), "every stream was polled with the caller's waker");
    b.push(7);
    assertTrue(woken[0]);
    Map.Entry<String, Integer> e = map.pollNext(cx).value();
    assertEquals(Map.entry("b", 7), e);
  }

  @Test
  void insertReplacesAndRemoveHandsTheStreamBackUncancelled() {
    StreamMap<String, Integer> map = new StreamMap<>();
    TestSource<Integer> first = TestSource.open();
    TestSource<Integer> second = TestSource.open();
    assertNull(map.insert("k", first));
    assertSame(first, map.insert("k", second));
    assertFalse(first.cancelled(), "the caller owns the replaced stream again");
    assertEquals(List.of("k"), map.keys());
    assertTrue(map.containsKey("k"));
    assertSame(second, map.remove("k"));
    assertFalse(second.cancelled());
    assertNull(map.remove("k"));
    assertTrue(map.isEmpty());
  }

  @Test
  void cancelCancelsEveryStreamAndEmptiesTheMap() {
    StreamMap<Integer, Integer> map = new StreamMap<>();
    List<TestSource<Integer>> sources = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      TestSource<Integer> s = TestSource.open();
      sources.add(s);
      map.insert(i, s);
    }
    map.cancel();
    assertTrue(map.isEmpty());
    for (TestSource<Integer> s : sources) {
      assertEquals(1, s.cancels());
    }
  }

  @Test
  void aFailingStreamIsRemovedAndTheOthersStay() throws Exception {
    StreamMap<String, Integer> map = new StreamMap<>();
    TestSource<Integer> good = TestSource.open();
    TestSource<Integer> bad = TestSource.open();
    map.insert("good", good);
    map.insert("bad", bad);
    bad.fail(new IOException("bad"));
    assertThrows(IOException.class, () -> pollOnce(map));
    assertEquals(List.of("good"), map.keys());
    assertFalse(good.cancelled());
    good.push(1);
    assertEquals(Map.entry("good", 1), pollOnce(map).value(), "a next() loop can go on");
  }

  @Test
  void aConsumingTerminalCancelsTheWholeMap() throws Exception {
    StreamMap<String, Integer> map = new StreamMap<>();
    TestSource<Integer> a = TestSource.open();
    TestSource<Integer> b = TestSource.open();
    map.insert("a", a);
    map.insert("b", b);
    Future<Void> loop = map.forEach(e -> {});
    assertTrue(loop.poll(new Context(Waker.noop())).isPending());
    loop.cancel();
    assertEquals(1, a.cancels());
    assertEquals(1, b.cancels());
  }

  @Test
  void mergesTimedStreamsInTimeOrder() throws Exception {
    try (Runtime rt = StreamCombinatorsTest.paused()) {
      List<String> out =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    StreamMap<String, Long> map = new StreamMap<>();
                    long t0 = Time.now();
                    map.insert("fast", Streams.interval(Duration.ofMillis(30)).take(4));
                    map.insert("slow", Streams.interval(Duration.ofMillis(50)).skip(1).take(2));
                    return map.map(e -> e.getKey() + "@" + (e.getValue() - t0) / 1_000_000)
                        .toList();
                  }));
      assertEquals(List.of("fast@0", "fast@30", "slow@50", "fast@60", "fast@90", "slow@100"), out);
    }
  }

  @Test
  void keysAreNotNullAndItemsKeepTheirKey() throws Exception {
    StreamMap<String, Integer> map = new StreamMap<>();
    assertThrows(NullPointerException.class, () -> map.insert(null, Streams.empty()));
    map.insert("only", Streams.pollFn(cx -> Poll.ready(3)));
    Poll<Map.Entry<String, Integer>> p = pollOnce(map);
    assertEquals("only", p.value().getKey());
    assertEquals(3, p.value().getValue());
  }
}
