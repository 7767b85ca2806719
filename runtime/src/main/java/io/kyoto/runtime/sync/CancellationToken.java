package io.kyoto.runtime.sync;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.internal.sync.WaitList;
import io.kyoto.runtime.internal.sync.WakeList;
import io.kyoto.runtime.internal.task.Cancel;
import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A signal that asks tasks to stop, shared by reference and arranged in a tree (tokio-util's {@code
 * CancellationToken}).
 *
 * <p>{@link #cancel()} sets the token, completes every {@link #cancelled()} future, and cancels
 * every token made by {@link #childToken()}, recursively. Cancelling a child does not cancel its
 * parent. A child of a cancelled token starts cancelled. Cancellation is for good: a token is never
 * reset. Share the same token object where tokio would {@code clone} it.
 *
 * {@snippet :
 * CancellationToken shutdown = new CancellationToken();
 * Task.spawn(shutdown.runUntilCancelled(serveForever()));
 * // later, from anywhere
 * shutdown.cancel();
 * }
 *
 * <h2>Memory</h2>
 *
 * <p>Java has no destructor to tell a parent that a child was dropped, so a parent refers to its
 * children through weak references: a child token that nothing else refers to (no variable, no
 * pending {@code cancelled()} future in a live task, no live descendant) is collected, and its
 * entry in the parent is pruned as children are added. A child that is cancelled leaves its parent
 * once its {@code cancel()} returns. A child refers strongly to its parent, so a live descendant
 * keeps the chain to the root alive. A long-lived parent therefore does not accumulate children
 * that are gone.
 *
 * <p><b>Thread safety:</b> thread safe. {@code cancel()} may race with {@code childToken()} on any
 * thread: every child is either created cancelled or cancelled by the time {@code cancel()}
 * returns, and so is every descendant, even when other threads cancel the same token or part of its
 * subtree at the same time (a call that finds a token already cancelled walks its subtree too).
 * Cancelling a tree is not atomic: a task may observe a child cancelled before its parent.
 */
public final class CancellationToken {
  private final CancellationToken parent;
  private final Object lock = new Object();
  private volatile boolean cancelled; // written under lock
  private Set<WeakReference<CancellationToken>> children; // guarded by lock; null when cancelled
  private int pruneAt = 16; // guarded by lock
  private WeakReference<CancellationToken> inParent; // this token's entry in parent.children
  private final WaitList<Waiter> waiters = new WaitList<>(); // guarded by lock
  // The children when the token was cancelled. Frozen from then on (childToken and a child's
  // detach no longer touch a cancelled token's entries), so a cancel() that finds the token
  // already cancelled, by a thread that may still be walking the subtree, walks them too.
  private Set<WeakReference<CancellationToken>> cancelledChildren; // guarded by lock
  private volatile boolean subtreeCancelled; // a cancel() of this token walked its whole subtree

  /** Creates a token that is not cancelled, with no parent. */
  public CancellationToken() {
    this(null);
  }

  private CancellationToken(CancellationToken parent) {
    this.parent = parent;
  }

  /** A pending {@link #cancelled()} future. */
  private static final class Waiter extends WaitList.Node<Waiter> {
    Waker waker; // guarded by lock
  }

  /** {@return whether the token was cancelled, directly or through an ancestor} */
  public boolean isCancelled() {
    return cancelled;
  }

  /**
   * {@return a new token that is cancelled when this one is} Cancelling the child does not cancel
   * this token. If this token is already cancelled, the child starts cancelled.
   */
  public CancellationToken childToken() {
    CancellationToken child = new CancellationToken(this);
    synchronized (lock) {
      if (cancelled) {
        child.cancelled = true;
        return child;
      }
      if (children == null) {
        children = Collections.newSetFromMap(new IdentityHashMap<>());
      }
      if (children.size() >= pruneAt) {
        children.removeIf(ref -> ref.get() == null);
        pruneAt = Math.max(16, children.size() * 2);
      }
      WeakReference<CancellationToken> ref = new WeakReference<>(child);
      child.inParent = ref;
      children.add(ref);
    }
    return child;
  }

  /**
   * Cancels this token and all its descendants, and completes their {@link #cancelled()} futures.
   * Idempotent. When it returns, every descendant is cancelled.
   */
  public void cancel() {
    if (subtreeCancelled) {
      return;
    }
    ArrayDeque<CancellationToken> work = new ArrayDeque<>();
    work.push(this);
    boolean first = true;
    boolean detach = false;
    RuntimeException failed = null; // from a waker: rethrown once the whole subtree is cancelled
    while (!work.isEmpty()) {
      CancellationToken t = work.pop();
      boolean isFirst = first;
      first = false;
      if (t.subtreeCancelled) {
        continue; // every descendant of t is cancelled already
      }
      Set<WeakReference<CancellationToken>> kids;
      WakeList wakes = new WakeList();
      boolean won = false;
      synchronized (t.lock) {
        if (t.cancelled) {
          // Another cancel() got here first and may still be walking t's subtree: walk it too,
          // so that this call also returns only once every descendant is cancelled.
          kids = t.cancelledChildren;
        } else {
          won = true;
          t.cancelled = true;
          kids = t.children;
          t.children = null;
          t.cancelledChildren = kids;
          Waiter w;
          while ((w = t.waiters.popFirst()) != null) {
            wakes.add(w.waker);
            w.waker = null;
          }
        }
      }
      detach |= isFirst && won;
      try {
        wakes.wakeAll();
      } catch (RuntimeException e) {
        if (failed == null) {
          failed = e;
        }
      }
      if (kids != null) {
        for (WeakReference<CancellationToken> ref : kids) {
          CancellationToken k = ref.get();
          if (k != null) {
            work.push(k);
          }
        }
      }
    }
    subtreeCancelled = true;
    synchronized (lock) {
      cancelledChildren = null; // later walks stop at this token
    }
    if (detach) {
      // Only now: until its subtree is cancelled, an ancestor's cancel() must still find it.
      detachFromParent();
    }
    if (failed != null) {
      throw failed;
    }
  }

  private void detachFromParent() {
    CancellationToken p = parent;
    WeakReference<CancellationToken> ref = inParent;
    if (p != null && ref != null) {
      synchronized (p.lock) {
        if (p.children != null) {
          p.children.remove(ref);
        }
      }
    }
  }

  /**
   * {@return a future that completes when this token is cancelled} Ready at once if it already is.
   *
   * <p><b>Cancel safety:</b> cancel safe; cancelling only removes the registration.
   */
  public Future<Void> cancelled() {
    return new Cancelled();
  }

  /**
   * {@return a future that runs {@code future} until it completes or this token is cancelled}
   * (tokio-util's {@code run_until_cancelled}). It completes with the value in an {@link Optional},
   * or with {@link Optional#empty()} once the token is cancelled, cancelling {@code future}. The
   * token is checked before {@code future} at every poll, so a cancelled token never lets {@code
   * future} start, and cancellation wins a tie. A failure of {@code future} fails the result.
   *
   * <p>A value of {@code null} (a {@code Future<Void>}) also comes out as {@link Optional#empty()};
   * ask {@link #isCancelled()} when the difference matters.
   *
   * <p><b>Cancel safety:</b> as cancel safe as {@code future}: cancelling cancels it.
   *
   * @param future the work
   * @param <T> the value's type
   */
  public <T> Future<Optional<T>> runUntilCancelled(Future<T> future) {
    Objects.requireNonNull(future, "future");
    Future<Void> signal = cancelled();
    return new Future<>() {
      private boolean done;

      @Override
      public Poll<Optional<T>> poll(Context cx) throws Exception {
        if (done) {
          throw new IllegalStateException("a completed runUntilCancelled was polled again");
        }
        if (signal.poll(cx).isReady()) {
          done = true;
          future.cancel();
          return Poll.ready(Optional.empty());
        }
        Poll<T> p;
        try {
          p = future.poll(cx);
        } catch (Throwable t) {
          done = true;
          Cancel.afterFailure(future, t); // dropped: cancel() is a no-op once done
          signal.cancel();
          throw t;
        }
        if (p.isPending()) {
          return Poll.pending();
        }
        done = true;
        signal.cancel();
        return Poll.ready(Optional.ofNullable(p.value()));
      }

      @Override
      public void cancel() {
        if (!done) {
          done = true;
          signal.cancel();
          future.cancel();
        }
      }
    };
  }

  /**
   * {@return a guard that cancels this token when closed, unless {@linkplain DropGuard#disarm()
   * disarmed}} (tokio-util's {@code drop_guard}).
   */
  public DropGuard dropGuard() {
    return new DropGuard(this);
  }

  private final class Cancelled implements Future<Void> {
    private Waiter node;

    @Override
    public Poll<Void> poll(Context cx) {
      if (cancelled) {
        forget();
        return Poll.ready(null);
      }
      if (!cx.tryConsumeBudget()) {
        cx.waker().wake();
        return Poll.pending();
      }
      synchronized (lock) {
        if (!cancelled) {
          if (node == null) {
            node = new Waiter();
            waiters.pushBack(node);
          }
          node.waker = cx.waker();
          return Poll.pending();
        }
      }
      node = null; // cancel() unlinked it
      return Poll.ready(null);
    }

    private void forget() {
      Waiter w = node;
      node = null;
      if (w != null) {
        synchronized (lock) {
          waiters.remove(w);
          w.waker = null;
        }
      }
    }

    @Override
    public void cancel() {
      forget();
    }
  }

  /** {@return the number of child entries kept (live or not yet pruned); for tests} */
  int childCount() {
    synchronized (lock) {
      return children == null ? 0 : children.size();
    }
  }

  /** {@return the number of registered {@code cancelled()} futures; for tests} */
  int waiterCount() {
    synchronized (lock) {
      return waiters.size();
    }
  }

  @Override
  public String toString() {
    return "CancellationToken{" + (cancelled ? "cancelled" : "active") + "}";
  }
}
