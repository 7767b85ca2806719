package io.kyoto.reactor;

import static io.kyoto.reactor.ReactorTestSupport.bindLoopback;
import static io.kyoto.reactor.ReactorTestSupport.closeAll;
import static io.kyoto.reactor.ReactorTestSupport.loopbackAnyPort;
import static io.kyoto.reactor.ReactorTestSupport.openFds;
import static io.kyoto.reactor.ReactorTestSupport.openFileLimit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kyoto.reactor.ReactorTestSupport.Poller;
import io.kyoto.reactor.ReactorTestSupport.Seen;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every descriptor the reactor opens is closed again: thousands of connections (plus a waker, a UDP
 * socket, a Unix connection and a pipe per batch) go through a poll and are closed, then the
 * process's {@code /proc/self/fd} must be back to where it started.
 *
 * <p>The baseline is taken after a warm-up batch, so descriptors the JDK opens lazily once (the NIO
 * selector provider, jar files, {@code /dev/random}) are already in it and no slack is needed.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "counts /proc/self/fd")
class FdLeakTest {
  private static final int BATCHES = 15;
  private static final int PER_BATCH = 200;
  private static final long LISTENER = 0;
  private static final long UNIX_LISTENER = 1;
  private static final long UNIX_CLIENT = 2;
  private static final long UDP = 3;
  private static final long PIPE_RECEIVER = 4;
  private static final long PIPE_SENDER = 5;
  private static final long CLIENTS = 1_000;
  private static final long ACCEPTED = 10_000;

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  @Timeout(60)
  void connectionsGiveBackEveryDescriptor(Backend backend, @TempDir Path dir) throws Exception {
    if (backend == Backend.EPOLL) {
      backend
          .unavailabilityCause()
          .ifPresent(c -> fail("the epoll backend must be available on Linux: " + c, c));
    }
    long limit = openFileLimit();
    assumeTrue(limit < 0 || limit >= 2 * PER_BATCH + 200, "ulimit -n is only " + limit);

    churn(backend, dir, 0); // warm-up
    Map<Integer, String> baseline = openFds();
    int peak = 0;
    for (int batch = 1; batch <= BATCHES; batch++) {
      peak = Math.max(peak, churn(backend, dir, batch));
    }
    // The probe sees the sockets: each batch held both ends of every connection open at once.
    assertTrue(
        peak >= baseline.size() + 2 * PER_BATCH,
        "peak " + peak + " descriptors, baseline " + baseline.size());

    Map<Integer, String> now = openFds();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (now.size() > baseline.size() && System.nanoTime() < deadline) {
      Thread.sleep(50); // let anything closed asynchronously settle
      now = openFds();
    }
    if (now.size() > baseline.size()) {
      Map<Integer, String> added = new TreeMap<>(now);
      added.entrySet().removeIf(e -> e.getValue().equals(baseline.get(e.getKey())));
      fail(
          (now.size() - baseline.size())
              + " descriptors leaked after "
              + BATCHES * PER_BATCH
              + " connections on "
              + backend
              + "; new or changed entries: "
              + summarize(added));
    }
  }

  /**
   * Opens {@link #PER_BATCH} TCP connections through a fresh poll with a waker, a UDP socket, a
   * Unix connection and a pipe, all registered; then closes everything and returns the peak
   * descriptor count. Odd batches close the poll first (the sources outlive it), even batches close
   * the registered sources first.
   */
  private static int churn(Backend backend, Path dir, int batch) throws IOException {
    Poll poll = Poll.create(backend);
    List<Source> sources = new ArrayList<>();
    try {
      Waker.create(poll.registry(), Token.of(-1));
      Poller p = new Poller(poll, 256);
      TcpListener listener = bindLoopback(backend);
      sources.add(listener);
      poll.registry().register(listener, Token.of(LISTENER), Interest.READABLE);

      UdpSocket udp = UdpSocket.bind(backend, loopbackAnyPort());
      sources.add(udp);
      poll.registry().register(udp, Token.of(UDP), Interest.READABLE);

      UnixListener unixListener = UnixListener.bind(backend, dir.resolve("b" + batch + ".sock"));
      sources.add(unixListener);
      poll.registry().register(unixListener, Token.of(UNIX_LISTENER), Interest.READABLE);
      UnixStream unixClient = UnixStream.connect(backend, dir.resolve("b" + batch + ".sock"));
      sources.add(unixClient);
      poll.registry().register(unixClient, Token.of(UNIX_CLIENT), Interest.READABLE_WRITABLE);

      Pipe pipe = Pipe.open(backend);
      sources.add(pipe.receiver());
      sources.add(pipe.sender());
      poll.registry().register(pipe.receiver(), Token.of(PIPE_RECEIVER), Interest.READABLE);
      poll.registry().register(pipe.sender(), Token.of(PIPE_SENDER), Interest.WRITABLE);

      TcpStream[] clients = new TcpStream[PER_BATCH];
      boolean[] connected = new boolean[PER_BATCH];
      for (int i = 0; i < PER_BATCH; i++) {
        clients[i] = TcpStream.connect(backend, listener.localAddress());
        sources.add(clients[i]);
        poll.registry().register(clients[i], Token.of(CLIENTS + i), Interest.READABLE_WRITABLE);
      }

      int accepted = 0;
      int done = 0;
      boolean unixAccepted = false;
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (accepted < PER_BATCH || done < PER_BATCH || !unixAccepted) {
        assertTrue(
            System.nanoTime() < deadline,
            "batch " + batch + ": " + accepted + " accepted, " + done + " connected");
        List<Seen> events = p.pollOnce(Duration.ofMillis(100));
        p.discardBacklog();
        for (Seen e : events) {
          long t = e.token();
          if (t == LISTENER) {
            TcpStream s;
            while ((s = listener.accept()) != null) {
              sources.add(s);
              poll.registry().register(s, Token.of(ACCEPTED + accepted), Interest.READABLE);
              accepted++;
            }
          } else if (t == UNIX_LISTENER) {
            UnixStream s;
            while ((s = unixListener.accept()) != null) {
              sources.add(s);
              poll.registry().register(s, Token.of(ACCEPTED - 1), Interest.READABLE);
              unixAccepted = true;
            }
          } else if (t >= CLIENTS && t < CLIENTS + PER_BATCH) {
            int i = (int) (t - CLIENTS);
            if (!connected[i] && e.writable() && clients[i].finishConnect()) {
              connected[i] = true;
              done++;
            }
          }
        }
      }
      assertEquals(PER_BATCH, accepted);
      return openFds().size();
    } finally {
      if (batch % 2 == 1) {
        poll.close();
        closeAll(sources.toArray(new Source[0]));
      } else {
        closeAll(sources.toArray(new Source[0]));
        poll.poll(Events.withCapacity(16), Duration.ZERO);
        poll.close();
      }
    }
  }

  private static String summarize(Map<Integer, String> fds) {
    Map<String, Integer> byKind = new TreeMap<>();
    for (String target : fds.values()) {
      String kind = target.replaceAll("\\[\\d+]", "[…]");
      byKind.merge(kind, 1, Integer::sum);
    }
    List<Map.Entry<Integer, String>> some = new ArrayList<>(fds.entrySet());
    return byKind + " e.g. " + some.subList(0, Math.min(10, some.size()));
  }
}
