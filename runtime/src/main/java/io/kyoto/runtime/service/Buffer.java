package io.kyoto.runtime.service;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Handle;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.internal.task.Cancel;
import io.kyoto.runtime.sync.Mpsc;
import io.kyoto.runtime.sync.Oneshot;
import io.kyoto.runtime.sync.RecvException;
import io.kyoto.runtime.sync.Semaphore;
import io.kyoto.runtime.sync.SemaphorePermit;
import io.kyoto.runtime.sync.SendException;
import io.kyoto.runtime.sync.TryRecvException;
import java.util.Objects;

/**
 * Makes any service shareable between concurrent callers by queueing requests to a worker task that
 * owns it, tower's {@code buffer}.
 *
 * <p>Creating a buffer spawns a worker task on the current runtime, so it must happen inside one
 * (with {@link ServiceBuilder}, inside the call to {@code service(...)}). The worker alone touches
 * the inner service: it takes each request from an {@link Mpsc} channel, waits for the inner
 * service's readiness, calls it, and sends the response future back to the caller through a {@link
 * Oneshot}. Every {@link #newHandle()} sends into the same channel.
 *
 * <h2>Readiness and backpressure</h2>
 *
 * <p>{@link #pollReady} reserves a slot: a permit of a {@link Semaphore} of {@code bound} permits
 * shared by every handle. {@link #call} moves the permit into the request's message, so a call
 * never waits; the worker gives the slot back once it has called the inner service with that
 * request (or skipped it). So at most {@code bound} requests are reserved, queued, or held by the
 * worker while it waits for the inner service, and further callers wait in {@code pollReady}: a
 * {@code Buffer(100)} outside a {@code ConcurrencyLimit(10)} accepts 110 requests (tower's rule).
 * As in tower, slots are counted by a semaphore over an unbounded channel rather than by a bounded
 * channel's capacity, which would free a slot as soon as the worker takes the request in hand. A
 * reservation that will not be used must be given back with {@link #release()}, or it holds its
 * slot (tower's "disarm" problem, which {@code release} answers).
 *
 * <h2>Who polls the response</h2>
 *
 * <p>As tower's, the worker does not poll response futures: it sends the future returned by the
 * inner {@code call} to the caller, whose task polls it. The worker therefore moves on to the next
 * request as soon as the inner service is ready again, responses run concurrently on their callers'
 * tasks, and the buffer never serializes slow responses. (Spawning a task per response would do the
 * same at the price of a task per request and of waking a second task.) Inner response futures must
 * therefore tolerate being polled from another task than the worker's, which every future of the
 * runtime does. If the caller cancels its response future before the worker takes the request, the
 * request is skipped; after, the inner response future is cancelled.
 *
 * <h2>Failure and closing</h2>
 *
 * <p>If the inner service's {@code pollReady} throws (or its {@code call} throws an {@link Error}),
 * or the worker task is aborted (for instance when the runtime shuts down), the buffer stops: the
 * request being dispatched, every queued request, every waiting {@code pollReady} and every later
 * one fail with the same {@link ServiceClosedException}, whose cause is the inner failure. {@link
 * #close()} (tower: dropping the last handle) lets the worker finish the queued requests and end;
 * later calls fail with a {@code ServiceClosedException}. A synchronous exception from the inner
 * {@code call} fails that request only.
 *
 * <p><b>Thread safety:</b> each handle serves one caller at a time; handles may be used from any
 * task or thread of the runtime.
 *
 * @param <Req> the request type
 * @param <Res> the response type
 */
public final class Buffer<Req, Res> implements Service<Req, Res> {
  private final Shared<Req, Res> shared;
  private Future<SemaphorePermit> reserving;
  private SemaphorePermit permit; // this handle's reservation

  /**
   * Spawns a worker that owns {@code inner} and returns the first handle.
   *
   * @param inner the service; from now on only the worker uses it
   * @param bound how many requests may be reserved, queued or waiting in the worker, at least 1
   * @throws IllegalArgumentException if {@code bound < 1}
   * @throws IllegalStateException outside a runtime
   */
  public Buffer(Service<Req, Res> inner, int bound) {
    Objects.requireNonNull(inner, "inner");
    checkBound(bound);
    if (Handle.tryCurrent().isEmpty()) {
      throw new IllegalStateException(
          "a Buffer spawns its worker task, so it must be created inside a Kyoto runtime (a task,"
              + " Runtime.blockOn, or spawnBlocking)");
    }
    Mpsc.UnboundedChannel<Message<Req, Res>> channel = Mpsc.unboundedChannel();
    this.shared = new Shared<>(channel.tx(), new Semaphore(bound));
    shared.worker = Task.spawn(new Worker<>(inner, channel.rx(), shared));
  }

  private Buffer(Shared<Req, Res> shared) {
    this.shared = shared;
  }

  /**
   * {@return a layer that puts a buffer of {@code bound} requests in front of services} The layer
   * spawns a worker each time it wraps a service, so apply it inside a runtime.
   *
   * @param bound how many requests may be reserved, queued or waiting in the worker, at least 1
   * @param <Req> the request type
   * @param <Res> the response type
   * @throws IllegalArgumentException if {@code bound < 1}
   */
  public static <Req, Res> Layer<Service<Req, Res>, Service<Req, Res>> layer(int bound) {
    checkBound(bound);
    return inner -> new Buffer<>(inner, bound);
  }

  private static void checkBound(int bound) {
    if (bound < 1) {
      throw new IllegalArgumentException("the buffer bound must be at least 1: " + bound);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reserves a slot in the queue to the worker.
   *
   * @throws ServiceClosedException if the worker failed, was aborted or the buffer was closed
   */
  @Override
  public Poll<Void> pollReady(Context cx) throws ServiceClosedException {
    if (permit != null) {
      return Poll.ready(null);
    }
    ServiceClosedException closed = shared.error;
    if (closed != null || shared.closedByUser) {
      throw shared.closedError();
    }
    if (reserving == null) {
      reserving = shared.slots.acquire();
    }
    Poll<SemaphorePermit> p;
    try {
      p = reserving.poll(cx);
    } catch (Exception e) { // AcquireException: the worker stopped and closed the semaphore
      Cancel.afterFailure(reserving, e);
      reserving = null;
      throw shared.closedError();
    }
    if (p.isPending()) {
      return Poll.pending();
    }
    reserving = null;
    permit = p.value();
    return Poll.ready(null);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Enqueues the request with the reserved slot; never waits.
   *
   * <p><b>Cancel safety:</b> cancelling the response future before the worker dispatched the
   * request makes the worker skip it; after, it cancels the inner response future.
   *
   * @throws IllegalStateException if {@link #pollReady} has not returned ready since the last call
   */
  @Override
  public Future<Res> call(Req request) {
    SemaphorePermit p = permit;
    if (p == null) {
      throw new IllegalStateException("Buffer called before pollReady returned ready");
    }
    permit = null;
    Oneshot.Channel<Future<Res>> reply = Oneshot.channel();
    try {
      shared.tx.send(new Message<>(request, reply.tx(), p));
    } catch (SendException | IllegalStateException e) { // the worker stopped, or close() was called
      p.close();
      return Futures.failed(shared.closedError());
    }
    return new ResponseFuture<>(reply.rx(), shared);
  }

  /** {@return a new handle to the same worker, without a reservation} */
  @Override
  public Service<Req, Res> newHandle() {
    return new Buffer<>(shared);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Also stops a pending reservation.
   */
  @Override
  public void release() {
    Future<SemaphorePermit> r = reserving;
    reserving = null;
    if (r != null) {
      r.cancel();
    }
    SemaphorePermit p = permit;
    permit = null;
    if (p != null) {
      p.close();
    }
  }

  /**
   * Closes the buffer for every handle, tower's dropping of the last handle: requests already
   * queued are still served, then the worker ends and gives back the inner service's reservation.
   * Later {@link #pollReady} and {@link #call} fail with {@link ServiceClosedException}.
   * Idempotent.
   */
  public void close() {
    shared.closedByUser = true;
    shared.tx.close();
  }

  /** {@return whether the buffer stopped: its worker failed, was aborted, or it was closed} */
  public boolean isClosed() {
    return shared.closedByUser || shared.error != null || shared.worker.isFinished();
  }

  /**
   * A request on its way to the worker, with the way back and the slot it occupies.
   *
   * @param request the request
   * @param reply where the response future goes
   * @param slot given back once the worker called the inner service with the request, or skipped it
   */
  private record Message<Req, Res>(
      Req request, Oneshot.Sender<Future<Res>> reply, SemaphorePermit slot) {}

  /** What every handle shares. */
  private static final class Shared<Req, Res> {
    final Mpsc.UnboundedSender<Message<Req, Res>> tx;
    final Semaphore slots;
    JoinHandle<Void> worker; // set once, right after the spawn, before the first handle escapes
    volatile boolean closedByUser;

    // Written once by the worker before it closes the queue and fails the queued requests; a
    // volatile read that sees it also sees every response the worker sent before (see Worker).
    volatile ServiceClosedException error;

    Shared(Mpsc.UnboundedSender<Message<Req, Res>> tx, Semaphore slots) {
      this.tx = tx;
      this.slots = slots;
    }

    ServiceClosedException closedError() {
      ServiceClosedException e = error;
      return e != null ? e : new ServiceClosedException("the buffer was closed", null);
    }
  }

  /**
   * The caller's side of a request: waits for the worker to dispatch it, then polls the inner
   * response future on the caller's task.
   */
  private static final class ResponseFuture<Req, Res> implements Future<Res> {
    private final Oneshot.Receiver<Future<Res>> reply;
    private final Shared<Req, Res> shared;
    private Future<Res> response;

    ResponseFuture(Oneshot.Receiver<Future<Res>> reply, Shared<Req, Res> shared) {
      this.reply = reply;
      this.shared = shared;
    }

    @Override
    public Poll<Res> poll(Context cx) throws Exception {
      if (response == null) {
        Poll<Future<Res>> p;
        try {
          p = reply.poll(cx);
        } catch (RecvException e) { // the worker dropped the request without an answer
          throw shared.closedError();
        }
        if (p.isPending()) {
          // The worker sets the error only after sending every response it dispatched, so a
          // pending reply with the error set will never be answered.
          ServiceClosedException closed = shared.error;
          if (closed != null) {
            reply.close();
            throw closed;
          }
          return Poll.pending();
        }
        response = p.value();
      }
      return response.poll(cx);
    }

    @Override
    public void cancel() {
      Future<Res> r = response;
      if (r != null) {
        r.cancel();
        return;
      }
      reply.close(); // the worker skips the request, or cancels its response future
      try {
        Future<Res> sent = reply.tryRecv();
        if (sent != null) {
          sent.cancel();
        }
      } catch (TryRecvException e) {
        // nothing was sent: the worker will see the closed reply
      }
    }
  }

  /**
   * The worker task: receives requests, drives the inner service's readiness and calls it. It owns
   * the inner service; nothing else touches it.
   *
   * <p>Failure protocol, in this order: (1) every response dispatched so far was sent; (2) {@code
   * shared.error} is set (volatile write); (3) the slot semaphore is closed, which fails waiting
   * and later reservations, and the channel is closed, which fails later sends; (4) the request in
   * hand and every queued one are answered by closing their reply senders, so their callers fail
   * with the error of (2). Should a request still be in the channel after (4), its caller finds no
   * reply but the error of (2) set, and fails with it.
   */
  private static final class Worker<Req, Res> implements Future<Void> {
    private final Service<Req, Res> inner;
    private final Mpsc.Receiver<Message<Req, Res>> rx;
    private final Shared<Req, Res> shared;
    private Message<Req, Res> current; // received, not yet dispatched
    private boolean done;

    Worker(Service<Req, Res> inner, Mpsc.Receiver<Message<Req, Res>> rx, Shared<Req, Res> shared) {
      this.inner = inner;
      this.rx = rx;
      this.shared = shared;
    }

    @Override
    public Poll<Void> poll(Context cx) {
      try {
        return work(cx);
      } catch (Error e) {
        // A bug or a VM error in the inner service: the worker ends, but nobody may be left
        // waiting for it. The error still ends the task, as a panic ends tower's worker.
        if (!done) {
          fail(new ServiceClosedException("the buffered service failed: " + e, e));
        }
        throw e;
      }
    }

    private Poll<Void> work(Context cx) {
      while (true) {
        if (current == null) {
          Poll<Message<Req, Res>> m = rx.pollRecv(cx);
          if (m.isPending()) {
            return Poll.pending();
          }
          if (m.value() == null) { // closed and drained
            fail(new ServiceClosedException("the buffer was closed", null));
            return Poll.ready(null);
          }
          current = m.value();
        }
        if (current.reply().isClosed()) { // the caller gave up before dispatch
          current.slot().close();
          current = null;
          continue;
        }
        Poll<Void> ready;
        try {
          ready = inner.pollReady(cx);
        } catch (Exception e) {
          fail(new ServiceClosedException("the buffered service failed: " + e, e));
          return Poll.ready(null);
        }
        if (ready.isPending()) {
          return Poll.pending();
        }
        Message<Req, Res> msg = current;
        current = null;
        dispatch(msg);
        if (!cx.tryConsumeBudget()) { // a queue that never empties must not starve other tasks
          cx.waker().wake();
          return Poll.pending();
        }
      }
    }

    private void dispatch(Message<Req, Res> msg) {
      Future<Res> response;
      try {
        response = inner.call(msg.request());
      } catch (RuntimeException e) {
        response = Futures.failed(e);
      } catch (Error e) {
        msg.reply().close(); // its caller fails with the error poll() is about to record
        throw e;
      } finally {
        msg.slot().close();
      }
      try {
        msg.reply().send(response);
      } catch (SendException e) { // the caller gave up meanwhile
        try {
          response.cancel();
        } catch (Exception ignored) {
          // That response concerns its caller alone, who is gone, as an exception from the inner
          // call fails that request alone: the worker, and every other request, go on.
        }
      }
    }

    private void fail(ServiceClosedException error) {
      done = true;
      shared.error = error;
      shared.slots.close();
      rx.close();
      Message<Req, Res> m = current;
      current = null;
      if (m == null) {
        m = nextQueued(); // e.g. aborted (or failed in a dispatch) with requests still queued
      }
      while (m != null) {
        m.slot().close();
        m.reply().close();
        m = nextQueued();
      }
      inner.release();
    }

    private Message<Req, Res> nextQueued() {
      try {
        return rx.tryRecv();
      } catch (TryRecvException e) {
        return null;
      }
    }

    @Override
    public void cancel() {
      if (!done) {
        fail(new ServiceClosedException("the buffer worker was aborted", null));
      }
    }
  }
}
