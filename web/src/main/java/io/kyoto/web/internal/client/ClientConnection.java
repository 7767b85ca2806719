package io.kyoto.web.internal.client;

import io.kyoto.runtime.net.TcpStream;
import io.kyoto.web.internal.io.InBuffer;
import io.kyoto.web.internal.io.OutBuffer;

/** One pooled client connection: the socket and its buffers. */
public final class ClientConnection {
  final TcpStream stream;
  final InBuffer in;
  final OutBuffer out = new OutBuffer();
  final String key;
  long idleSince;
  int uses;
  private boolean closed;

  ClientConnection(String key, TcpStream stream, int maxHeadBytes) {
    this.key = key;
    this.stream = stream;
    this.in = new InBuffer(stream, maxHeadBytes);
  }

  void close() {
    if (closed) return;
    closed = true;
    stream.close();
  }

  boolean isClosed() {
    return closed;
  }
}
