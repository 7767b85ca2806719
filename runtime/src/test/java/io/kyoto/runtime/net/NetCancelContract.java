package io.kyoto.runtime.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.reactor.Backend;
import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.io.Io;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cancelling an operation that waits on a runtime socket withdraws its waker (the runtime contract:
 * {@code cancel()} releases the I/O interest it registered): the cancelled task is neither kept
 * reachable by the socket nor woken by its next event. Each test polls a future by hand with a
 * counting waker, cancels it, then closes the socket, which wakes whatever still waits on it; the
 * current-thread runtime runs its driver only between the test's polls, so nothing else intervenes.
 * Subclassed per backend.
 */
@Timeout(60)
abstract class NetCancelContract {
  abstract Backend backend();

  Runtime single() {
    return Runtime.builder().currentThread().enableIo(backend()).enableTime().build();
  }

  /** A waker that counts its wakes, for futures polled by hand. */
  static final class CountingWaker implements Waker {
    final java.util.concurrent.atomic.AtomicInteger wakes =
        new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public void wake() {
      wakes.incrementAndGet();
    }
  }

  /** Polls {@code f} once by hand with {@code waker}, expecting it to wait. */
  static void pollPending(Future<?> f, Waker waker) throws Exception {
    assertTrue(f.poll(new Context(waker)).isPending(), "expected the future to wait");
  }

  @Test
  void aCancelledAcceptWithdrawsItsWakerFromTheListener() throws Exception {
    try (Runtime rt = single()) {
      int wakes =
          rt.blockOn(
              TcpListener.bind("127.0.0.1:0")
                  .map(
                      listener -> {
                        CountingWaker cancelled = new CountingWaker();
                        Future<TcpStream> accept = listener.accept();
                        pollPending(accept, cancelled);
                        accept.cancel();
                        listener.close(); // wakes whatever still waits on the listener
                        return cancelled.wakes.get();
                      }));
      assertEquals(0, wakes, "the cancelled accept's task was woken");
    }
  }

  @Test
  void anAcceptThatTimedOutLeavesNoWakerOnTheListener() throws Exception {
    try (Runtime rt = single()) {
      int wakesByClose =
          rt.blockOn(
              TcpListener.bind("127.0.0.1:0")
                  .flatMap(
                      listener -> {
                        CountingWaker task = new CountingWaker();
                        Future<TcpStream> timed = listener.accept().timeout(Duration.ofMillis(1));
                        pollPending(timed, task);
                        return Time.sleep(Duration.ofMillis(20))
                            .map(
                                v -> {
                                  assertThrows(
                                      java.util.concurrent.TimeoutException.class,
                                      () -> timed.poll(new Context(task)));
                                  int before = task.wakes.get();
                                  listener.close();
                                  return task.wakes.get() - before;
                                });
                      }));
      assertEquals(0, wakesByClose, "the timed-out accept's task was woken by the close");
    }
  }

  @Test
  void cancellingIncomingWithdrawsItsWakerFromTheListener() throws Exception {
    try (Runtime rt = single()) {
      int wakes =
          rt.blockOn(
              TcpListener.bind("127.0.0.1:0")
                  .map(
                      listener -> {
                        CountingWaker cancelled = new CountingWaker();
                        io.kyoto.runtime.stream.Stream<TcpStream> incoming = listener.incoming();
                        assertTrue(incoming.pollNext(new Context(cancelled)).isPending());
                        incoming.cancel();
                        listener.close();
                        return cancelled.wakes.get();
                      }));
      assertEquals(0, wakes, "the cancelled incoming stream's task was woken");
    }
  }

  @Test
  void aCancelledNextOfIncomingWithdrawsItsWakerFromTheListener() throws Exception {
    try (Runtime rt = single()) {
      int wakes =
          rt.blockOn(
              TcpListener.bind("127.0.0.1:0")
                  .map(
                      listener -> {
                        CountingWaker cancelled = new CountingWaker();
                        io.kyoto.runtime.stream.Stream<TcpStream> incoming = listener.incoming();
                        Future<java.util.Optional<TcpStream>> next = incoming.next();
                        pollPending(next, cancelled); // as a next() that loses a select
                        next.cancel();
                        listener.close();
                        return cancelled.wakes.get();
                      }));
      assertEquals(0, wakes, "the cancelled next()'s task was woken");
    }
  }

  @Test
  void cancellingAnOlderAcceptLeavesTheNewerWaitersWaker() throws Exception {
    try (Runtime rt = single()) {
      int[] wakes =
          rt.blockOn(
              TcpListener.bind("127.0.0.1:0")
                  .map(
                      listener -> {
                        CountingWaker older = new CountingWaker();
                        CountingWaker newer = new CountingWaker();
                        Future<TcpStream> first = listener.accept();
                        Future<TcpStream> second = listener.accept();
                        pollPending(first, older);
                        pollPending(second, newer);
                        first.cancel();
                        listener.close();
                        return new int[] {older.wakes.get(), newer.wakes.get()};
                      }));
      assertEquals(0, wakes[0], "the cancelled accept's task was woken");
      assertEquals(1, wakes[1], "the waiting accept's task was not woken by the close");
    }
  }

  @Test
  void aCancelledUnixAcceptWithdrawsItsWakerFromTheListener(@TempDir Path dir) throws Exception {
    try (Runtime rt = single()) {
      int wakes =
          rt.blockOn(
              Futures.fromSupplier(
                  () -> {
                    UnixListener listener = UnixListener.bind(dir.resolve("cancel.sock"));
                    CountingWaker cancelled = new CountingWaker();
                    Future<UnixStream> accept = listener.accept();
                    pollPending(accept, cancelled);
                    accept.cancel();
                    listener.close();
                    return cancelled.wakes.get();
                  }));
      assertEquals(0, wakes, "the cancelled accept's task was woken");
    }
  }

  @Test
  void aCancelledUdpReceiveWithdrawsItsWakerFromTheSocket() throws Exception {
    try (Runtime rt = single()) {
      int[] wakes =
          rt.blockOn(
              Futures.join(
                      UdpSocket.bind("127.0.0.1:0"),
                      UdpSocket.bind("127.0.0.1:0"),
                      (a, b) -> new UdpSocket[] {a, b})
                  .map(
                      s -> {
                        CountingWaker recvFrom = new CountingWaker();
                        Future<InetSocketAddress> first = s[0].recvFrom(ByteBuffer.allocate(8));
                        pollPending(first, recvFrom);
                        first.cancel();
                        s[0].close();
                        CountingWaker recv = new CountingWaker();
                        Future<Integer> second = s[1].recv(ByteBuffer.allocate(8));
                        pollPending(second, recv);
                        second.cancel();
                        s[1].close();
                        return new int[] {recvFrom.wakes.get(), recv.wakes.get()};
                      }));
      assertEquals(0, wakes[0], "the cancelled recvFrom's task was woken");
      assertEquals(0, wakes[1], "the cancelled recv's task was woken");
    }
  }

  /** {@return a connected pair: the accepted server side first, then the client} */
  static Future<TcpStream[]> connectedPair() {
    return TcpListener.bind("127.0.0.1:0")
        .flatMap(
            listener ->
                Futures.join(
                        listener.accept(),
                        TcpStream.connect(listener.localAddress()),
                        (server, client) -> new TcpStream[] {server, client})
                    .inspect(pair -> listener.close()));
  }

  @Test
  void aCancelledStreamReadWithdrawsItsWakerFromTheSocket() throws Exception {
    try (Runtime rt = single()) {
      int[] wakes =
          rt.blockOn(
              Futures.join(
                  connectedPair(),
                  connectedPair(),
                  (a, b) -> {
                    CountingWaker read = new CountingWaker();
                    Future<Integer> first = a[0].read(ByteBuffer.allocate(8));
                    pollPending(first, read);
                    first.cancel();
                    a[0].close();
                    a[1].close();
                    CountingWaker halfRead = new CountingWaker();
                    Split halves = b[0].split();
                    Future<Integer> second = Io.readExact(halves.reader(), ByteBuffer.allocate(8));
                    pollPending(second, halfRead);
                    second.cancel();
                    halves.reader().close();
                    halves.writer().close();
                    b[1].close();
                    return new int[] {read.wakes.get(), halfRead.wakes.get()};
                  }));
      assertEquals(0, wakes[0], "the cancelled read's task was woken");
      assertEquals(0, wakes[1], "the cancelled readExact's task was woken");
    }
  }

  @Test
  void aCancelledStreamWriteWithdrawsItsWakerFromTheSocket() throws Exception {
    try (Runtime rt = single()) {
      int wakes =
          rt.blockOn(
              connectedPair()
                  .map(
                      pair -> {
                        TcpStream client = pair[1];
                        client.setSendBufferSize(4096);
                        pair[0].setReceiveBufferSize(4096);
                        CountingWaker write = new CountingWaker();
                        // Far more than both socket buffers hold: the write waits for the peer.
                        Future<Void> writeAll = client.writeAll(ByteBuffer.allocate(8 << 20));
                        pollPending(writeAll, write);
                        writeAll.cancel();
                        client.close();
                        pair[0].close();
                        return write.wakes.get();
                      }));
      assertEquals(0, wakes, "the cancelled write's task was woken");
    }
  }

  @Test
  void aCancelledNextOfAFramedReadWithdrawsItsWakerFromTheSocket() throws Exception {
    try (Runtime rt = single()) {
      int[] wakes =
          rt.blockOn(
              Futures.join(
                  connectedPair(),
                  connectedPair(),
                  (a, b) -> {
                    CountingWaker framedRead = new CountingWaker();
                    var lines =
                        io.kyoto.runtime.codec.FramedRead.create(
                            a[0], io.kyoto.runtime.codec.LinesCodec.create());
                    Future<?> next = lines.next();
                    pollPending(next, framedRead); // as a next() that loses a select
                    next.cancel();
                    a[0].close();
                    a[1].close();
                    CountingWaker framed = new CountingWaker();
                    var both =
                        io.kyoto.runtime.codec.Framed.create(
                            b[0], io.kyoto.runtime.codec.LinesCodec.create());
                    Future<?> next2 = both.next();
                    pollPending(next2, framed);
                    next2.cancel();
                    b[0].close();
                    b[1].close();
                    return new int[] {framedRead.wakes.get(), framed.wakes.get()};
                  }));
      assertEquals(0, wakes[0], "the cancelled FramedRead next()'s task was woken");
      assertEquals(0, wakes[1], "the cancelled Framed next()'s task was woken");
    }
  }

  @Test
  void aCancelledConnectDoesNotWakeItsTaskWhenItClosesTheSocket() throws Exception {
    try (Runtime rt = single()) {
      int wakes =
          rt.blockOn(
              TcpListener.bind("127.0.0.1:0")
                  .map(
                      listener -> {
                        CountingWaker cancelled = new CountingWaker();
                        // Pending at its first poll: only the driver, which runs between this
                        // task's polls, records the socket's readiness.
                        Future<TcpStream> connect = TcpStream.connect(listener.localAddress());
                        pollPending(connect, cancelled);
                        connect.cancel();
                        listener.close();
                        return cancelled.wakes.get();
                      }));
      assertEquals(0, wakes, "cancelling the connect woke its own task");
    }
  }

  @Test
  void aCancelledFlushWithdrawsItsWakerFromTheSocketUnderTheBuffer() throws Exception {
    try (Runtime rt = single()) {
      int wakes =
          rt.blockOn(
              connectedPair()
                  .map(
                      pair -> {
                        TcpStream client = pair[1];
                        client.setSendBufferSize(4096);
                        pair[0].setReceiveBufferSize(4096);
                        var buffered = io.kyoto.runtime.io.BufWriter.withCapacity(8 << 20, client);
                        Future<Void> fill = buffered.writeAll(ByteBuffer.allocate(4 << 20));
                        assertTrue(fill.poll(new Context(Waker.noop())).isReady());
                        CountingWaker flush = new CountingWaker();
                        Future<Void> flushing = buffered.flush();
                        pollPending(flushing, flush);
                        flushing.cancel();
                        client.close();
                        pair[0].close();
                        return flush.wakes.get();
                      }));
      assertEquals(0, wakes, "the cancelled flush's task was woken");
    }
  }

  @Test
  void aCancelledCopyWithdrawsItsWakersFromTheSockets() throws Exception {
    try (Runtime rt = single()) {
      int[] wakes =
          rt.blockOn(
              Futures.join(
                  connectedPair(),
                  connectedPair(),
                  (a, b) -> {
                    CountingWaker copy = new CountingWaker();
                    Future<Long> echo = Io.copy(a[0], a[0]);
                    pollPending(echo, copy);
                    echo.cancel();
                    a[0].close();
                    a[1].close();
                    CountingWaker bidirectional = new CountingWaker();
                    Future<?> proxy = Io.copyBidirectional(b[0], b[1]);
                    pollPending(proxy, bidirectional);
                    proxy.cancel();
                    b[0].close();
                    b[1].close();
                    return new int[] {copy.wakes.get(), bidirectional.wakes.get()};
                  }));
      assertEquals(0, wakes[0], "the cancelled copy's task was woken");
      assertEquals(0, wakes[1], "the cancelled copyBidirectional's task was woken");
    }
  }
}
