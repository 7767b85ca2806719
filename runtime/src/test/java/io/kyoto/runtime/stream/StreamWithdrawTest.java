package io.kyoto.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** A cancelled {@code next()} on a combinator reaches the sources that hold its waker. */
class StreamWithdrawTest {
  /** A stream that is always pending and records the wakers withdrawn from it. */
  static final class Waiting implements Stream<Integer> {
    final List<Waker> withdrawn = new ArrayList<>();

    @Override
    public Poll<Integer> pollNext(Context cx) {
      return Poll.pending();
    }

    @Override
    public void withdrawNext(Waker waker) {
      withdrawn.add(waker);
    }

    @Override
    public void cancel() {}
  }

  static void check(String what, Function<List<Waiting>, Stream<?>> combine, int sources)
      throws Exception {
    List<Waiting> src = new ArrayList<>();
    for (int i = 0; i < sources; i++) src.add(new Waiting());
    Stream<?> s = combine.apply(src);
    Waker waker = () -> {};
    Future<? extends Optional<?>> next = s.next();
    assertTrue(next.poll(new Context(waker)).isPending(), what);
    next.cancel();
    for (Waiting w : src) assertEquals(List.of(waker), w.withdrawn, what);
  }

  @Test
  void combinatorsForwardTheWithdrawalToTheirSources() throws Exception {
    check("map", l -> l.get(0).map(x -> x + 1), 1);
    check("filter", l -> l.get(0).filter(x -> x > 0), 1);
    check("take", l -> l.get(0).take(3), 1);
    check("inspect then map", l -> l.get(0).inspect(x -> {}).map(x -> x * 2), 1);
    check("merge", l -> Streams.merge(l.get(0), l.get(1)), 2);
    check("zip", l -> l.get(0).zip(l.get(1), Integer::sum), 2);
    check("chain", l -> l.get(0).chain(l.get(1)), 2);
    StreamMap<String, Integer> map = new StreamMap<>();
    Waiting a = new Waiting();
    Waiting b = new Waiting();
    map.insert("a", a);
    map.insert("b", b);
    Waker waker = () -> {};
    Future<Optional<Map.Entry<String, Integer>>> next = map.next();
    assertTrue(next.poll(new Context(waker)).isPending());
    next.cancel();
    assertEquals(List.of(waker), a.withdrawn);
    assertEquals(List.of(waker), b.withdrawn);
  }
}
