package io.kyoto.runtime;

import io.kyoto.runtime.internal.task.Cancel;

/**
 * {@link Futures#using}: runs a body with a resource that closes synchronously, and closes it
 * exactly once when the body completes, fails, or is cancelled.
 */
final class UsingResource<R extends AutoCloseable, T> implements Future<T> {
  /** Looked up on first use: {@code System.getLogger} costs tens of ms at start-up. */
  private static final class Log {
    static final System.Logger LOG = System.getLogger(Futures.class.getName());

    private Log() {}
  }

  private final R resource;
  private final ThrowingFunction<? super R, ? extends Future<T>> body;
  private Future<T> running;
  private boolean finished;

  UsingResource(R resource, ThrowingFunction<? super R, ? extends Future<T>> body) {
    this.resource = resource;
    this.body = body;
  }

  @Override
  public Poll<T> poll(Context cx) throws Exception {
    if (finished) {
      throw new IllegalStateException("a completed Futures.using future was polled again");
    }
    Poll<T> p;
    try {
      if (running == null) {
        running = body.apply(resource);
        if (running == null) {
          throw new NullPointerException(
              "the Futures.using body returned null instead of a future");
        }
      }
      p = running.poll(cx);
    } catch (Exception e) {
      finished = true;
      Cancel.afterFailure(running, e); // dropped here, as after any failure
      running = null;
      try {
        resource.close();
      } catch (Exception closing) {
        if (closing != e) {
          e.addSuppressed(closing);
        }
      }
      throw e;
    } catch (Error e) {
      finished = true;
      Cancel.afterFailure(running, e);
      running = null;
      closeQuietly("after an error");
      throw e;
    }
    if (p.isPending()) {
      return p;
    }
    finished = true;
    running = null;
    resource.close(); // a failure here fails the future: the body's value is not delivered
    return p;
  }

  @Override
  public void cancel() {
    if (finished) {
      return;
    }
    finished = true;
    Future<T> r = running;
    running = null;
    try {
      if (r != null) {
        r.cancel();
      }
    } finally {
      closeQuietly("while cancelling");
    }
  }

  private void closeQuietly(String when) {
    try {
      resource.close();
    } catch (Exception e) {
      Log.LOG.log(System.Logger.Level.WARNING, "close() failed " + when + " Futures.using", e);
    }
  }

  @Override
  public String toString() {
    return "Futures.using[" + (running != null ? running : resource) + "]";
  }
}
