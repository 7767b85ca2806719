package io.kyoto.runtime.internal.io;

import io.kyoto.reactor.Backend;
import io.kyoto.reactor.Event;
import io.kyoto.reactor.Events;
import io.kyoto.reactor.Interest;
import io.kyoto.reactor.Poll;
import io.kyoto.reactor.Source;
import io.kyoto.reactor.Token;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Maps reactor events to the {@link ScheduledIo} of each registered resource.
 *
 * <p>Registration and deregistration happen on any thread under {@link #slabLock}; {@link
 * #dispatch} runs on the driver thread without the lock, reading slots with acquire semantics (a
 * slot is published with release semantics before the source is registered with the reactor, so an
 * event for it always finds it).
 */
public final class IoDriver {
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(ScheduledIo[].class);
  private static final Interest BOTH = Interest.READABLE.add(Interest.WRITABLE);

  private final Poll poll;
  private final long wakerToken;
  private final ReentrantLock slabLock = new ReentrantLock();
  private volatile ScheduledIo[] slab = new ScheduledIo[64];
  private int[] generations = new int[64]; // under slabLock
  private int[] free = new int[64]; // under slabLock
  private int freeCount; // under slabLock
  private int nextUnused; // under slabLock
  private volatile int registered; // written under slabLock; read anywhere
  private boolean shutdown; // under slabLock
  private int tick; // driver thread only

  /**
   * Creates the driver over {@code poll}.
   *
   * @param poll the runtime's reactor poll
   * @param wakerToken the token of the runtime's own reactor waker, skipped by dispatch
   */
  public IoDriver(Poll poll, long wakerToken) {
    this.poll = poll;
    this.wakerToken = wakerToken;
  }

  /** {@return the reactor backend sockets of this driver must be created with} */
  public Backend backend() {
    return poll.backend();
  }

  /** {@return how many resources are registered} */
  public int registeredCount() {
    return registered;
  }

  /**
   * Registers {@code source} for both directions, edge-triggered.
   *
   * @param source a non-blocking source of this driver's backend
   * @return its readiness record
   * @throws IOException if the reactor refuses it, or the runtime is shutting down
   */
  ScheduledIo register(Source source) throws IOException {
    ScheduledIo io;
    int index;
    slabLock.lock();
    try {
      if (shutdown) {
        throw new IOException("A Kyoto runtime was found, but it is being shut down");
      }
      if (freeCount > 0) {
        index = free[--freeCount];
      } else {
        index = nextUnused++;
        if (index == slab.length) {
          int n = index * 2;
          slab = Arrays.copyOf(slab, n);
          generations = Arrays.copyOf(generations, n);
        }
      }
      int gen = ++generations[index];
      io = new ScheduledIo(((long) gen << 32) | index);
      SLOT.setRelease(slab, index, io);
      registered++;
    } finally {
      slabLock.unlock();
    }
    try {
      poll.registry().register(source, new Token(io.token), BOTH);
    } catch (IOException | RuntimeException e) {
      release(io);
      throw e;
    }
    return io;
  }

  /**
   * Deregisters {@code source} and frees its slot; tasks still waiting on it are woken and fail.
   *
   * @param source the source, still open or already closed
   * @param io its readiness record
   */
  void deregister(Source source, ScheduledIo io) {
    if (source.isOpen() && !poll.isClosed()) {
      try {
        poll.registry().deregister(source);
      } catch (IOException | RuntimeException e) {
        // Closing the source removes it from the reactor anyway.
      }
    }
    io.terminate(ScheduledIo.CLOSED);
    release(io);
  }

  private void release(ScheduledIo io) {
    int index = (int) io.token;
    slabLock.lock();
    try {
      ScheduledIo[] s = slab;
      if (SLOT.getAcquire(s, index) == io) {
        SLOT.setRelease(s, index, (ScheduledIo) null);
        if (freeCount == free.length) {
          free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = index;
        registered--;
      }
    } finally {
      slabLock.unlock();
    }
  }

  /**
   * Applies one batch of reactor events: bumps the tick and records readiness, waking waiters.
   * Driver thread only.
   *
   * @param events the events of the last reactor poll
   */
  public void dispatch(Events events) {
    int t = ++tick;
    ScheduledIo[] s = slab;
    for (int i = 0, n = events.size(); i < n; i++) {
      Event e = events.get(i);
      long token = e.tokenValue();
      if (token == wakerToken) {
        continue;
      }
      int index = (int) token;
      if (index < 0 || index >= s.length) {
        s = slab; // grown since we read it
        if (index < 0 || index >= s.length) {
          continue;
        }
      }
      ScheduledIo io = (ScheduledIo) SLOT.getAcquire(s, index);
      if (io == null || io.token != token) {
        continue; // freed, or reused for another resource
      }
      io.setReadiness(t, bits(e));
    }
  }

  private static int bits(Event e) {
    int b = 0;
    if (e.isReadable()) {
      b |= ScheduledIo.READABLE;
    }
    if (e.isWritable()) {
      b |= ScheduledIo.WRITABLE;
    }
    if (e.isReadClosed()) {
      b |= ScheduledIo.READ_CLOSED;
    }
    if (e.isWriteClosed()) {
      b |= ScheduledIo.WRITE_CLOSED;
    }
    if (e.isError()) {
      b |= ScheduledIo.ERROR;
    }
    if (e.isPriority()) {
      b |= ScheduledIo.PRIORITY;
    }
    return b;
  }

  /** Marks every registered resource shut down and wakes its waiters; new registrations fail. */
  public void shutdown() {
    ScheduledIo[] s;
    int n;
    slabLock.lock();
    try {
      shutdown = true;
      s = slab;
      n = nextUnused;
    } finally {
      slabLock.unlock();
    }
    for (int i = 0; i < n; i++) {
      ScheduledIo io = (ScheduledIo) SLOT.getAcquire(s, i);
      if (io != null) {
        io.terminate(ScheduledIo.SHUTDOWN);
      }
    }
  }
}
