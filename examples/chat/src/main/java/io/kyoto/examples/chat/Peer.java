package io.kyoto.examples.chat;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.io.BufReader;
import io.kyoto.runtime.io.Io;
import io.kyoto.runtime.io.Lines;
import io.kyoto.runtime.net.TcpStream;
import io.kyoto.web.ws.Message;
import io.kyoto.web.ws.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One end of a chat connection, whatever carries it: lines over TCP or text messages over a
 * WebSocket. {@link #receive()} must be cancel safe, because it races in a select.
 */
interface Peer {
  /** {@return a future of the next line from the peer; null when it has gone} Cancel safe. */
  Future<String> receive();

  /**
   * {@return a future that completes once {@code line} is written}
   *
   * @param line the text, without a line break
   */
  Future<Void> send(String line);

  /** Closes the transport (if the caller owns it). */
  void close();

  /** The longest line a TCP client may send. */
  int MAX_LINE = 4096;

  /**
   * {@return a TCP connection speaking lines}
   *
   * @param conn the connection
   */
  static Peer tcp(TcpStream conn) {
    Lines lines = Io.lines(BufReader.create(conn), MAX_LINE);
    return new Peer() {
      @Override
      public Future<String> receive() {
        return lines.nextLine(); // cancel safe: a partly read line stays in `lines`
      }

      @Override
      public Future<Void> send(String line) {
        return conn.writeAll(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
      }

      @Override
      public void close() {
        conn.close();
      }
    };
  }

  /**
   * {@return a WebSocket speaking text messages; pings and binary messages are ignored}
   *
   * @param ws the connection ({@link WebSocket#accept} closes it when the handler ends)
   */
  static Peer webSocket(WebSocket ws) {
    return new Peer() {
      @Override
      public Future<String> receive() {
        // next() borrows the stream, so losing a select costs nothing
        return ws.next()
            .map(
                m ->
                    switch (m.orElse(null)) {
                      case null -> null;
                      case Message.Text t -> t.text();
                      case Message.Close c -> null;
                      default -> "";
                    });
      }

      @Override
      public Future<Void> send(String line) {
        return ws.send(new Message.Text(line));
      }

      @Override
      public void close() {}
    };
  }
}
