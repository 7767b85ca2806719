package io.kyoto.examples.chat;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Futures.Step;
import io.kyoto.runtime.Interval;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.annotation.AsyncMain;
import io.kyoto.runtime.annotation.Branch;
import io.kyoto.runtime.annotation.Select;
import io.kyoto.runtime.net.TcpListener;
import io.kyoto.runtime.service.Service;
import io.kyoto.runtime.signal.Signals;
import io.kyoto.runtime.sync.Broadcast;
import io.kyoto.web.HttpServer;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import io.kyoto.web.route.Router;
import io.kyoto.web.ws.WebSocket;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A chat room shared by TCP clients ({@code nc 127.0.0.1 7002}) and browsers (a page talking
 * WebSocket on {@code http://127.0.0.1:8081/}). Every connection runs the same loop, a {@link
 * Select} over its next line, the room's next line, a tick and shutdown.
 *
 * <pre>java -jar examples/chat/target/chat.jar [tcp-host:port [http-host:port]]</pre>
 */
public final class Chat {
  private Chat() {}

  /** What a connection reacts to next. */
  sealed interface Event {}

  record Line(String text) implements Event {}

  record Heard(Room.Said said) implements Event {}

  record Tick() implements Event {}

  record Leave(String goodbye) implements Event {}

  /** The four things a connection waits for; the processor generates {@code Chat_Events_Select}. */
  @Select
  interface Events {
    @Branch
    default Event line(String line) {
      return line == null ? new Leave(null) : new Line(line);
    }

    @Branch(disableOnNull = true) // null: the room's channel closed
    default Event heard(Room.Said said) {
      return new Heard(said);
    }

    @Branch
    default Event tick(long tick) {
      return new Tick();
    }

    @Branch
    default Event shutdown(Void closing) {
      return new Leave("server shutting down");
    }
  }

  private static final Events EVENTS = new Events() {};

  /** How often a connection's interval ticks. */
  static final Duration TICK = Duration.ofSeconds(10);

  /**
   * {@return a future that runs one connection until its peer leaves or the room closes}
   *
   * @param room the room
   * @param peer the connection
   */
  static Future<Void> connection(Room room, Peer peer) {
    long me = room.join();
    String name = "guest-" + me;
    Broadcast.Receiver<Room.Said> heard = room.subscribe();
    Interval ticks = Time.interval(TICK);
    return peer.send("welcome, " + name + "! " + room.online() + " online; /quit leaves")
        .inspect(v -> room.say(me, name + " joined"))
        .flatMap(
            v ->
                Futures.loop(
                    0L, // ticks since this peer last spoke
                    idle ->
                        Chat_Events_Select.of(
                                EVENTS,
                                peer.receive(),
                                Room.next(heard),
                                ticks.tick(),
                                room.closing())
                            .flatMap(
                                event ->
                                    switch (event) {
                                      case Line(String text) when text.equals("/quit") -> done();
                                      case Line(String text) when text.isBlank() -> next(idle);
                                      case Line(String text) -> {
                                        room.say(me, name + ": " + text);
                                        yield next(0);
                                      }
                                      case Heard(Room.Said s) when s.from() == me -> next(idle);
                                      case Heard(Room.Said s) ->
                                          peer.send(s.text()).map(sent -> Step.next(idle));
                                      case Tick t -> {
                                        room.tick();
                                        yield next(idle + 1);
                                      }
                                      case Leave(String goodbye) when goodbye != null ->
                                          peer.send(goodbye).map(sent -> Step.done(null));
                                      case Leave l -> done();
                                    })))
        .handle(
            (v, error) -> {
              heard.close();
              room.leave();
              room.say(me, name + " left");
              peer.close();
              return null;
            });
  }

  private static Future<Step<Long, Void>> next(long idle) {
    return Futures.ready(Step.next(idle));
  }

  private static Future<Step<Long, Void>> done() {
    return Futures.ready(Step.done(null));
  }

  /**
   * {@return the web side: the page on {@code /} and the WebSocket on {@code /ws}}
   *
   * @param room the room
   */
  static Service<Request, Response> app(Room room) {
    return Router.create()
        .get("/")
        .handle(req -> Response.html(PAGE))
        .get("/ws")
        .handle(req -> WebSocket.accept(req, ws -> connection(room, Peer.webSocket(ws))))
        .build();
  }

  private static final String PAGE = resource("/chat/index.html");

  private static String resource(String name) {
    try (InputStream in = Chat.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("missing resource " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The running servers.
   *
   * @param room the room
   * @param tcp the TCP listener
   * @param http the HTTP server
   * @param accepting the TCP accept loop
   * @param serving the HTTP server's loop
   */
  record Servers(
      Room room,
      TcpListener tcp,
      HttpServer http,
      JoinHandle<Void> accepting,
      JoinHandle<Void> serving) {
    /** {@return a future that completes once both servers have stopped} */
    Future<Void> stop() {
      room.close(); // every connection says goodbye and leaves
      http.shutdown();
      return accepting.flatMap(v -> serving).inspect(v -> tcp.close());
    }
  }

  /**
   * {@return a future of both servers, started}
   *
   * @param room the room
   * @param tcpAddress where TCP clients connect
   * @param httpAddress where browsers connect
   */
  static Future<Servers> start(Room room, String tcpAddress, String httpAddress) {
    return TcpListener.bind(tcpAddress)
        .flatMap(
            tcp ->
                HttpServer.bind(httpAddress)
                    .map(
                        http ->
                            new Servers(
                                room,
                                tcp,
                                http,
                                Task.spawn(
                                    tcp.incoming()
                                        .takeUntil(room.closing())
                                        .forEach(
                                            conn -> Task.spawn(connection(room, Peer.tcp(conn))))),
                                Task.spawn(http.serve(app(room))))));
  }

  /**
   * Runs the chat until Ctrl-C or SIGTERM; the processor turns this into {@code Chat_Main}.
   *
   * @param args optional TCP address (default {@code 127.0.0.1:7002}), then HTTP address (default
   *     {@code 127.0.0.1:8081})
   * @return a future that completes once the servers have stopped
   */
  @AsyncMain(name = "chat")
  static Future<Void> run(String[] args) {
    String tcp = args.length > 0 ? args[0] : "127.0.0.1:7002";
    String http = args.length > 1 ? args[1] : "127.0.0.1:8081";
    return start(new Room(), tcp, http)
        .flatMap(
            servers -> {
              System.out.println("chat: nc " + tcp + "  or  http://" + http + "/");
              return Signals.shutdown().flatMap(v -> servers.stop());
            });
  }

  /**
   * Starts the chat through the generated launcher ({@code java -jar chat.jar}).
   *
   * @param args as for {@link #run}
   */
  public static void main(String[] args) {
    Chat_Main.main(args);
  }
}
