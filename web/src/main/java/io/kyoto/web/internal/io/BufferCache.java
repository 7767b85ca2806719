package io.kyoto.web.internal.io;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Per-thread free lists of 16 KiB heap buffers, so that an idle keep-alive connection holds no
 * buffer: it gives its input and output buffers back while it waits, and takes them again when
 * bytes arrive. Buffers move between threads freely (a connection may run on any worker); each list
 * is touched by its own thread only.
 */
public final class BufferCache {
  /** The size of a cached buffer. */
  public static final int SIZE = 16 * 1024;

  private static final int MAX_PER_THREAD = 256;
  private static final ThreadLocal<ArrayDeque<ByteBuffer>> FREE =
      ThreadLocal.withInitial(() -> new ArrayDeque<>(64));

  private BufferCache() {}

  /** {@return a cleared buffer of {@link #SIZE} bytes, in fill mode} */
  public static ByteBuffer take() {
    ByteBuffer b = FREE.get().pollFirst();
    return b == null ? ByteBuffer.allocate(SIZE) : b.clear();
  }

  /**
   * Gives {@code buffer} back; one of another size is left to the garbage collector, which is how a
   * buffer that grew for a large head shrinks again.
   *
   * @param buffer a buffer no longer referenced by its owner
   */
  public static void give(ByteBuffer buffer) {
    if (buffer.capacity() != SIZE || buffer.isReadOnly()) return;
    ArrayDeque<ByteBuffer> free = FREE.get();
    if (free.size() < MAX_PER_THREAD) free.addFirst(buffer);
  }
}
