package io.kyoto.runtime.sync;

/**
 * The failure of an acquire future of a {@link Semaphore} that was {@linkplain Semaphore#close()
 * closed} before, or while, the future waited (tokio's {@code AcquireError}).
 */
public final class AcquireException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public AcquireException() {
    super("semaphore closed");
  }
}
