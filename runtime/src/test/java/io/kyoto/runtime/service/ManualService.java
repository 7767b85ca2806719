package io.kyoto.runtime.service;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A service driven by the test: readiness is switched by hand, and each call's response is
 * completed by hand (or at once by a responder). It enforces the readiness contract per handle
 * ({@code call} without a ready {@code pollReady} throws), and counts what middleware do to it.
 * Handles made by {@link #newHandle()} share the switches and counters.
 */
final class ManualService implements Service<Integer, String> {
  /** State shared by every handle. Guarded by its monitor unless volatile. */
  static final class Shared {
    private boolean ready = true;
    private Exception failure; // pollReady throws it when set
    private final List<Waker> readyWaiters = new ArrayList<>();
    private final List<Call> calls = new ArrayList<>();
    volatile Function<Integer, Future<String>> responder; // null: complete calls by hand
    final AtomicInteger pollReadyCount = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final AtomicInteger cancelled = new AtomicInteger();
    final AtomicInteger released = new AtomicInteger();

    void setReady(boolean value) {
      List<Waker> wake;
      synchronized (this) {
        ready = value;
        wake = value ? List.copyOf(readyWaiters) : List.of();
        if (value) {
          readyWaiters.clear();
        }
      }
      wake.forEach(Waker::wake);
    }

    void failReadiness(Exception e) {
      List<Waker> wake;
      synchronized (this) {
        failure = e;
        wake = List.copyOf(readyWaiters);
        readyWaiters.clear();
      }
      wake.forEach(Waker::wake);
    }

    synchronized List<Call> calls() {
      return List.copyOf(calls);
    }

    synchronized Call call(int i) {
      return calls.get(i);
    }

    synchronized int callCount() {
      return calls.size();
    }

    synchronized List<Integer> requests() {
      return calls.stream().map(c -> c.request).toList();
    }
  }

  /** One call: completed by the test. */
  static final class Call implements Future<String> {
    final int request;
    private final Shared shared;
    private boolean finished; // completed and observed, or cancelled
    private boolean done;
    private String value;
    private Exception error;
    private Waker waker;
    private boolean wasCancelled;

    Call(int request, Shared shared) {
      this.request = request;
      this.shared = shared;
    }

    void complete(String v) {
      Waker w;
      synchronized (this) {
        done = true;
        value = v;
        w = waker;
      }
      if (w != null) {
        w.wake();
      }
    }

    void fail(Exception e) {
      Waker w;
      synchronized (this) {
        done = true;
        error = e;
        w = waker;
      }
      if (w != null) {
        w.wake();
      }
    }

    synchronized boolean wasCancelled() {
      return wasCancelled;
    }

    @Override
    public synchronized Poll<String> poll(Context cx) throws Exception {
      if (!done) {
        waker = cx.waker();
        return Poll.pending();
      }
      finish();
      if (error != null) {
        throw error;
      }
      return Poll.ready(value);
    }

    @Override
    public synchronized void cancel() {
      if (!finished) {
        wasCancelled = true;
        shared.cancelled.incrementAndGet();
        finish();
      }
    }

    private void finish() {
      if (!finished) {
        finished = true;
        shared.inFlight.decrementAndGet();
      }
    }
  }

  final Shared shared;
  private boolean readyObserved;

  ManualService() {
    this(new Shared());
  }

  private ManualService(Shared shared) {
    this.shared = shared;
  }

  /** {@return a service whose calls complete at once with {@code responder}'s future} */
  static ManualService responding(Function<Integer, Future<String>> responder) {
    ManualService s = new ManualService();
    s.shared.responder = responder;
    return s;
  }

  @Override
  public Poll<Void> pollReady(Context cx) throws Exception {
    shared.pollReadyCount.incrementAndGet();
    synchronized (shared) {
      if (shared.failure != null) {
        throw shared.failure;
      }
      if (!shared.ready) {
        shared.readyWaiters.add(cx.waker());
        return Poll.pending();
      }
    }
    readyObserved = true;
    return Poll.ready(null);
  }

  @Override
  public Future<String> call(Integer request) {
    if (!readyObserved) {
      throw new IllegalStateException("call without a ready pollReady on this handle");
    }
    readyObserved = false;
    int now = shared.inFlight.incrementAndGet();
    shared.maxInFlight.accumulateAndGet(now, Math::max);
    Function<Integer, Future<String>> responder = shared.responder;
    Call call = new Call(request, shared);
    synchronized (shared) {
      shared.calls.add(call);
    }
    if (responder == null) {
      return call;
    }
    Future<String> response = responder.apply(request);
    return new Future<>() {
      @Override
      public Poll<String> poll(Context cx) throws Exception {
        Poll<String> p;
        try {
          p = response.poll(cx);
        } catch (Exception e) {
          call.fail(e);
          call.poll(cx);
          throw e;
        }
        if (p.isReady()) {
          call.complete(p.value());
          call.poll(cx);
        }
        return p;
      }

      @Override
      public void cancel() {
        response.cancel();
        call.cancel();
      }
    };
  }

  @Override
  public Service<Integer, String> newHandle() {
    return new ManualService(shared);
  }

  @Override
  public void release() {
    if (readyObserved) {
      readyObserved = false;
      shared.released.incrementAndGet();
    }
  }
}
