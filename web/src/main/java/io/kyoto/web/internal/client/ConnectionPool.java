package io.kyoto.web.internal.client;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Idle keep-alive connections per {@code host:port}, most recently used first; connections idle
 * longer than the idle timeout are closed when met.
 */
public final class ConnectionPool {
  private final int maxIdlePerHost;
  private final long idleTimeoutNanos;
  private final Map<String, ArrayDeque<ClientConnection>> idle = new HashMap<>();
  private boolean closed;

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

  synchronized ClientConnection take(String key, long now) {
    ArrayDeque<ClientConnection> q = idle.get(key);
    while (q != null && !q.isEmpty()) {
      ClientConnection c = q.pollFirst();
      if (now - c.idleSince < idleTimeoutNanos && !c.isClosed()) return c;
      c.close();
    }
    return null;
  }

  void give(ClientConnection c, long now) {
    c.in.releaseIfEmpty();
    c.out.releaseIfEmpty();
    ClientConnection evicted = null;
    synchronized (this) {
      if (!closed && maxIdlePerHost > 0) {
        c.idleSince = now;
        ArrayDeque<ClientConnection> q = idle.computeIfAbsent(c.key, k -> new ArrayDeque<>());
        q.addFirst(c);
        if (q.size() > maxIdlePerHost) evicted = q.pollLast();
        c = null;
      }
    }
    if (c != null) c.close();
    if (evicted != null) evicted.close();
  }

  /** {@return the idle connections held} */
  public synchronized int idleCount() {
    int n = 0;
    for (ArrayDeque<ClientConnection> q : idle.values()) n += q.size();
    return n;
  }

  /** Closes every idle connection; connections given back later are closed too. */
  public void close() {
    Map<String, ArrayDeque<ClientConnection>> all;
    synchronized (this) {
      closed = true;
      all = new HashMap<>(idle);
      idle.clear();
    }
    for (ArrayDeque<ClientConnection> q : all.values()) q.forEach(ClientConnection::close);
  }
}
