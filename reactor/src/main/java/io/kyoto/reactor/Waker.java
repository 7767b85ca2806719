package io.kyoto.reactor;

import io.kyoto.reactor.internal.WakerHandle;
import java.io.IOException;
import java.util.Objects;

/**
 * Wakes a {@link Poll} blocked in {@link Poll#poll} from any thread.
 *
 * <p>When woken, the poll returns an event carrying the waker's {@link Token} with {@link
 * Event#isReadable()} set. Wakes that happen before the poll observes them coalesce into one event.
 * A poll supports one waker (as in mio): create it once and share it.
 *
 * <p>
 *
 * {@snippet :
 * Waker waker = Waker.create(poll.registry(), new Token(Long.MAX_VALUE));
 * // on another thread, after queueing work for the polling thread:
 * waker.wake();
 * }
 *
 * <p><b>Thread safety:</b> thread safe. {@link #wake()} is cheap (one {@code eventfd} write on the
 * epoll backend) and never blocks.
 */
public final class Waker {
  private final Poll poll;
  private final WakerHandle handle;
  private final Token token;

  private Waker(Poll poll, WakerHandle handle, Token token) {
    this.poll = poll;
    this.handle = handle;
    this.token = token;
  }

  /**
   * Creates the waker of the registry's poll.
   *
   * @param registry the registry of the poll to wake
   * @param token the token of the wake-up event
   * @return the waker
   * @throws IOException if the operating system refuses the waker's descriptor
   * @throws IllegalStateException if the poll already has a waker, or is closed
   */
  public static Waker create(Registry registry, Token token) throws IOException {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(token, "token");
    Poll poll = registry.poll();
    if (!poll.claimWaker()) {
      throw new IllegalStateException("this Poll already has a Waker; share that one");
    }
    WakerHandle handle;
    boolean created = false;
    try {
      var selector = poll.enter();
      try {
        handle = selector.createWaker(token.value());
        created = true;
      } finally {
        poll.exit();
      }
    } finally {
      if (!created) {
        poll.releaseWakerClaim(); // no Waker came of it (a closed poll, EMFILE): a retry may
      }
    }
    return new Waker(poll, handle, token);
  }

  /**
   * Wakes the poll. Has no effect once the poll is closed.
   *
   * @throws IOException if the operating system fails the wake-up write
   */
  public void wake() throws IOException {
    if (!poll.tryEnter()) {
      return;
    }
    try {
      handle.wake();
    } finally {
      poll.exit();
    }
  }

  /** {@return the token reported when woken} */
  public Token token() {
    return token;
  }
}
