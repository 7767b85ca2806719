package io.kyoto.web.ws;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.io.AsyncRead;
import io.kyoto.runtime.io.DuplexStream;
import io.kyoto.web.Upgraded;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Test helpers: an {@link Upgraded} over a duplex end, and raw frame writing and reading. */
final class WsTestSupport {
  private WsTestSupport() {}

  /** The server side of an in-memory connection, as the HTTP server would hand it over. */
  static final class PipeUpgraded implements Upgraded {
    final DuplexStream io;

    PipeUpgraded(DuplexStream io) {
      this.io = io;
    }

    @Override
    public Poll<Void> pollRead(Context cx, ByteBuffer dst) throws IOException {
      return io.pollRead(cx, dst);
    }

    @Override
    public Poll<Void> pollWrite(Context cx, ByteBuffer src) throws IOException {
      return io.pollWrite(cx, src);
    }

    @Override
    public Poll<Void> pollFlush(Context cx) throws IOException {
      return io.pollFlush(cx);
    }

    @Override
    public Poll<Void> pollShutdown(Context cx) throws IOException {
      return io.pollShutdown(cx);
    }

    @Override
    public Future<Void> closeAsync() {
      return io.closeAsync();
    }

    @Override
    public void close() {
      io.close();
    }
  }

  /** A decoded frame as seen on the wire. */
  record Frame(boolean fin, int rsv, int opcode, boolean masked, int lengthBytes, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    int closeCode() {
      if (opcode != 8) throw new AssertionError("not a close frame: opcode " + opcode);
      return payload.length < 2 ? 1005 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    }

    String closeReason() {
      return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }
  }

  static final byte[] KEY = {0x37, (byte) 0xfa, 0x21, 0x3d};

  /** A masked (client) frame with the minimal length encoding. */
  static ByteBuffer masked(boolean fin, int opcode, byte[] payload) {
    return raw(fin ? 0x80 | opcode : opcode, payload, KEY, -1);
  }

  static ByteBuffer masked(int opcode, String text) {
    return masked(true, opcode, text.getBytes(StandardCharsets.UTF_8));
  }

  /** An unmasked frame. */
  static ByteBuffer unmasked(boolean fin, int opcode, byte[] payload) {
    return raw(fin ? 0x80 | opcode : opcode, payload, null, -1);
  }

  /**
   * Any frame.
   *
   * @param b0 the first byte (FIN, RSV, opcode)
   * @param key the mask, or null
   * @param forceLenBytes 0, 2 or 8 to force a length encoding, -1 for the minimal one
   */
  static ByteBuffer raw(int b0, byte[] payload, byte[] key, int forceLenBytes) {
    int n = payload.length;
    int lenBytes = forceLenBytes >= 0 ? forceLenBytes : n < 126 ? 0 : n <= 0xFFFF ? 2 : 8;
    ByteBuffer b = ByteBuffer.allocate(2 + lenBytes + (key != null ? 4 : 0) + n);
    b.put((byte) b0);
    int m = key != null ? 0x80 : 0;
    switch (lenBytes) {
      case 0 -> b.put((byte) (m | n));
      case 2 -> b.put((byte) (m | 126)).putShort((short) n);
      default -> b.put((byte) (m | 127)).putLong(n);
    }
    if (key != null) {
      b.put(key);
      for (int i = 0; i < n; i++) b.put((byte) (payload[i] ^ key[i & 3]));
    } else {
      b.put(payload);
    }
    return b.flip();
  }

  static byte[] closePayload(int code, String reason) {
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(2 + r.length).putShort((short) code).put(r);
    return b.array();
  }

  /** Reads one frame, or returns null at end of stream before a frame starts. */
  static Future<Frame> readFrame(AsyncRead in) {
    ByteBuffer head = ByteBuffer.allocate(2);
    return in.read(head)
        .flatMap(
            n -> {
              if (n < 0) return io.kyoto.runtime.Futures.<Frame>ready(null);
              return in.readExact(head)
                  .flatMap(
                      x -> {
                        int b0 = head.get(0) & 0xFF;
                        int b1 = head.get(1) & 0xFF;
                        int len7 = b1 & 0x7F;
                        int lenBytes = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
                        boolean masked = (b1 & 0x80) != 0;
                        ByteBuffer ext = ByteBuffer.allocate(lenBytes + (masked ? 4 : 0));
                        return in.readExact(ext)
                            .flatMap(
                                y -> {
                                  long len =
                                      lenBytes == 0
                                          ? len7
                                          : lenBytes == 2
                                              ? ext.getShort(0) & 0xFFFF
                                              : ext.getLong(0);
                                  ByteBuffer payload = ByteBuffer.allocate((int) len);
                                  return in.readExact(payload)
                                      .map(
                                          z -> {
                                            byte[] p = payload.array();
                                            if (masked) {
                                              for (int i = 0; i < p.length; i++) {
                                                p[i] ^= ext.get(lenBytes + (i & 3));
                                              }
                                            }
                                            return new Frame(
                                                (b0 & 0x80) != 0,
                                                (b0 >> 4) & 7,
                                                b0 & 0xF,
                                                masked,
                                                lenBytes,
                                                p);
                                          });
                                });
                      });
            });
  }
}
