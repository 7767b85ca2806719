package io.kyoto.runtime.internal.task;

import java.util.ArrayList;
import java.util.List;

/**
 * The runtime's alive tasks, for shutdown (abort them all) and metrics: tokio's {@code OwnedTasks},
 * a sharded intrusive list.
 *
 * <p>Each task links into the shard chosen by its id, under that shard's monitor, through its own
 * {@code ownedPrev}/{@code ownedNext} fields: adding and removing allocate nothing and take one
 * uncontended lock, where a concurrent hash set costs a node and several CASes per spawn. Shards
 * keep two workers spawning and completing tasks from contending on one lock.
 *
 * <p>Only tasks that have been pending once are listed (see {@link Scheduler#onFirstPending}): a
 * task that completes in its first poll, the common case of short tasks, never takes a lock here.
 * {@link #add} and {@link #remove} are called by the task's runner only, so {@link #remove} can
 * skip the lock for a task that was never added.
 */
public final class OwnedTasks {
  private final Shard[] shards;
  private final int mask;

  private static final class Shard {
    TaskCore<?> head; // under this
    int count; // under this; read racily by size()
  }

  /**
   * Creates the list.
   *
   * @param concurrency roughly how many threads spawn and complete tasks at once
   */
  public OwnedTasks(int concurrency) {
    int n = Integer.highestOneBit(Math.max(1, concurrency * 4) * 2 - 1);
    shards = new Shard[n];
    for (int i = 0; i < n; i++) {
      shards[i] = new Shard();
    }
    mask = n - 1;
  }

  // Spreads tasks over the shards in turn. Racy on purpose: a lost increment only puts two tasks in
  // one shard; an atomic here would be one more contended operation per task.
  private int nextShard;

  /**
   * Adds a new task.
   *
   * @param task a task not yet in the list
   */
  public void add(TaskCore<?> task) {
    int index = nextShard++ & mask;
    Shard s = shards[index];
    synchronized (s) {
      TaskCore<?> h = s.head;
      task.ownedNext = h;
      task.ownedPrev = null;
      if (h != null) {
        h.ownedPrev = task;
      }
      s.head = task;
      task.setOwnedIn(index + 1);
      s.count++;
    }
  }

  /**
   * Removes a task; a no-op if it is not in the list.
   *
   * @param task the task
   */
  public void remove(TaskCore<?> task) {
    int in = task.ownedIn();
    if (in == 0) {
      return; // never added; only the runner writes the shard, and the runner is calling
    }
    Shard s = shards[in - 1];
    synchronized (s) {
      if (task.ownedIn() == 0) {
        return;
      }
      TaskCore<?> p = task.ownedPrev;
      TaskCore<?> n = task.ownedNext;
      if (p != null) {
        p.ownedNext = n;
      } else {
        s.head = n;
      }
      if (n != null) {
        n.ownedPrev = p;
      }
      task.ownedPrev = null;
      task.ownedNext = null;
      task.setOwnedIn(0);
      s.count--;
    }
  }

  /** {@return how many tasks are in the list (a moment's sum over the shards)} */
  public int size() {
    int total = 0;
    for (Shard s : shards) {
      synchronized (s) {
        total += s.count;
      }
    }
    return total;
  }

  /** {@return a copy of the tasks in the list, for shutdown} */
  public List<TaskCore<?>> snapshot() {
    List<TaskCore<?>> out = new ArrayList<>();
    for (Shard s : shards) {
      synchronized (s) {
        for (TaskCore<?> t = s.head; t != null; t = t.ownedNext) {
          out.add(t);
        }
      }
    }
    return out;
  }
}
