package io.kyoto.runtime.io;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.ThrowingFunction;
import io.kyoto.runtime.internal.task.Cancel;

/**
 * The future behind {@link Io#using}: runs the body, then always {@code closeAsync()} and {@code
 * close()} the resource.
 *
 * <p>States: the body runs ({@code closing == null}, {@code finished == false}); then the graceful
 * close runs ({@code closing != null}); then {@code close()} has run ({@code finished}). A cancel
 * in either of the first two states cancels what is running and calls {@code close()} at once.
 */
final class Using<R extends AsyncCloseable, T> implements Future<T> {
  /** Looked up on first use: {@code System.getLogger} costs tens of ms at start-up. */
  private static final class Log {
    static final System.Logger LOG = System.getLogger(Io.class.getName());

    private Log() {}
  }

  private final R resource;
  private final ThrowingFunction<? super R, ? extends Future<T>> body;
  private Future<T> running;
  private boolean bodyDone;
  private Future<Void> closing;
  private boolean finished;
  private T value;
  private Exception failure;

  Using(R resource, ThrowingFunction<? super R, ? extends Future<T>> body) {
    this.resource = resource;
    this.body = body;
  }

  @Override
  public Poll<T> poll(Context cx) throws Exception {
    if (finished) {
      throw new IllegalStateException("a completed Io.using future was polled again");
    }
    if (!bodyDone && pollBody(cx).isPending()) {
      return Poll.pending();
    }
    if (closing != null) {
      try {
        if (closing.poll(cx).isPending()) {
          return Poll.pending();
        }
      } catch (Exception e) {
        Cancel.afterFailure(closing, e);
        addFailure(e);
      } catch (Error e) {
        finished = true;
        Cancel.afterFailure(closing, e); // dropped: this future's cancel() will not reach it
        closing = null;
        closeQuietly();
        throw e;
      }
      closing = null;
    }
    finished = true;
    try {
      resource.close();
    } catch (RuntimeException e) {
      addFailure(e);
    }
    if (failure != null) {
      throw failure;
    }
    T result = value;
    value = null;
    return Poll.ready(result);
  }

  /** Polls the body; once it has an outcome, starts the graceful close. */
  private Poll<Void> pollBody(Context cx) {
    try {
      if (running == null) {
        running = body.apply(resource);
        if (running == null) {
          throw new NullPointerException("the Io.using body returned null instead of a future");
        }
      }
      Poll<T> p = running.poll(cx);
      if (p.isPending()) {
        return Poll.pending();
      }
      value = p.value();
    } catch (Exception e) {
      Cancel.afterFailure(running, e); // dropped here: the close comes next
      failure = e;
    } catch (Error e) {
      // Not an outcome we can finish gracefully: release the resource and let the error through.
      // The body is dropped here, as after an exception: this future's cancel() will not reach it.
      finished = true;
      Cancel.afterFailure(running, e);
      running = null;
      closeQuietly();
      throw e;
    }
    running = null;
    bodyDone = true;
    try {
      closing = resource.closeAsync();
      if (closing == null) {
        throw new NullPointerException("closeAsync() returned null instead of a future");
      }
    } catch (Exception e) {
      closing = null;
      addFailure(e);
    }
    return Poll.ready(null);
  }

  private void addFailure(Exception e) {
    if (failure == null) {
      failure = e;
    } else if (failure != e) {
      failure.addSuppressed(e);
    }
  }

  @Override
  public void cancel() {
    if (finished) {
      return;
    }
    finished = true;
    Future<?> r = running;
    Future<?> c = closing;
    running = null;
    closing = null;
    // A cancel that throws must not keep the resource open: the close runs either way.
    try {
      if (r != null) {
        r.cancel();
      }
    } finally {
      try {
        if (c != null) {
          c.cancel();
        }
      } finally {
        closeQuietly();
      }
    }
  }

  private void closeQuietly() {
    try {
      resource.close();
    } catch (RuntimeException e) {
      Log.LOG.log(System.Logger.Level.WARNING, "close() failed while cancelling Io.using", e);
    }
  }
}
