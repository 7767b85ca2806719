package io.kyoto.examples.reactorecho;

import io.kyoto.reactor.Backend;
import io.kyoto.reactor.Event;
import io.kyoto.reactor.Events;
import io.kyoto.reactor.Interest;
import io.kyoto.reactor.IoResult;
import io.kyoto.reactor.Poll;
import io.kyoto.reactor.TcpListener;
import io.kyoto.reactor.TcpStream;
import io.kyoto.reactor.Token;
import io.kyoto.reactor.Waker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP echo server on one thread and one {@link Poll}: the reactor's "hello world", and the
 * program measured against tokio's and Netty's echo servers.
 *
 * <p>Token 0 is the listener, token 1 the waker that stops the loop, and every connection gets the
 * token {@code 2 + slot}. Each readable event drains the connection: read into one shared buffer
 * and write it straight back; only bytes the socket would not take are copied into a per-connection
 * pending buffer, and the connection is then registered for writable too until they are flushed. An
 * idle connection therefore holds no buffer.
 *
 * <p>Run it with {@code java -jar reactor-echo.jar [host:port]} (default {@code 127.0.0.1:7000});
 * {@code -Dkyoto.reactor.backend=nio} selects the portable backend.
 */
public final class ReactorEcho implements AutoCloseable {
  private static final long LISTENER = 0;
  private static final long WAKER = 1;
  private static final long FIRST_CONNECTION = 2;

  private final Poll poll;
  private final TcpListener listener;
  private final Waker waker;
  private final ByteBuffer shared = ByteBuffer.allocateDirect(64 * 1024);
  private final List<Connection> connections = new ArrayList<>();
  private final List<Integer> freeSlots = new ArrayList<>();
  private volatile boolean running = true;

  private static final class Connection {
    final TcpStream stream;
    final Token token;
    ByteBuffer pending; // bytes read but not yet written back, in read mode; null when none

    Connection(TcpStream stream, Token token) {
      this.stream = stream;
      this.token = token;
    }
  }

  /**
   * Binds the server; {@link #run()} serves it.
   *
   * @param backend the reactor backend
   * @param address the address to listen on (port 0 picks one)
   * @throws IOException if binding fails
   */
  public ReactorEcho(Backend backend, InetSocketAddress address) throws IOException {
    poll = Poll.create(backend);
    listener = TcpListener.builder().backend(backend).bind(address);
    poll.registry().register(listener, new Token(LISTENER), Interest.READABLE);
    waker = Waker.create(poll.registry(), new Token(WAKER));
  }

  /**
   * The address the server listens on.
   *
   * @return the bound address, with the actual port
   * @throws IOException if the listener is closed
   */
  public InetSocketAddress localAddress() throws IOException {
    return listener.localAddress();
  }

  /** {@return the reactor backend in use} */
  public Backend backend() {
    return poll.backend();
  }

  /**
   * Serves until {@link #stop()}, then closes every connection.
   *
   * @throws IOException if the poll fails
   */
  public void run() throws IOException {
    Events events = Events.withCapacity(1024);
    try {
      while (running) {
        poll.poll(events, null);
        for (int i = 0; i < events.size(); i++) {
          Event event = events.get(i);
          long token = event.tokenValue();
          if (token == LISTENER) {
            acceptAll();
          } else if (token >= FIRST_CONNECTION) {
            serve((int) (token - FIRST_CONNECTION), event);
          }
        }
      }
    } finally {
      for (Connection c : connections) {
        if (c != null) {
          c.stream.close();
        }
      }
    }
  }

  /** Stops {@link #run()} from any thread. */
  public void stop() {
    running = false;
    try {
      waker.wake();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    poll.close();
  }

  private void acceptAll() throws IOException {
    TcpStream stream;
    while ((stream = listener.accept()) != null) { // drain: edge-triggered
      stream.setNoDelay(true);
      int slot;
      if (freeSlots.isEmpty()) {
        slot = connections.size();
        connections.add(null);
      } else {
        slot = freeSlots.removeLast();
      }
      Connection c = new Connection(stream, new Token(FIRST_CONNECTION + slot));
      connections.set(slot, c);
      poll.registry().register(stream, c.token, Interest.READABLE);
    }
  }

  private void serve(int slot, Event event) throws IOException {
    Connection c = slot < connections.size() ? connections.get(slot) : null;
    if (c == null) {
      return; // an event for a connection closed earlier in this batch
    }
    try {
      if (c.pending != null && !flushPending(c)) {
        return; // still blocked on writing; reading more would only grow the backlog
      }
      if (event.isReadable() || event.isReadClosed()) {
        echo(c);
      }
    } catch (IOException e) {
      closeConnection(slot, c); // reset by the peer, or similar: drop this connection only
    }
  }

  /** Reads until would-block and writes every chunk back. */
  private void echo(Connection c) throws IOException {
    while (true) {
      shared.clear();
      int n = c.stream.read(shared);
      if (n == IoResult.WOULD_BLOCK) {
        return;
      }
      if (n == IoResult.EOF) {
        closeConnection((int) (c.token.value() - FIRST_CONNECTION), c);
        return;
      }
      shared.flip();
      while (shared.hasRemaining()) {
        if (c.stream.write(shared) == IoResult.WOULD_BLOCK) {
          c.pending = ByteBuffer.allocateDirect(shared.remaining()).put(shared).flip();
          poll.registry().reregister(c.stream, c.token, Interest.READABLE_WRITABLE);
          return;
        }
      }
    }
  }

  /** Writes pending bytes; returns true when none are left. */
  private boolean flushPending(Connection c) throws IOException {
    while (c.pending.hasRemaining()) {
      if (c.stream.write(c.pending) == IoResult.WOULD_BLOCK) {
        return false;
      }
    }
    c.pending = null;
    poll.registry().reregister(c.stream, c.token, Interest.READABLE);
    return true;
  }

  private void closeConnection(int slot, Connection c) throws IOException {
    connections.set(slot, null);
    freeSlots.add(slot);
    c.stream.close(); // closing deregisters
  }

  /**
   * Starts the server: {@code [host:port]}, default {@code 127.0.0.1:7000}.
   *
   * @param args the optional address
   * @throws Exception if the server cannot start
   */
  public static void main(String[] args) throws Exception {
    InetSocketAddress address = parse(args.length > 0 ? args[0] : "127.0.0.1:7000");
    Backend backend = Backend.current();
    try (ReactorEcho server = new ReactorEcho(backend, address)) {
      Thread main = Thread.currentThread();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    server.stop();
                    try {
                      main.join(2_000);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
      System.out.println(
          "reactor-echo listening on "
              + server.localAddress()
              + " (backend "
              + backend.propertyValue()
              + "); try: nc "
              + server.localAddress().getHostString()
              + " "
              + server.localAddress().getPort());
      server.run();
    }
  }

  static InetSocketAddress parse(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("expected host:port, got '" + hostPort + "'");
    }
    String host = hostPort.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad port in '" + hostPort + "'", e);
    }
    return new InetSocketAddress(host.isEmpty() ? "0.0.0.0" : host, port);
  }
}
