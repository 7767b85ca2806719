package io.kyoto.web.internal.client;

import io.kyoto.runtime.AbortHandle;
import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Handle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Sleep;
import io.kyoto.runtime.Time;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Idle keep-alive connections per {@code host:port}, most recently used first. A connection idle
 * longer than the idle timeout is closed by the pool's reaper (hyper-util's idle interval), or when
 * met by {@link #take}, whichever comes first.
 *
 * <p>The reaper is one task on the runtime that gave the first idle connection back. It sleeps
 * until the oldest idle connection expires, closes what has expired, and sleeps again; it exists
 * only while something is idle: it ends when it wakes and finds nothing left, and is aborted when
 * the pool is closed, so an unused client holds no task once its last connection would have
 * expired. {@link #take} does not stop it: a client sending one request at a time over one
 * connection would otherwise spawn and abort a reaper per request. The field {@link #reaper} names
 * the one current reaper (guarded by the pool's lock); a reaper that is no longer current ends at
 * its next poll.
 */
public final class ConnectionPool {
  private final int maxIdlePerHost;
  private final long idleTimeoutNanos;
  private final Map<String, ArrayDeque<ClientConnection>> idle = new HashMap<>();
  private int idleTotal;
  private Reaper reaper;
  private volatile boolean closed; // written under the lock, read without it

  /**
   * Creates the pool.
   *
   * @param maxIdlePerHost the most idle connections kept per host
   * @param idleTimeoutNanos how long an idle connection is kept
   */
  public ConnectionPool(int maxIdlePerHost, long idleTimeoutNanos) {
    this.maxIdlePerHost = maxIdlePerHost;
    this.idleTimeoutNanos = idleTimeoutNanos;
  }

  ClientConnection take(String key, long now) {
    // The reaper is left running when this empties the pool: it ends at its next wake if nothing
    // is idle then. Stopping it here would spawn and abort a task (and a timer) per request for a
    // client that sends one request at a time over one connection.
    List<ClientConnection> stale = null;
    ClientConnection found = null;
    synchronized (this) {
      ArrayDeque<ClientConnection> q = idle.get(key);
      while (q != null && !q.isEmpty()) {
        ClientConnection c = q.pollFirst();
        idleTotal--;
        if (!expired(c, now) && !c.isClosed()) {
          found = c;
          break;
        }
        if (stale == null) stale = new ArrayList<>();
        stale.add(c);
      }
      if (q != null && q.isEmpty()) idle.remove(key);
    }
    if (stale != null) stale.forEach(ClientConnection::close);
    return found;
  }

  /**
   * {@return how long the connection {@link #take} would offer first for {@code key} has been idle,
   * in nanoseconds, or -1 if none is}
   */
  synchronized long idleFor(String key, long now) {
    ArrayDeque<ClientConnection> q = idle.get(key);
    return q == null || q.isEmpty() ? -1 : Math.max(0, now - q.peekFirst().idleSince);
  }

  void give(ClientConnection c, long now) {
    c.in.releaseIfEmpty();
    c.out.releaseIfEmpty();
    ClientConnection evicted = null;
    Reaper start = null;
    synchronized (this) {
      if (!closed && maxIdlePerHost > 0) {
        c.idleSince = now;
        ArrayDeque<ClientConnection> q = idle.computeIfAbsent(c.key, k -> new ArrayDeque<>());
        q.addFirst(c);
        idleTotal++;
        if (q.size() > maxIdlePerHost) {
          evicted = q.pollLast();
          idleTotal--;
        }
        if (reaper == null) reaper = start = new Reaper(expiry(c));
        c = null;
      }
    }
    if (c != null) c.close();
    if (evicted != null) evicted.close();
    if (start != null) start.spawn();
  }

  /** {@return whether {@link #close} was called} */
  public boolean isClosed() {
    return closed;
  }

  /** {@return the idle connections held} */
  public synchronized int idleCount() {
    return idleTotal;
  }

  /** Closes every idle connection; connections given back later are closed too. */
  public void close() {
    Map<String, ArrayDeque<ClientConnection>> all;
    Reaper stop;
    synchronized (this) {
      closed = true;
      all = new HashMap<>(idle);
      idle.clear();
      idleTotal = 0;
      stop = reaper;
      reaper = null;
    }
    if (stop != null) stop.stop();
    for (ArrayDeque<ClientConnection> q : all.values()) q.forEach(ClientConnection::close);
  }

  private boolean expired(ClientConnection c, long now) {
    return now - c.idleSince >= idleTimeoutNanos;
  }

  private long expiry(ClientConnection c) {
    long at = c.idleSince + idleTimeoutNanos;
    return at < c.idleSince ? Long.MAX_VALUE : at; // saturate a huge idle timeout
  }

  /**
   * Closes the expired idle connections for {@code r}; returns when the next one expires, or -1 if
   * nothing is idle (then {@code r} is no longer the reaper) or {@code r} is not the reaper.
   */
  private long reap(Reaper r, long now) {
    List<ClientConnection> expired = new ArrayList<>();
    long next = Long.MAX_VALUE;
    synchronized (this) {
      if (reaper != r) return -1;
      for (Iterator<ArrayDeque<ClientConnection>> it = idle.values().iterator(); it.hasNext(); ) {
        ArrayDeque<ClientConnection> q = it.next();
        // Most recently used first, so the oldest are at the end.
        while (!q.isEmpty() && (expired(q.peekLast(), now) || q.peekLast().isClosed())) {
          expired.add(q.pollLast());
          idleTotal--;
        }
        if (q.isEmpty()) {
          it.remove();
        } else {
          next = Math.min(next, expiry(q.peekLast()));
        }
      }
      if (idleTotal == 0) {
        reaper = null;
        next = -1;
      }
    }
    for (ClientConnection c : expired) c.close();
    return next;
  }

  /** Forgets {@code r} if it is still the reaper (its task ended or was cancelled). */
  private synchronized void detach(Reaper r) {
    if (reaper == r) reaper = null;
  }

  /** The task that closes expired idle connections; see the class comment. */
  private final class Reaper implements Future<Void> {
    private Sleep sleep; // confined to the task
    // When the connection that started it expires: the first wake. Reaping at the first poll
    // instead would often find the pool empty (the next request took that connection meanwhile)
    // and end, so the next give would spawn another reaper.
    private long firstWake; // confined to the task; 0 once used
    private volatile AbortHandle handle;
    private volatile boolean stopped;

    /** Spawns this reaper on the current runtime; without one, expiry is left to {@link #take}. */
    void spawn() {
      Optional<Handle> rt = Handle.tryCurrent();
      AbortHandle h = null;
      if (rt.isPresent() && !stopped) {
        try {
          h = rt.get().spawn(this).abortHandle();
        } catch (RuntimeException e) {
          h = null; // the runtime is shutting down
        }
      }
      if (h == null) {
        detach(this);
        return;
      }
      handle = h;
      if (stopped) h.abort(); // stop() ran before the handle was set
    }

    /** Aborts the task, now or as soon as it has been spawned. */
    void stop() {
      stopped = true;
      AbortHandle h = handle;
      if (h != null) h.abort();
    }

    Reaper(long firstWake) {
      this.firstWake = Math.max(1, firstWake);
    }

    @Override
    public Poll<Void> poll(Context cx) {
      if (firstWake != 0) {
        sleep = Time.sleepUntil(firstWake);
        firstWake = 0;
      }
      while (true) {
        if (sleep != null) {
          if (sleep.poll(cx).isPending()) return Poll.pending();
          sleep = null;
        }
        long next = reap(this, Time.now());
        if (next < 0) return Poll.ready(null);
        sleep = Time.sleepUntil(next);
      }
    }

    @Override
    public void cancel() {
      if (sleep != null) {
        sleep.cancel();
        sleep = null;
      }
      detach(this);
    }
  }
}
