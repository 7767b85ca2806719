package io.kyoto.runtime.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Cancels a {@link CancellationToken} when closed, unless disarmed (tokio-util's {@code
 * DropGuard}): Java's try-with-resources in place of Rust's drop.
 *
 * {@snippet :
 * try (DropGuard guard = token.dropGuard()) {
 *   // work; leaving the block by any path cancels the token
 * }
 * }
 *
 * <p><b>Thread safety:</b> thread safe; of racing {@link #close()} and {@link #disarm()} calls,
 * exactly one wins.
 */
public final class DropGuard implements AutoCloseable {
  private static final VarHandle TOKEN;

  static {
    try {
      TOKEN =
          MethodHandles.lookup().findVarHandle(DropGuard.class, "token", CancellationToken.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile CancellationToken token; // null once closed or disarmed

  DropGuard(CancellationToken token) {
    this.token = token;
  }

  /**
   * Disarms the guard: closing it will no longer cancel the token.
   *
   * @return the token
   * @throws IllegalStateException if the guard was already closed or disarmed
   */
  public CancellationToken disarm() {
    CancellationToken t = (CancellationToken) TOKEN.getAndSet(this, null);
    if (t == null) {
      throw new IllegalStateException("the drop guard was already closed or disarmed");
    }
    return t;
  }

  /** Cancels the token, unless the guard was disarmed; later calls do nothing. */
  @Override
  public void close() {
    CancellationToken t = (CancellationToken) TOKEN.getAndSet(this, null);
    if (t != null) {
      t.cancel();
    }
  }

  @Override
  public String toString() {
    return token == null ? "DropGuard{disarmed}" : "DropGuard{armed}";
  }
}
