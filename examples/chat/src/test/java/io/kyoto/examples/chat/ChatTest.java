package io.kyoto.examples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kyoto.runtime.Runtime;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The chat server on free ports, with blocking JDK clients: TCP sockets and a WebSocket. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ChatTest {
  Runtime rt;
  Room room;
  Chat.Servers servers;
  int tcpPort;
  String http;
  boolean stopped;

  @BeforeEach
  void start() throws Exception {
    rt = Runtime.builder().multiThread().workerThreads(2).enableAll().build();
    room = new Room();
    servers = rt.blockOn(Chat.start(room, "127.0.0.1:0", "127.0.0.1:0"));
    tcpPort = servers.tcp().localAddress().getPort();
    http = "127.0.0.1:" + servers.http().localAddress().getPort();
  }

  @AfterEach
  void stop() throws Exception {
    if (!stopped) rt.blockOn(servers.stop());
    rt.close();
  }

  /** A line-oriented TCP client. */
  static final class Client implements AutoCloseable {
    final Socket socket;
    final BufferedReader in;
    final PrintWriter out;
    final String name;

    Client(int port) throws Exception {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(20_000);
      in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
      String welcome = in.readLine();
      assertTrue(welcome.startsWith("welcome, guest-"), welcome);
      name = welcome.substring("welcome, ".length(), welcome.indexOf('!'));
    }

    void say(String line) {
      out.print(line + "\n");
      out.flush();
    }

    /** {@return the next line that is not a join or leave notice} */
    String nextChat() throws Exception {
      while (true) {
        String line = in.readLine();
        if (line == null || !(line.endsWith(" joined") || line.endsWith(" left"))) return line;
      }
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }

  @Test
  void twoTcpClientsTalk() throws Exception {
    try (Client a = new Client(tcpPort);
        Client b = new Client(tcpPort)) {
      assertEquals(b.name + " joined", a.in.readLine(), "a hears b arrive");
      a.say("hello, b");
      assertEquals(a.name + ": hello, b", b.nextChat());
      b.say("   "); // blank lines are not broadcast
      b.say("hi, a");
      assertEquals(b.name + ": hi, a", a.nextChat());
      assertEquals(2, room.online());
      // each connection's interval ticks at once (the select may first take another ready branch)
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (room.ticks() < 2 && System.nanoTime() < deadline) Thread.sleep(10);
      assertTrue(room.ticks() >= 2, "ticks: " + room.ticks());

      b.say("/quit");
      assertNull(b.in.readLine(), "the server closed b");
      assertEquals(b.name + " left", a.in.readLine());
    }
  }

  @Test
  void theServerSaysGoodbyeAtShutdown() throws Exception {
    try (Client a = new Client(tcpPort)) {
      rt.blockOn(servers.stop());
      stopped = true;
      assertEquals("server shutting down", a.in.readLine());
      assertNull(a.in.readLine());
    }
  }

  @Test
  void aWebSocketClientSharesTheRoomWithTcp() throws Exception {
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    try (HttpClient jdk = HttpClient.newHttpClient();
        Client tcp = new Client(tcpPort)) {
      WebSocket ws =
          jdk.newWebSocketBuilder()
              .buildAsync(
                  URI.create("ws://" + http + "/ws"),
                  new WebSocket.Listener() {
                    final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(
                        WebSocket socket, CharSequence data, boolean last) {
                      text.append(data);
                      if (last) {
                        received.add(text.toString());
                        text.setLength(0);
                      }
                      socket.request(1);
                      return null;
                    }
                  })
              .get(20, TimeUnit.SECONDS);
      String welcome = received.poll(20, TimeUnit.SECONDS);
      assertTrue(welcome.startsWith("welcome, guest-"), welcome);
      String wsName = welcome.substring("welcome, ".length(), welcome.indexOf('!'));
      assertEquals(wsName + " joined", tcp.in.readLine());

      tcp.say("from tcp");
      assertEquals(tcp.name + ": from tcp", received.poll(20, TimeUnit.SECONDS));
      ws.sendText("from the web", true).get(20, TimeUnit.SECONDS);
      assertEquals(wsName + ": from the web", tcp.nextChat());

      ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(20, TimeUnit.SECONDS);
      assertEquals(wsName + " left", tcp.in.readLine());
    }
  }

  @Test
  void servesThePage() throws Exception {
    try (HttpClient jdk = HttpClient.newHttpClient()) {
      HttpResponse<String> page =
          jdk.send(
              HttpRequest.newBuilder(URI.create("http://" + http + "/")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, page.statusCode());
      assertTrue(page.body().contains("new WebSocket(`ws://${location.host}/ws`)"));
    }
  }

  static String chromium() {
    String path = System.getenv("PATH");
    for (String name : new String[] {"chromium", "chromium-browser"}) {
      for (String dir : path == null ? new String[0] : path.split(File.pathSeparator)) {
        File f = new File(dir, name);
        if (f.canExecute()) return f.getPath();
      }
    }
    return null;
  }

  /**
   * A real browser in the room (skipped unless chromium is installed: apt-get install chromium):
   * the page, opened with {@code ?autotest=1}, answers the welcome and then acknowledges what a TCP
   * client says, so both directions are checked through the room. The browser runs in real time
   * until the exchange is over and is then stopped: with {@code --dump-dom} and a virtual-time
   * budget, Chromium could finish its budget and exit before the WebSocket's first message (2 of 33
   * runs).
   */
  @Test
  void aHeadlessBrowserChatsWithTcp(@TempDir Path profile) throws Exception {
    String chromium = chromium();
    assumeTrue(chromium != null, "chromium is not installed");
    try (Client tcp = new Client(tcpPort)) {
      Process browser =
          new ProcessBuilder(
                  chromium,
                  "--headless",
                  "--no-sandbox",
                  "--disable-gpu",
                  "--user-data-dir=" + profile,
                  "http://" + http + "/?autotest=1")
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      try {
        // the page answers the welcome: the TCP client hears it while the browser runs
        String heard = tcp.nextChat();
        assertTrue(heard.endsWith(": hello from the browser"), heard);
        String browserName = heard.substring(0, heard.indexOf(':'));
        tcp.say("hello from tcp");
        assertEquals(browserName + ": got " + tcp.name + ": hello from tcp", tcp.nextChat());
      } finally {
        browser.descendants().forEach(ProcessHandle::destroy); // renderer, zygote, ...
        browser.destroy();
        if (!browser.waitFor(10, TimeUnit.SECONDS)) browser.destroyForcibly();
      }
    }
  }
}
