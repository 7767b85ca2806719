package io.kyoto.runtime.net;

import io.kyoto.reactor.Source;
import io.kyoto.reactor.TcpStream;
import io.kyoto.runtime.internal.io.RawStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Adapts a reactor {@link TcpStream} to the stream engine. */
record TcpRaw(TcpStream stream) implements RawStream {
  @Override
  public Source source() {
    return stream;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return stream.read(dst);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    return stream.write(src);
  }

  @Override
  public long write(ByteBuffer[] srcs) throws IOException {
    return stream.write(srcs);
  }

  @Override
  public void shutdownOutput() throws IOException {
    stream.shutdownOutput();
  }

  @Override
  public boolean finishConnect() throws IOException {
    return stream.finishConnect();
  }

  @Override
  public void close() throws IOException {
    stream.close();
  }
}
