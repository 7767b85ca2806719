package io.kyoto.runtime.process;

import io.kyoto.reactor.PipeReceiver;
import io.kyoto.reactor.PipeSender;
import io.kyoto.reactor.Source;
import io.kyoto.runtime.internal.io.RawStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Adapts the parent's end of a child's pipe to the stream engine ({@link
 * io.kyoto.runtime.internal.io.StreamCore}) that runs the runtime's sockets: one of the two ends is
 * set, and only its direction is used.
 */
record PipeRaw(PipeReceiver receiver, PipeSender sender) implements RawStream {
  static PipeRaw reading(PipeReceiver receiver) {
    return new PipeRaw(receiver, null);
  }

  static PipeRaw writing(PipeSender sender) {
    return new PipeRaw(null, sender);
  }

  @Override
  public Source source() {
    return receiver != null ? receiver : sender;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return receiver.read(dst);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    return sender.write(src);
  }

  /** Writes the first buffer with bytes left: a pipe end has no gathering write here. */
  @Override
  public long write(ByteBuffer[] srcs) throws IOException {
    for (ByteBuffer b : srcs) {
      if (b.hasRemaining()) {
        return sender.write(b);
      }
    }
    return 0;
  }

  /** A pipe's write side ends when it is closed: {@code ChildStdin} closes it instead. */
  @Override
  public void shutdownOutput() throws IOException {
    close();
  }

  @Override
  public boolean finishConnect() {
    return true;
  }

  @Override
  public void close() throws IOException {
    source().close();
  }
}
