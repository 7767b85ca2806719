package io.kyoto.runtime.net;

import static io.kyoto.runtime.net.NetTestSupport.echo;
import static io.kyoto.runtime.net.NetTestSupport.readExactly;
import static io.kyoto.runtime.net.NetTestSupport.readToEnd;
import static io.kyoto.runtime.net.NetTestSupport.writeAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.reactor.Backend;
import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.JoinException;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.io.Io;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runtime sockets against one reactor backend; subclassed per backend. */
@Timeout(60)
abstract class NetContract {
  abstract Backend backend();

  Runtime multi() {
    return Runtime.builder()
        .multiThread()
        .workerThreads(2)
        .enableIo(backend())
        .enableTime()
        .build();
  }

  Runtime single() {
    return Runtime.builder().currentThread().enableIo(backend()).enableTime().build();
  }

  static ByteBuffer utf8(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  static long crc(byte[] b) {
    CRC32 c = new CRC32();
    c.update(b);
    return c.getValue();
  }

  /** Binds, spawns an echo server for {@code connections} connections, returns its address. */
  static Future<InetSocketAddress> echoServer(int connections) {
    return TcpListener.bind("127.0.0.1:0")
        .map(
            listener -> {
              Task.spawn(
                  Futures.loop(
                      0,
                      n ->
                          n == connections
                              ? Futures.ready(Futures.Step.<Integer, Void>done(null))
                                  .inspect(v -> listener.close())
                              : listener
                                  .accept()
                                  .map(
                                      conn -> {
                                        Task.spawn(echo(conn, conn).inspect(b -> conn.close()));
                                        return Futures.Step.next(n + 1);
                                      })));
              return listener.localAddress();
            });
  }

  @Test
  void echoRoundTrip() throws Exception {
    try (Runtime rt = single()) {
      String got =
          rt.blockOn(
              echoServer(1)
                  .flatMap(TcpStream::connect)
                  .flatMap(
                      conn ->
                          writeAll(conn, utf8("hello kyoto"))
                              .flatMap(v -> readExactly(conn, 11))
                              .map(b -> new String(b, StandardCharsets.UTF_8))
                              .inspect(s -> conn.close())));
      assertEquals("hello kyoto", got);
    }
  }

  @Test
  void connectByHostNameResolvesOnTheBlockingPool() throws Exception {
    try (Runtime rt = single()) {
      String got =
          rt.blockOn(
              echoServer(1)
                  .flatMap(a -> TcpStream.connect("localhost:" + a.getPort()))
                  .flatMap(
                      conn ->
                          writeAll(conn, utf8("dns"))
                              .flatMap(v -> readExactly(conn, 3))
                              .map(b -> new String(b, StandardCharsets.UTF_8))
                              .inspect(s -> conn.close())));
      assertEquals("dns", got);
    }
  }

  @Test
  void anUnknownHostFailsWithUnknownHostExceptionItself() {
    // Not a JoinException around it (the lookup runs on the blocking pool): a retry rule that
    // tests `e instanceof IOException` must see it.
    try (Runtime rt = single()) {
      java.net.UnknownHostException e =
          assertThrows(
              java.net.UnknownHostException.class,
              () -> rt.blockOn(TcpStream.connect("no-such-host.invalid:80")));
      assertTrue(e.getMessage().contains("no-such-host.invalid"), e.getMessage());
    }
  }

  @Test
  void halfCloseLetsThePeerReadToEndAndStillAnswer() throws Exception {
    try (Runtime rt = multi()) {
      String reply =
          rt.blockOn(
              TcpListener.bind("127.0.0.1:0")
                  .flatMap(
                      listener -> {
                        JoinHandle<Void> server =
                            Task.spawn(
                                listener
                                    .accept()
                                    .flatMap(
                                        conn ->
                                            readToEnd(conn)
                                                .flatMap(
                                                    req ->
                                                        writeAll(
                                                            conn,
                                                            utf8("got " + req.length + " bytes")))
                                                .flatMap(v -> conn.closeAsync())
                                                .inspect(v -> conn.close())));
                        return TcpStream.connect(listener.localAddress())
                            .flatMap(
                                conn ->
                                    writeAll(conn, ByteBuffer.allocate(100_000))
                                        .flatMap(v -> conn.closeAsync()) // FIN: we are done
                                        .flatMap(v -> readToEnd(conn))
                                        .map(b -> new String(b, StandardCharsets.UTF_8))
                                        .inspect(s -> conn.close()))
                            .flatMap(s -> server.map(v -> s))
                            .inspect(s -> listener.close());
                      }));
      assertEquals("got 100000 bytes", reply);
    }
  }

  @Test
  void shuttingDownTwiceAfterThePeerClosedIsFine() throws Exception {
    try (Runtime rt = single()) {
      TcpListener listener = rt.blockOn(TcpListener.bind("127.0.0.1:0"));
      int port = listener.localAddress().getPort();
      Thread peer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                      s.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
                      s.shutdownOutput();
                      s.getInputStream().readAllBytes();
                    } catch (java.io.IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  });
      TcpStream conn = rt.blockOn(listener.accept());
      // Io.using after copyBidirectional shuts the write side down a second time, after the peer
      // has closed: that must not fail (it did with ENOTCONN on epoll).
      rt.blockOn(
          Io.copy(conn, conn)
              .flatMap(n -> conn.shutdown())
              .flatMap(v -> Time.sleep(java.time.Duration.ofMillis(50)))
              .flatMap(v -> conn.shutdown()));
      peer.join();
      conn.close();
      listener.close();
    }
  }

  @Test
  void largeTransferKeepsEveryByte() throws Exception {
    byte[] data = new byte[16 << 20];
    new Random(42).nextBytes(data);
    try (Runtime rt = multi()) {
      byte[] back =
          rt.blockOn(
              echoServer(1)
                  .flatMap(TcpStream::connect)
                  .flatMap(
                      conn -> {
                        Split halves = conn.split();
                        JoinHandle<Void> writer =
                            Task.spawn(
                                writeAll(halves.writer(), ByteBuffer.wrap(data))
                                    .inspect(v -> halves.writer().close()));
                        return readToEnd(halves.reader())
                            .flatMap(b -> writer.map(v -> b))
                            .inspect(b -> halves.reader().close());
                      }));
      assertEquals(data.length, back.length);
      assertEquals(crc(data), crc(back));
    }
  }

  @Test
  void aThousandConcurrentConnections() throws Exception {
    int n = 1000;
    try (Runtime rt = multi()) {
      long ok =
          rt.blockOn(
              echoServer(n)
                  .flatMap(
                      addr -> {
                        List<Future<? extends Boolean>> clients = new ArrayList<>();
                        for (int i = 0; i < n; i++) {
                          byte[] msg = new byte[1024];
                          new Random(i).nextBytes(msg);
                          clients.add(
                              Task.spawn(
                                  TcpStream.connect(addr)
                                      .flatMap(
                                          c ->
                                              writeAll(c, ByteBuffer.wrap(msg))
                                                  .flatMap(v -> readExactly(c, msg.length))
                                                  .map(b -> java.util.Arrays.equals(b, msg))
                                                  .inspect(b -> c.close()))));
                        }
                        return Futures.join(clients)
                            .map(l -> l.stream().filter(Boolean::booleanValue).count());
                      }));
      assertEquals(n, ok);
    }
  }

  @Test
  void aResetPeerFailsTheWriterWithAnIoError() throws Exception {
    try (Runtime rt = single()) {
      Exception e =
          assertThrows(
              Exception.class,
              () ->
                  rt.blockOn(
                          TcpListener.bind("127.0.0.1:0")
                              .flatMap(
                                  listener -> {
                                    // The client reads a little, then closes with unread data: an
                                    // RST.
                                    Task.spawn(
                                        TcpStream.connect(listener.localAddress())
                                            .flatMap(
                                                c ->
                                                    readExactly(c, 10)
                                                        .inspect(b -> c.close())
                                                        .discard()));
                                    return listener
                                        .accept()
                                        .flatMap(
                                            conn ->
                                                Futures.loop(
                                                    0,
                                                    i ->
                                                        writeAll(
                                                                conn,
                                                                ByteBuffer.allocate(64 * 1024))
                                                            .map(
                                                                v ->
                                                                    Futures.Step
                                                                        .<Integer, Void>next(
                                                                            i + 1))));
                                  }))
                      .toString());
      assertInstanceOf(IOException.class, rootCause(e), () -> "unexpected: " + e);
    }
  }

  static Throwable rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && !(c instanceof IOException)) {
      c = c.getCause();
    }
    return c;
  }

  @Test
  void connectToAClosedPortIsRefused() throws Exception {
    try (Runtime rt = single()) {
      InetSocketAddress free =
          rt.blockOn(
              TcpListener.bind("127.0.0.1:0")
                  .map(
                      l -> {
                        InetSocketAddress a = l.localAddress();
                        l.close();
                        return a;
                      }));
      Exception e = assertThrows(Exception.class, () -> rt.blockOn(TcpStream.connect(free)));
      assertInstanceOf(IOException.class, rootCause(e), () -> "unexpected: " + e);
    }
  }

  @Test
  void aCancelledAcceptTakesNoConnection() throws Exception {
    try (Runtime rt = single()) {
      String got =
          rt.blockOn(
              TcpListener.bind("127.0.0.1:0")
                  .flatMap(
                      listener -> {
                        Future<TcpStream> first = listener.accept();
                        Poll<TcpStream> p = first.poll(new Context(Waker.noop()));
                        assertTrue(p.isPending());
                        first.cancel();
                        return Futures.join(
                                listener.accept(),
                                TcpStream.connect(listener.localAddress()),
                                (server, client) -> {
                                  client.close();
                                  server.close();
                                  return "accepted";
                                })
                            .inspect(s -> listener.close());
                      }));
      assertEquals("accepted", got);
    }
  }

  @Test
  void closingAStreamFailsTheTaskWaitingToReadIt() throws Exception {
    try (Runtime rt = multi()) {
      Throwable failure =
          rt.blockOn(
              echoServer(1)
                  .flatMap(TcpStream::connect)
                  .flatMap(
                      conn -> {
                        JoinHandle<byte[]> reader = Task.spawn(readExactly(conn, 1));
                        return Time.sleep(Duration.ofMillis(50))
                            .inspect(v -> conn.close())
                            .flatMap(v -> reader.handle((b, err) -> err));
                      }));
      assertInstanceOf(JoinException.class, failure);
      assertInstanceOf(ClosedChannelException.class, failure.getCause());
    }
  }

  @Test
  void ioWithoutTheDriverNamesTheBuilderCall() {
    try (Runtime rt = Runtime.builder().currentThread().enableTime().build()) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class, () -> rt.blockOn(TcpListener.bind("127.0.0.1:0")));
      assertTrue(e.getMessage().contains("Call `enableIo`"), e.getMessage());
    }
    IllegalStateException outside =
        assertThrows(
            IllegalStateException.class,
            () -> TcpListener.from(io.kyoto.reactor.TcpListener.bind(new InetSocketAddress(0))));
    assertTrue(outside.getMessage().contains("no reactor running"), outside.getMessage());
  }

  @Test
  void udpDatagramsBothWays() throws Exception {
    try (Runtime rt = single()) {
      String got =
          rt.blockOn(
              Futures.join(
                      UdpSocket.bind("127.0.0.1:0"),
                      UdpSocket.bind("127.0.0.1:0"),
                      (a, b) -> new UdpSocket[] {a, b})
                  .flatMap(
                      s -> {
                        ByteBuffer in = ByteBuffer.allocate(64);
                        Future<InetSocketAddress> recv = s[1].recvFrom(in);
                        return s[0].sendTo(utf8("ping"), s[1].localAddress())
                            .flatMap(n -> recv)
                            .map(
                                from -> {
                                  assertEquals(s[0].localAddress(), from);
                                  s[0].close();
                                  s[1].close();
                                  return new String(
                                      in.array(), 0, in.position(), StandardCharsets.UTF_8);
                                });
                      }));
      assertEquals("ping", got);
    }
  }

  @Test
  void unixStreamEcho(@TempDir Path dir) throws Exception {
    Path sock = dir.resolve("echo.sock");
    try (Runtime rt = multi()) {
      String got =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    UnixListener listener = UnixListener.bind(sock);
                    Task.spawn(
                        listener
                            .accept()
                            .flatMap(c -> echo(c, c).inspect(n -> c.close()))
                            .inspect(n -> listener.close()));
                    return UnixStream.connect(sock)
                        .flatMap(
                            c ->
                                writeAll(c, utf8("over unix"))
                                    .flatMap(v -> c.closeAsync())
                                    .flatMap(v -> readToEnd(c))
                                    .map(b -> new String(b, StandardCharsets.UTF_8))
                                    .inspect(s -> c.close()));
                  }));
      assertEquals("over unix", got);
      assertTrue(Files.exists(sock));
    }
  }

  @Test
  void copyEchoServerAndLineFramingOverTcp() throws Exception {
    try (Runtime rt = multi()) {
      List<String> lines =
          rt.blockOn(
              TcpListener.bind("127.0.0.1:0")
                  .flatMap(
                      listener -> {
                        // The echo server a tokio user writes first: accept, then copy in a task.
                        Task.spawn(
                            listener
                                .accept()
                                .flatMap(
                                    conn ->
                                        io.kyoto.runtime.io.Io.copy(conn, conn)
                                            .flatMap(n -> conn.closeAsync())
                                            .inspect(v -> conn.close())));
                        return TcpStream.connect(listener.localAddress())
                            .flatMap(
                                conn -> {
                                  io.kyoto.runtime.codec.FramedRead<String> in =
                                      io.kyoto.runtime.codec.FramedRead.create(
                                          conn, io.kyoto.runtime.codec.LinesCodec.create());
                                  return conn.writeAll(utf8("one\r\ntwo\nthree"))
                                      .flatMap(v -> conn.shutdown())
                                      .flatMap(v -> in.toList())
                                      .inspect(l -> conn.close());
                                })
                            .inspect(l -> listener.close());
                      }));
      assertEquals(List.of("one", "two", "three"), lines);
    }
  }
}
