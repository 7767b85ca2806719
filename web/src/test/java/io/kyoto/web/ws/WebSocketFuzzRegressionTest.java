package io.kyoto.web.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.io.DuplexStream;
import io.kyoto.runtime.io.Io;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Problems seen while writing {@link WebSocketFrameFuzzTest}, as minimal unit tests. */
@Timeout(60)
class WebSocketFuzzRegressionTest {
  /**
   * A peer that sends pings and never reads makes the connection queue one pong per ping: the
   * outgoing queue grows without bound (about 20,000 pongs for 20,000 pings here), whatever the
   * configured limits, because reading goes on while the pongs cannot be written. RFC 6455 §5.5.3
   * allows answering only the most recent ping; tungstenite keeps a single pending pong. Expected:
   * at most one pending pong (or reading pauses while the queue is over a bound).
   *
   * <p>Found by reading WebSocket#onFrame while writing the fuzz target (the target's drain task
   * always reads, so it cannot see this); checked through the private queue, as the growth is not
   * observable otherwise.
   */
  @Test
  void pongsDoNotPileUpWhenThePeerDoesNotRead() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().enableTime().build()) {
      DuplexStream.Pair pair = Io.duplex(64);
      WebSocket ws = WebSocket.server(pair.server(), WebSocketConfig.defaults(), null);
      int pings = 20_000;
      ByteBuffer wire = ByteBuffer.allocate(pings * 6);
      for (int i = 0; i < pings; i++) wire.put(WsTestSupport.masked(true, 9, new byte[0]));
      wire.flip();
      int read =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    Task.spawn(pair.client().writeAll(wire)); // the client never reads
                    return Futures.loop(
                        0,
                        (Integer n) ->
                            n == pings
                                ? Futures.ready(Futures.Step.<Integer, Integer>done(n))
                                : ws.next().map(m -> Futures.Step.<Integer, Integer>next(n + 1)));
                  }));
      assertEquals(pings, read);
      Field outq = WebSocket.class.getDeclaredField("outq");
      outq.setAccessible(true);
      int queued = ((ArrayDeque<?>) outq.get(ws)).size();
      assertTrue(queued <= 2, queued + " pongs queued for a peer that does not read");
    }
  }
}
