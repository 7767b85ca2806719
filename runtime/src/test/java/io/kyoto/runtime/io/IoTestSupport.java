package io.kyoto.runtime.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.ThrowingSupplier;
import io.kyoto.runtime.Waker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/** Fixtures for the io and codec tests: in-memory readers and writers with chosen pacing. */
public final class IoTestSupport {
  private IoTestSupport() {}

  /** {@return a current-thread runtime with every driver} */
  public static Runtime runtime() {
    return Runtime.builder().currentThread().enableAll().build();
  }

  /** {@return {@code n} pseudo-random bytes from {@code seed}} */
  public static byte[] randomBytes(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** {@return the CRC-32 of {@code bytes}} */
  public static long crc(byte[] bytes) {
    CRC32 c = new CRC32();
    c.update(bytes);
    return c.getValue();
  }

  /**
   * A waker that counts its wakes, for futures polled by hand: the waker of a cancelled operation,
   * which nothing may wake afterwards. Shared by the io, fs and process tests.
   */
  public static final class CountingWaker implements Waker {
    private final AtomicInteger wakes = new AtomicInteger();

    @Override
    public void wake() {
      wakes.incrementAndGet();
    }

    /** {@return how many times this waker was woken} */
    public int wakes() {
      return wakes.get();
    }

    /**
     * Inside {@code rt}, makes the operation's future, polls it once with this waker, expecting it
     * to wait, and cancels it.
     *
     * @param rt the runtime the operation needs
     * @param op makes the operation's future
     * @throws Exception if making or polling the future fails, or it did not wait
     */
    public void pollPendingThenCancel(Runtime rt, ThrowingSupplier<? extends Future<?>> op)
        throws Exception {
      rt.blockOn(
          Futures.lazy(
              () -> {
                Future<?> f = op.get();
                if (!f.poll(new Context(this)).isPending()) {
                  throw new AssertionError("expected the operation to wait");
                }
                f.cancel();
                return Futures.ready(null);
              }));
    }

    /**
     * Waits up to a second for a first wake-up, for a test in which one must not come: the job the
     * cancelled operation waited on ends meanwhile (the caller made sure of that), and a waker left
     * behind would be woken by its end.
     *
     * @return how many times this waker was woken by then
     * @throws InterruptedException if the wait is interrupted
     */
    public int wakesWithin1s() throws InterruptedException {
      for (int i = 0; i < 20 && wakes.get() == 0; i++) {
        Thread.sleep(50);
      }
      return wakes.get();
    }
  }

  /**
   * A runtime with one blocking thread, which {@link #hold} keeps busy until {@link
   * #releaseAndDrain}: a blocking job submitted meanwhile waits in the queue, so an operation that
   * waits on it is pending whatever the timing, and the drain tells when that job has ended (the
   * pool runs its queue in order on its one thread), with no sleep.
   */
  public static final class HeldBlockingThread implements AutoCloseable {
    private final Runtime rt =
        Runtime.builder().multiThread().workerThreads(1).maxBlockingThreads(1).enableAll().build();
    private final CountDownLatch held = new CountDownLatch(1);

    /** {@return the runtime} */
    public Runtime runtime() {
      return rt;
    }

    /**
     * Occupies the blocking thread until {@link #releaseAndDrain}.
     *
     * @throws Exception if the runtime refuses the job
     */
    public void hold() throws Exception {
      rt.blockOn(
          Futures.fromSupplier(
              () ->
                  Task.spawnBlocking(
                      () -> {
                        held.await();
                        return null;
                      })));
    }

    /**
     * Frees the blocking thread and waits until every job queued behind the held one has ended (and
     * so has woken whatever waker it still had).
     *
     * @throws Exception if the queue does not drain within 10 seconds
     */
    public void releaseAndDrain() throws Exception {
      CountDownLatch drained = new CountDownLatch(1);
      rt.blockOn(
          Futures.fromSupplier(
              () ->
                  Task.spawnBlocking(
                      () -> {
                        drained.countDown();
                        return null;
                      })));
      held.countDown();
      if (!drained.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("the jobs queued on the blocking thread did not end");
      }
    }

    @Override
    public void close() {
      held.countDown();
      rt.close();
    }
  }

  /**
   * Inside {@code rt}, polls one read of up to 64 bytes from {@code reader} once by hand; it must
   * be ready at once (the blocking job it waits on has ended).
   *
   * @return the bytes read, as UTF-8, or null at the end of the stream
   * @throws Exception if the read fails or is still pending
   */
  public static String readReadyNow(Runtime rt, AsyncRead reader) throws Exception {
    return rt.blockOn(
        Futures.lazy(
            () -> {
              ByteBuffer buf = ByteBuffer.allocate(64);
              Poll<Integer> p = reader.read(buf).poll(noopContext());
              if (p.isPending()) {
                throw new AssertionError("the blocking job had not ended before the check");
              }
              return Futures.ready(
                  p.value() < 0
                      ? null
                      : new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
            }));
  }

  /** {@return a context whose waker does nothing, with an unconstrained budget} */
  public static Context noopContext() {
    return new Context(Waker.noop());
  }

  /**
   * A reader over a byte array that hands out chunks of random size (1 to {@code maxChunk}) and, if
   * {@code pendingEvery > 0}, is pending (after waking itself) before every so many reads.
   */
  public static final class ChunkedReader implements AsyncRead {
    private final byte[] data;
    private final Random random;
    private final int maxChunk;
    private final int pendingEvery;
    private int pos;
    private int polls;
    private int reads;

    public ChunkedReader(byte[] data, long seed, int maxChunk, int pendingEvery) {
      this.data = data;
      this.random = new Random(seed);
      this.maxChunk = maxChunk;
      this.pendingEvery = pendingEvery;
    }

    @Override
    public Poll<Void> pollRead(Context cx, ByteBuffer dst) {
      polls++;
      if (pendingEvery > 0 && polls % pendingEvery == 0) {
        cx.waker().wake();
        return Poll.pending();
      }
      reads++;
      int n = Math.min(Math.min(dst.remaining(), data.length - pos), 1 + random.nextInt(maxChunk));
      dst.put(data, pos, n);
      pos += n;
      return Poll.ready(null);
    }

    /** {@return how many reads returned ready} */
    public int reads() {
      return reads;
    }

    /** {@return how many bytes were handed out} */
    public int position() {
      return pos;
    }
  }

  /**
   * A writer that accepts at most {@code maxChunk} bytes per write and is pending (after waking
   * itself) every other poll. It records what it got, flushes and shutdown; {@code acceptNothing}
   * makes it a sink that accepts no more bytes.
   */
  public static final class SlowWriter implements AsyncWrite {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final int maxChunk;
    private boolean pendingNext;
    private int writes;
    private int flushes;
    private boolean shutdown;
    private boolean acceptNothing;

    public SlowWriter(int maxChunk) {
      this.maxChunk = maxChunk;
    }

    @Override
    public Poll<Void> pollWrite(Context cx, ByteBuffer src) throws IOException {
      if (shutdown) {
        throw new IOException("write after shutdown");
      }
      pendingNext = !pendingNext;
      if (pendingNext) {
        cx.waker().wake();
        return Poll.pending();
      }
      writes++;
      if (acceptNothing) {
        return Poll.ready(null);
      }
      int n = Math.min(src.remaining(), maxChunk);
      byte[] chunk = new byte[n];
      src.get(chunk);
      out.write(chunk, 0, n);
      return Poll.ready(null);
    }

    @Override
    public Poll<Void> pollFlush(Context cx) {
      flushes++;
      return Poll.ready(null);
    }

    @Override
    public Poll<Void> pollShutdown(Context cx) {
      shutdown = true;
      return Poll.ready(null);
    }

    public byte[] bytes() {
      return out.toByteArray();
    }

    public int writes() {
      return writes;
    }

    public int flushes() {
      return flushes;
    }

    public boolean isShutdown() {
      return shutdown;
    }

    public SlowWriter acceptNothing() {
      acceptNothing = true;
      return this;
    }
  }

  /** A writer that is always ready and records every write's size. */
  public static final class RecordingWriter implements AsyncWrite {
    public final ByteArrayOutputStream out = new ByteArrayOutputStream();
    public final java.util.List<Integer> writeSizes = new java.util.ArrayList<>();
    public int flushes;
    public boolean shutdown;

    @Override
    public Poll<Void> pollWrite(Context cx, ByteBuffer src) {
      int n = src.remaining();
      byte[] chunk = new byte[n];
      src.get(chunk);
      out.write(chunk, 0, n);
      writeSizes.add(n);
      return Poll.ready(null);
    }

    @Override
    public Poll<Void> pollFlush(Context cx) {
      flushes++;
      return Poll.ready(null);
    }

    @Override
    public Poll<Void> pollShutdown(Context cx) {
      shutdown = true;
      return Poll.ready(null);
    }
  }
}
