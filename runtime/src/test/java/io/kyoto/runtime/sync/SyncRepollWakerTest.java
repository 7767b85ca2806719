package io.kyoto.runtime.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Future;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A waiting future re-polled by its task with another waker (the task moved, or a combinator
 * wrapped the context): only the latest waker is woken, and a cancelled wait wakes neither.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SyncRepollWakerTest {

  /** Polls {@code future} pending with two wakers, runs {@code wake}, checks who was woken. */
  private static <T> void onlyTheLatestWakerIsWoken(Future<T> future, Wake wake) throws Exception {
    TestWaker first = new TestWaker();
    TestWaker second = new TestWaker();
    assertTrue(first.poll(future).isPending());
    assertTrue(second.poll(future).isPending());
    wake.run();
    assertEquals(0, first.wakes(), "the replaced waker was woken");
    assertEquals(1, second.wakes(), "the latest waker was not woken once");
    assertTrue(second.poll(future).isReady());
  }

  /** Polls {@code future} pending with two wakers, cancels it, runs {@code wake}: nobody woken. */
  private static <T> void aCancelledWaitWakesNobody(Future<T> future, Wake wake) throws Exception {
    TestWaker first = new TestWaker();
    TestWaker second = new TestWaker();
    assertTrue(first.poll(future).isPending());
    assertTrue(second.poll(future).isPending());
    future.cancel();
    wake.run();
    assertEquals(0, first.wakes() + second.wakes(), "a cancelled wait was woken");
  }

  private interface Act<S> {
    void run(S s) throws Exception;
  }

  private interface Wake {
    void run() throws Exception;
  }

  private interface Case<S> {
    Future<?> wait(S s);
  }

  private static <S> void both(java.util.function.Supplier<S> make, Case<S> wait, Act<S> wake)
      throws Exception {
    S a = make.get();
    onlyTheLatestWakerIsWoken(wait.wait(a), () -> wake.run(a));
    S b = make.get();
    aCancelledWaitWakesNobody(wait.wait(b), () -> wake.run(b));
  }

  @Test
  void notified() throws Exception {
    both(Notify::new, Notify::notified, Notify::notifyOne);
    both(Notify::new, Notify::notified, Notify::notifyWaiters);
  }

  @Test
  void semaphoreAcquire() throws Exception {
    both(() -> new Semaphore(0), s -> s.acquire(2), s -> s.addPermits(2));
  }

  @Test
  void mutexLock() throws Exception {
    both(
        () -> {
          Mutex<String> m = new Mutex<>("v");
          return new Object[] {m, m.tryLock().orElseThrow()};
        },
        s -> ((Mutex<?>) s[0]).lock(),
        s -> ((MutexGuard<?>) s[1]).close());
  }

  @Test
  void barrierAwait() throws Exception {
    both(() -> new Barrier(2), Barrier::await, b -> b.await().poll(new TestWaker().cx()));
  }

  @Test
  void cancellationTokenCancelled() throws Exception {
    both(CancellationToken::new, CancellationToken::cancelled, CancellationToken::cancel);
  }

  @Test
  void mpscSendAndReserve() throws Exception {
    Function<Mpsc.Channel<String>, Mpsc.Channel<String>> full =
        ch -> {
          try {
            ch.tx().trySend("a");
          } catch (TrySendException e) {
            throw new AssertionError(e);
          }
          return ch;
        };
    both(() -> full.apply(Mpsc.channel(1)), ch -> ch.tx().send("b"), SyncRepollWakerTest::recv);
    both(() -> full.apply(Mpsc.channel(1)), ch -> ch.tx().reserve(), SyncRepollWakerTest::recv);
    both(() -> Mpsc.<String>channel(1), ch -> ch.tx().closed(), ch -> ch.rx().close());
  }

  private static void recv(Mpsc.Channel<String> ch) {
    try {
      ch.rx().tryRecv();
    } catch (TryRecvException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void mpscRecv() throws Exception {
    both(
        () -> Mpsc.<String>channel(1),
        ch -> ch.rx().recv(),
        ch -> {
          try {
            ch.tx().trySend("m");
          } catch (TrySendException e) {
            throw new AssertionError(e);
          }
        });
  }

  @Test
  void broadcastRecv() throws Exception {
    both(
        () -> Broadcast.<String>channel(2),
        ch -> ch.rx().recv(),
        ch -> {
          try {
            ch.tx().send("m");
          } catch (SendException e) {
            throw new AssertionError(e);
          }
        });
  }

  @Test
  void watchChanged() throws Exception {
    both(
        () -> Watch.channel("a"),
        ch -> ch.rx().changed(),
        ch -> {
          try {
            ch.tx().send("b");
          } catch (SendException e) {
            throw new AssertionError(e);
          }
        });
    both(() -> Watch.channel("a"), ch -> ch.tx().closed(), ch -> ch.rx().close());
  }

  @Test
  void oneshotRecvAndClosed() throws Exception {
    both(
        Oneshot::<String>channel,
        Oneshot.Channel::rx,
        ch -> {
          try {
            ch.tx().send("v");
          } catch (SendException e) {
            throw new AssertionError(e);
          }
        });
    both(Oneshot::<String>channel, ch -> ch.tx().closed(), ch -> ch.rx().close());
  }

  @Test
  void onceCellGetOrInit() throws Exception {
    both(
        () -> {
          OnceCell<String> cell = new OnceCell<>();
          Notify gate = new Notify();
          Future<String> init = cell.getOrInit(() -> gate.notified().map(v -> "v"));
          try {
            assertTrue(new TestWaker().poll(init).isPending());
          } catch (Exception e) {
            throw new AssertionError(e);
          }
          return new Object[] {cell, init};
        },
        s -> {
          @SuppressWarnings("unchecked")
          OnceCell<String> cell = (OnceCell<String>) s[0];
          return cell.getOrInit(() -> io.kyoto.runtime.Futures.ready("x"));
        },
        s -> ((Future<?>) s[1]).cancel()); // the initializer gives the permit up
  }
}
