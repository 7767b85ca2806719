package io.kyoto.web.fs;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.stream.Stream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A byte range of a file as a stream of chunks, each read on the blocking pool when the consumer
 * asks for it. The channel is opened by the first read and closed at the end or on cancel.
 */
final class FileChunks implements Stream<ByteBuffer> {
  private final Path path;
  private final int chunkSize;
  private long position;
  private long remaining;
  private volatile FileChannel channel;
  private JoinHandle<ByteBuffer> inFlight;
  private volatile boolean closed;

  FileChunks(Path path, long start, long length, int chunkSize) {
    this.path = path;
    this.position = start;
    this.remaining = length;
    this.chunkSize = chunkSize;
  }

  @Override
  public Poll<ByteBuffer> pollNext(Context cx) throws Exception {
    if (closed) return Stream.end();
    if (remaining == 0) {
      closeChannel();
      return Stream.end();
    }
    if (inFlight == null) {
      long at = position;
      int n = (int) Math.min(chunkSize, remaining);
      inFlight = Task.spawnBlocking(() -> read(at, n));
    }
    Poll<ByteBuffer> p;
    try {
      p = inFlight.poll(cx);
    } catch (Exception e) {
      inFlight = null;
      closeChannel();
      throw e;
    }
    if (p.isPending()) return p;
    inFlight = null;
    ByteBuffer chunk = p.value();
    position += chunk.remaining();
    remaining -= chunk.remaining();
    return p;
  }

  private ByteBuffer read(long at, int n) throws IOException {
    FileChannel ch = channel;
    if (ch == null) {
      ch = FileChannel.open(path, StandardOpenOption.READ);
      channel = ch;
      if (closed) {
        ch.close();
        throw new IOException("file body cancelled");
      }
    }
    ByteBuffer b = ByteBuffer.allocate(n);
    while (b.hasRemaining()) {
      int r = ch.read(b, at + b.position());
      if (r < 0) throw new EOFException("file " + path + " shrank while being sent");
    }
    return b.flip();
  }

  private void closeChannel() {
    closed = true;
    FileChannel ch = channel;
    channel = null;
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // nothing to do
      }
    }
  }

  @Override
  public void cancel() {
    if (inFlight != null) {
      // Stop waiting first: abort alone keeps the waker, and the job's end (a read already
      // running cannot be stopped) would wake a task that no longer reads this body.
      inFlight.cancel();
      inFlight.abort();
      inFlight = null;
    }
    closeChannel();
  }
}
