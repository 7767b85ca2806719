package io.kyoto.web.internal.client;

import io.kyoto.runtime.io.AsyncCloseable;
import io.kyoto.runtime.io.AsyncRead;
import io.kyoto.runtime.io.AsyncWrite;
import io.kyoto.web.internal.io.InBuffer;
import io.kyoto.web.internal.io.OutBuffer;

/** One pooled client connection: the transport (TCP, or TLS over TCP) and its buffers. */
public final class ClientConnection {
  final AsyncRead reader;
  final AsyncWrite writer;
  final AsyncCloseable closer;
  final InBuffer in;
  final OutBuffer out = new OutBuffer();
  final String key;
  long idleSince;
  int uses;
  private boolean closed;

  <S extends AsyncRead & AsyncWrite & AsyncCloseable> ClientConnection(
      String key, S stream, int maxHeadBytes) {
    this.key = key;
    this.reader = stream;
    this.writer = stream;
    this.closer = stream;
    this.in = new InBuffer(stream, maxHeadBytes);
  }

  void close() {
    if (closed) return;
    closed = true;
    closer.close();
  }

  boolean isClosed() {
    return closed;
  }
}
