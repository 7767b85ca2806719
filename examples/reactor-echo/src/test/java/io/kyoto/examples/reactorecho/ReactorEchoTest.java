package io.kyoto.examples.reactorecho;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kyoto.reactor.Backend;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Drives the echo server with plain blocking JDK sockets, on both backends. */
@Timeout(60)
class ReactorEchoTest {
  @ParameterizedTest
  @EnumSource(Backend.class)
  void echoesSmallAndLargeMessagesOnManyConnections(Backend backend) throws Exception {
    try (ReactorEcho server = new ReactorEcho(backend, new InetSocketAddress("127.0.0.1", 0))) {
      Thread loop = Thread.ofPlatform().name("echo-" + backend).start(() -> run(server));
      List<Socket> clients = new ArrayList<>();
      try {
        Random random = new Random(42);
        for (int i = 0; i < 20; i++) {
          clients.add(new Socket("127.0.0.1", server.localAddress().getPort()));
        }
        for (Socket client : clients) {
          byte[] message = new byte[1 + random.nextInt(2048)];
          random.nextBytes(message);
          assertArrayEquals(message, roundTrip(client, message));
        }
        // 8 MiB through one connection: the server's socket buffers fill, so its write path
        // must park bytes as pending and finish them on the writable event.
        byte[] large = new byte[8 << 20];
        random.nextBytes(large);
        Socket client = clients.getFirst();
        Thread writer =
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        OutputStream out = client.getOutputStream();
                        out.write(large);
                        out.flush();
                      } catch (Exception e) {
                        throw new RuntimeException(e);
                      }
                    });
        byte[] back = new byte[large.length];
        new DataInputStream(client.getInputStream()).readFully(back);
        writer.join();
        assertArrayEquals(large, back);
        // Half-close: the server sees EOF and closes its side, so the client reads EOF.
        client.shutdownOutput();
        assertEquals(-1, client.getInputStream().read());
      } finally {
        for (Socket s : clients) {
          s.close();
        }
        server.stop();
        loop.join(5_000);
      }
    }
  }

  @org.junit.jupiter.api.Test
  void rejectsAnAddressWithoutPort() {
    assertThrows(IllegalArgumentException.class, () -> ReactorEcho.parse("localhost"));
    assertEquals(7000, ReactorEcho.parse("127.0.0.1:7000").getPort());
  }

  private static byte[] roundTrip(Socket client, byte[] message) throws Exception {
    client.getOutputStream().write(message);
    InputStream in = client.getInputStream();
    byte[] back = new byte[message.length];
    new DataInputStream(in).readFully(back);
    return back;
  }

  private static void run(ReactorEcho server) {
    try {
      server.run();
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }
}
