package io.kyoto.reactor.internal.nio;

import io.kyoto.reactor.internal.IoCodes;
import io.kyoto.reactor.internal.PipeHandle;
import io.kyoto.reactor.internal.Readiness;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One end of a {@link Pipe}: its {@link Pipe.SourceChannel} (the read end) or its {@link
 * Pipe.SinkChannel} (the write end), non-blocking.
 *
 * <p>A source channel can only be selected for {@code OP_READ} and a sink channel for {@code
 * OP_WRITE}, so an interest in the other direction arms nothing. The JDK reports a hang-up or an
 * error as readiness of every armed operation: the read end turns readable when the write end is
 * closed (a read then returns end of stream) and the write end writable when the read end is (a
 * write then fails). The JDK does not reveal a channel's descriptor: {@link #descriptorPath()} is
 * empty.
 */
final class NioPipe extends NioSource implements PipeHandle {
  private final Pipe.SourceChannel source;
  private final Pipe.SinkChannel sink;

  private NioPipe(Pipe.SourceChannel source, Pipe.SinkChannel sink) {
    super(source != null ? source : sink);
    this.source = source;
    this.sink = sink;
  }

  static NioPipe readEnd(Pipe.SourceChannel source) {
    return new NioPipe(source, null);
  }

  static NioPipe writeEnd(Pipe.SinkChannel sink) {
    return new NioPipe(null, sink);
  }

  @Override
  int opsFor(int interest) {
    if (source != null) {
      return (interest & Readiness.READABLE) != 0 ? SelectionKey.OP_READ : 0;
    }
    return (interest & Readiness.WRITABLE) != 0 ? SelectionKey.OP_WRITE : 0;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (source == null) {
      throw new IOException("read: this is the write end of the pipe");
    }
    int n = source.read(dst);
    if (n > 0) {
      return n;
    }
    if (n < 0) {
      return IoCodes.EOF;
    }
    if (!dst.hasRemaining()) {
      return 0;
    }
    rearm(Readiness.READABLE);
    return IoCodes.WOULD_BLOCK;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    if (sink == null) {
      throw new IOException("write: this is the read end of the pipe");
    }
    int n = sink.write(src);
    if (n > 0 || !src.hasRemaining()) {
      return n;
    }
    rearm(Readiness.WRITABLE);
    return IoCodes.WOULD_BLOCK;
  }

  @Override
  public Optional<Path> descriptorPath() throws IOException {
    if (!isOpen()) {
      throw new ClosedChannelException();
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return isOpen() ? "pipe " + (source != null ? "read" : "write") + " end" : "closed";
  }
}
