package io.kyoto.runtime.stream;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A stream driven by the test: items are pushed, the end or a failure is set by hand. It records
 * its polls and cancels, and fails the test if it is polled after its end, its failure or a cancel
 * (the contract every combinator must keep). Thread safe, so a test thread may push while a runtime
 * polls.
 */
final class TestSource<T> implements Stream<T> {
  private final ArrayDeque<T> items = new ArrayDeque<>();
  private boolean ended;
  private boolean endSeen;
  private Exception failure;
  private boolean failureSeen;
  private int polls;
  private int cancels;
  private Waker waker;
  private final List<Waker> withdrawn = new ArrayList<>();

  @SafeVarargs
  static <T> TestSource<T> of(T... items) {
    TestSource<T> s = new TestSource<>();
    for (T item : items) {
      s.push(item);
    }
    s.end();
    return s;
  }

  /** A source that has nothing yet and no end. */
  static <T> TestSource<T> open() {
    return new TestSource<>();
  }

  void push(T item) {
    Waker w;
    synchronized (this) {
      items.add(item);
      w = waker;
    }
    wake(w);
  }

  void end() {
    Waker w;
    synchronized (this) {
      ended = true;
      w = waker;
    }
    wake(w);
  }

  void fail(Exception e) {
    Waker w;
    synchronized (this) {
      failure = e;
      w = waker;
    }
    wake(w);
  }

  private static void wake(Waker w) {
    if (w != null) {
      w.wake();
    }
  }

  @Override
  public synchronized Poll<T> pollNext(Context cx) throws Exception {
    if (cancels > 0 || endSeen || failureSeen) {
      throw new AssertionError(
          "polled after " + (cancels > 0 ? "cancel" : endSeen ? "the end" : "a failure"));
    }
    polls++;
    if (!items.isEmpty()) {
      return Poll.ready(items.poll());
    }
    if (failure != null) {
      failureSeen = true;
      throw failure;
    }
    if (ended) {
      endSeen = true;
      return Stream.end();
    }
    waker = cx.waker();
    return Poll.pending();
  }

  @Override
  public synchronized void cancel() {
    cancels++;
  }

  @Override
  public synchronized void withdrawNext(Waker w) {
    withdrawn.add(w);
  }

  /** {@return the wakers withdrawn from this source, in order} */
  synchronized List<Waker> withdrawn() {
    return List.copyOf(withdrawn);
  }

  synchronized int polls() {
    return polls;
  }

  synchronized int cancels() {
    return cancels;
  }

  synchronized boolean cancelled() {
    return cancels > 0;
  }

  synchronized boolean hasWaker() {
    return waker != null;
  }

  /** Polls {@code stream} by hand with a no-op waker and an unconstrained budget. */
  static <T> Poll<T> pollOnce(Stream<T> stream) throws Exception {
    return stream.pollNext(new Context(Waker.noop()));
  }

  /** Polls {@code stream} by hand until its end; fails if it is ever pending. */
  static <T> List<T> drain(Stream<T> stream) throws Exception {
    List<T> out = new ArrayList<>();
    while (true) {
      Poll<T> p = pollOnce(stream);
      if (p.isPending()) {
        throw new AssertionError("pending after " + out);
      }
      if (Stream.isEnd(p)) {
        return out;
      }
      out.add(p.value());
    }
  }
}
