package io.kyoto.web.internal.h1;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Helpers for the HTTP/1 codec tests. */
final class H1TestSupport {
  private H1TestSupport() {}

  /** ISO-8859-1 bytes of {@code s}. */
  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** A heap buffer in read mode holding {@code s}. */
  static ByteBuffer heap(String s) {
    return ByteBuffer.wrap(bytes(s));
  }

  /** A direct buffer in read mode holding {@code s}, starting at a non-zero position. */
  static ByteBuffer direct(String s) {
    byte[] b = bytes(s);
    ByteBuffer buf = ByteBuffer.allocateDirect(b.length + 3);
    buf.put(new byte[] {'x', 'y', 'z'}).put(b).flip();
    buf.position(3);
    return buf;
  }

  /** Drains {@code in} through {@code d}, returning the body bytes, or null if not done. */
  static byte[] drain(ChunkedDecoder d, ByteBuffer in) throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    while (true) {
      ByteBuffer data = d.decode(in);
      if (data == null) return out.toByteArray();
      if (!data.hasRemaining()) return d.isDone() ? out.toByteArray() : null;
      byte[] chunk = new byte[data.remaining()];
      data.get(chunk);
      out.write(chunk);
    }
  }
}
