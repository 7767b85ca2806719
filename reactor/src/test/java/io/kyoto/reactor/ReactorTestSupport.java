package io.kyoto.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Shared fixtures of the reactor tests: an event-collecting {@link Poller}, drain loops that follow
 * the edge-triggered rule, connected pairs set up through the documented connect/accept flow, and a
 * few Linux probes ({@code /proc/self/fd}, {@code /proc/self/limits}).
 *
 * <p>Every wait is bounded by {@link #WAIT}; a lost event fails the test with the events that were
 * seen instead, never hangs it.
 */
final class ReactorTestSupport {
  /** The longest a test waits for an event that the contract guarantees. */
  static final Duration WAIT = Duration.ofSeconds(5);

  /** How long a test listens to make sure an event does <em>not</em> arrive. */
  static final Duration QUIET = Duration.ofMillis(200);

  private ReactorTestSupport() {}

  // -- addresses and bytes --------------------------------------------------------------------

  /** 127.0.0.1 with port 0: the kernel picks a free port. */
  static InetSocketAddress loopbackAnyPort() {
    return new InetSocketAddress("127.0.0.1", 0);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** The bytes between position and limit, without moving the buffer. */
  static byte[] remaining(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  /** The first {@code position} bytes of a buffer that was just read into, without moving it. */
  static byte[] filled(ByteBuffer b) {
    return remaining(b.duplicate().flip());
  }

  static boolean isLinux() {
    return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("linux");
  }

  // -- buffers --------------------------------------------------------------------------------

  /** The kinds of buffer a read or write must accept, by where their bytes start. */
  enum Kind {
    HEAP,
    HEAP_SLICE,
    DIRECT,
    DIRECT_SLICE,
    READ_ONLY_HEAP,
    READ_ONLY_DIRECT;

    ByteBuffer allocate(int capacity) {
      return switch (this) {
        case HEAP -> ByteBuffer.allocate(capacity);
        case HEAP_SLICE -> ByteBuffer.allocate(capacity + 13).position(13).slice();
        case DIRECT -> ByteBuffer.allocateDirect(capacity);
        case DIRECT_SLICE -> ByteBuffer.allocateDirect(capacity + 13).position(13).slice();
        case READ_ONLY_HEAP, READ_ONLY_DIRECT ->
            throw new IllegalStateException("build read-only buffers with readOnly()");
      };
    }

    /** A buffer holding {@code junk} then {@code payload}, positioned at the payload. */
    ByteBuffer source(byte[] junk, byte[] payload) {
      Kind base =
          switch (this) {
            case READ_ONLY_HEAP -> HEAP_SLICE;
            case READ_ONLY_DIRECT -> DIRECT_SLICE;
            default -> this;
          };
      ByteBuffer b = base.allocate(junk.length + payload.length + 5);
      b.put(junk).put(payload).put(new byte[5]).position(junk.length);
      b.limit(junk.length + payload.length);
      return this == READ_ONLY_HEAP || this == READ_ONLY_DIRECT ? b.asReadOnlyBuffer() : b;
    }
  }

  // -- events ---------------------------------------------------------------------------------

  /** A copy of an {@link Event}, which is only a view valid until the next poll. */
  record Seen(
      long token,
      boolean readable,
      boolean writable,
      boolean readClosed,
      boolean writeClosed,
      boolean error,
      boolean priority) {
    static Seen of(Event e) {
      return new Seen(
          e.tokenValue(),
          e.isReadable(),
          e.isWritable(),
          e.isReadClosed(),
          e.isWriteClosed(),
          e.isError(),
          e.isPriority());
    }

    static List<Seen> all(Events events) {
      List<Seen> out = new ArrayList<>(events.size());
      for (Event e : events) {
        out.add(of(e));
      }
      return out;
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder("{").append(token);
      s.append(readable ? " R" : "").append(writable ? " W" : "");
      s.append(readClosed ? " RC" : "").append(writeClosed ? " WC" : "");
      s.append(error ? " ERR" : "").append(priority ? " PRI" : "");
      return s.append('}').toString();
    }
  }

  /**
   * Drives one {@link Poll} on the test thread and remembers events until a test consumes them.
   *
   * <p>{@link #await} takes the first matching event from the backlog, polling for more while none
   * matches; events for other tokens stay in the backlog for later awaits, because under the
   * edge-triggered contract an event that is dropped is not reported again.
   */
  static final class Poller {
    private final Poll poll;
    private final Events events;
    private final ArrayDeque<Seen> backlog = new ArrayDeque<>();
    private final ArrayDeque<Seen> recent = new ArrayDeque<>();
    private int polls;

    Poller(Poll poll) {
      this(poll, 64);
    }

    Poller(Poll poll, int capacity) {
      this.poll = poll;
      this.events = Events.withCapacity(capacity);
    }

    Poll poll() {
      return poll;
    }

    /** Number of {@link Poll#poll} calls made so far. */
    int polls() {
      return polls;
    }

    /** Polls once, adds the events to the backlog and returns them. */
    List<Seen> pollOnce(Duration timeout) throws IOException {
      poll.poll(events, timeout);
      polls++;
      assertTrue(
          events.size() <= events.capacity(),
          "a poll returned "
              + events.size()
              + " events into an Events of capacity "
              + events.capacity());
      List<Seen> got = Seen.all(events);
      backlog.addAll(got);
      for (Seen s : got) {
        recent.addLast(s);
        if (recent.size() > 64) {
          recent.removeFirst();
        }
      }
      return got;
    }

    /** Forgets the backlog: later awaits only see events of later polls. */
    void discardBacklog() {
      backlog.clear();
    }

    /** Waits up to {@link #WAIT} for an event for {@code token} that satisfies {@code p}. */
    Seen await(long token, Predicate<Seen> p, String what) throws IOException {
      return await(token, p, what, WAIT);
    }

    Seen awaitReadable(long token) throws IOException {
      return await(token, Seen::readable, "a readable event");
    }

    Seen awaitWritable(long token) throws IOException {
      return await(token, Seen::writable, "a writable event");
    }

    Seen awaitAny(long token) throws IOException {
      return await(token, e -> true, "any event");
    }

    Seen await(long token, Predicate<Seen> p, String what, Duration timeout) throws IOException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        for (Iterator<Seen> it = backlog.iterator(); it.hasNext(); ) {
          Seen s = it.next();
          if (s.token() == token && p.test(s)) {
            it.remove();
            return s;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return fail(
              "no "
                  + what
                  + " for token "
                  + token
                  + " within "
                  + timeout.toMillis()
                  + " ms ("
                  + poll.backend()
                  + " backend, "
                  + polls
                  + " polls); latest events seen: "
                  + recent);
        }
        pollOnce(Duration.ofNanos(left));
      }
    }

    /** The next event for any token, from the backlog or from new polls. */
    Seen next(long deadlineNanos, String what) throws IOException {
      while (backlog.isEmpty()) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          fail(
              "no event while waiting for "
                  + what
                  + " ("
                  + poll.backend()
                  + " backend, "
                  + polls
                  + " polls); latest events seen: "
                  + recent);
        }
        pollOnce(Duration.ofNanos(left));
      }
      return backlog.removeFirst();
    }

    /**
     * Discards the backlog, then polls for {@code quiet} and fails if any new event carries {@code
     * token}.
     */
    void assertNoEvent(long token, Duration quiet, String why) throws IOException {
      discardBacklog();
      long deadline = System.nanoTime() + quiet.toNanos();
      List<Seen> all = new ArrayList<>();
      long left;
      while ((left = deadline - System.nanoTime()) > 0) {
        all.addAll(pollOnce(Duration.ofNanos(left)));
      }
      discardBacklog();
      for (Seen s : all) {
        if (s.token() == token) {
          fail(why + ": got an event for token " + token + "; events seen: " + all);
        }
      }
    }
  }

  // -- I/O steps ------------------------------------------------------------------------------

  /** A non-blocking read: bytes read, {@link IoResult#EOF} or {@link IoResult#WOULD_BLOCK}. */
  @FunctionalInterface
  interface ReadOp {
    int read(ByteBuffer dst) throws IOException;
  }

  /** A non-blocking write: bytes written or {@link IoResult#WOULD_BLOCK}. */
  @FunctionalInterface
  interface WriteOp {
    int write(ByteBuffer src) throws IOException;
  }

  @FunctionalInterface
  interface IoSupplier<T> {
    T get() throws IOException;
  }

  @FunctionalInterface
  interface IoBoolean {
    boolean get() throws IOException;
  }

  /** One side of a transfer driven by {@link #pump}: does I/O until it would block. */
  @FunctionalInterface
  interface Step {
    void onEvent(Seen event) throws IOException;
  }

  /**
   * Reads until the source would block or ends, appending to {@code out}. The edge-triggered rule:
   * call it on every readable event and never stop early.
   *
   * @return {@link IoResult#WOULD_BLOCK} or {@link IoResult#EOF}
   */
  static int drain(ReadOp source, ByteBuffer scratch, ByteArrayOutputStream out)
      throws IOException {
    while (true) {
      scratch.clear();
      int n = source.read(scratch);
      if (n == IoResult.WOULD_BLOCK || n == IoResult.EOF) {
        return n;
      }
      assertTrue(n > 0, "read returned " + n + " although the buffer had space");
      assertEquals(n, scratch.position(), "read must advance the position by the count");
      out.writeBytes(filled(scratch));
    }
  }

  /** Reads at least {@code n} bytes, waiting for readable events on {@code token} as needed. */
  static byte[] readAtLeast(Poller p, long token, ReadOp source, int n) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer scratch = ByteBuffer.allocate(4096);
    while (true) {
      int end = drain(source, scratch, out);
      if (out.size() >= n) {
        return out.toByteArray();
      }
      if (end == IoResult.EOF) {
        fail("end of stream after " + out.size() + " of " + n + " bytes");
      }
      p.awaitReadable(token);
    }
  }

  /** Reads until end of stream, waiting for readable events on {@code token}. */
  static byte[] readToEof(Poller p, long token, ReadOp source) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer scratch = ByteBuffer.allocate(4096);
    while (drain(source, scratch, out) != IoResult.EOF) {
      p.awaitReadable(token);
    }
    return out.toByteArray();
  }

  /**
   * Writes all of {@code src}, waiting for writable events on {@code token} when it would block.
   */
  static void writeAll(Poller p, long token, WriteOp sink, ByteBuffer src) throws IOException {
    while (src.hasRemaining()) {
      int before = src.position();
      int n = sink.write(src);
      if (n == IoResult.WOULD_BLOCK) {
        assertEquals(before, src.position(), "a write that would block must not move the buffer");
        p.awaitWritable(token);
      } else {
        assertTrue(n > 0, "write returned " + n + " with " + src.remaining() + " bytes to write");
        assertEquals(before + n, src.position(), "write must advance the position by the count");
      }
    }
  }

  /**
   * Runs an event loop until {@code done}, dispatching each event strictly to the step of its
   * token: a step runs only when its own source reported readiness, so a lost event stalls the loop
   * and fails it at the deadline.
   */
  static void pump(Poller p, Map<Long, Step> steps, IoBoolean done, Duration timeout, String what)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.get()) {
      Seen e = p.next(deadline, what);
      Step step = steps.get(e.token());
      if (step != null) {
        step.onEvent(e);
      }
    }
  }

  /** Accepts one connection: tries at once, then after each readable event on {@code token}. */
  static <T> T acceptOne(Poller p, long token, IoSupplier<T> accept) throws IOException {
    while (true) {
      T s = accept.get();
      if (s != null) {
        return s;
      }
      p.awaitReadable(token);
    }
  }

  /** Completes a connect the documented way: a writable event, then {@code finishConnect}. */
  static void awaitConnected(Poller p, long token, IoBoolean finishConnect) throws IOException {
    do {
      p.awaitWritable(token);
    } while (!finishConnect.get());
  }

  // -- connected pairs ------------------------------------------------------------------------

  /** A listener, a client connected to it and the accepted end, none registered anywhere. */
  record TcpPair(TcpListener listener, TcpStream client, TcpStream server)
      implements AutoCloseable {
    @Override
    public void close() throws IOException {
      closeAll(client, server, listener);
    }
  }

  /** A Unix listener, a client connected to it and the accepted end, none registered anywhere. */
  record UnixPair(UnixListener listener, UnixStream client, UnixStream server)
      implements AutoCloseable {
    @Override
    public void close() throws IOException {
      closeAll(client, server, listener);
    }
  }

  static TcpListener bindLoopback(Backend backend) throws IOException {
    return TcpListener.builder().backend(backend).bind(loopbackAnyPort());
  }

  /**
   * Connects a pair through a throw-away poll (register, writable event, finishConnect; readable
   * event, accept), then deregisters both ends so the test starts from unregistered sources.
   */
  static TcpPair tcpPair(Backend backend) throws IOException {
    TcpListener listener = bindLoopback(backend);
    TcpStream client = null;
    TcpStream server = null;
    try (Poll setup = Poll.create(backend)) {
      Poller p = new Poller(setup);
      client = TcpStream.connect(backend, listener.localAddress());
      setup.registry().register(listener, Token.of(0), Interest.READABLE);
      setup.registry().register(client, Token.of(1), Interest.WRITABLE);
      server = acceptOne(p, 0, listener::accept);
      awaitConnected(p, 1, client::finishConnect);
      setup.registry().deregister(listener);
      setup.registry().deregister(client);
      return new TcpPair(listener, client, server);
    } catch (IOException | RuntimeException | Error e) {
      closeQuietly(e, client, server, listener);
      throw e;
    }
  }

  /** As {@link #tcpPair}, over a Unix domain socket at {@code path}. */
  static UnixPair unixPair(Backend backend, Path path) throws IOException {
    UnixListener listener = UnixListener.bind(backend, path);
    UnixStream client = null;
    UnixStream server = null;
    try (Poll setup = Poll.create(backend)) {
      Poller p = new Poller(setup);
      client = UnixStream.connect(backend, path);
      setup.registry().register(listener, Token.of(0), Interest.READABLE);
      setup.registry().register(client, Token.of(1), Interest.WRITABLE);
      server = acceptOne(p, 0, listener::accept);
      awaitConnected(p, 1, client::finishConnect);
      setup.registry().deregister(listener);
      setup.registry().deregister(client);
      return new UnixPair(listener, client, server);
    } catch (IOException | RuntimeException | Error e) {
      closeQuietly(e, client, server, listener);
      throw e;
    }
  }

  /** Accepts one connection from {@code listener} through a throw-away poll. */
  static TcpStream acceptThroughPoll(Backend backend, TcpListener listener) throws IOException {
    try (Poll setup = Poll.create(backend)) {
      setup.registry().register(listener, Token.of(0), Interest.READABLE);
      TcpStream s = acceptOne(new Poller(setup), 0, listener::accept);
      setup.registry().deregister(listener);
      return s;
    }
  }

  /** A blocking {@code java.net.Socket} peer connected to {@code address}, with a read timeout. */
  static Socket plainConnect(InetSocketAddress address) throws IOException {
    Socket s = new Socket();
    try {
      s.connect(address, (int) WAIT.toMillis());
      s.setSoTimeout((int) WAIT.toMillis());
      return s;
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  static void closeAll(AutoCloseable... resources) throws IOException {
    IOException first = null;
    for (AutoCloseable r : resources) {
      try {
        if (r != null) {
          r.close();
        }
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private static void closeQuietly(Throwable primary, AutoCloseable... resources) {
    for (AutoCloseable r : resources) {
      try {
        if (r != null) {
          r.close();
        }
      } catch (Exception e) {
        primary.addSuppressed(e);
      }
    }
  }

  // -- threads --------------------------------------------------------------------------------

  /**
   * Waits until {@code thread} is inside {@link Poll#poll} (its stack shows the call), then a
   * little longer so that it is blocked in the multiplexer rather than on its way in.
   */
  static void awaitInsidePoll(Thread thread) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      assertTrue(thread.isAlive(), thread.getName() + " ended before it blocked in poll");
      for (StackTraceElement f : thread.getStackTrace()) {
        if (f.getClassName().equals(Poll.class.getName()) && f.getMethodName().equals("poll")) {
          Thread.sleep(100);
          return;
        }
      }
      Thread.sleep(5);
    }
    fail(thread.getName() + " did not enter Poll.poll within " + WAIT.toMillis() + " ms");
  }

  /**
   * A thread that polls with no timeout and queues every event, so a test can act on the registry
   * and the sources from its own thread while the poll is blocked; stopped through a waker.
   */
  static final class BackgroundPoller implements AutoCloseable {
    private final Waker waker;
    private final java.util.concurrent.LinkedBlockingQueue<Seen> queue =
        new java.util.concurrent.LinkedBlockingQueue<>();
    private final List<Seen> backlog = new ArrayList<>();
    private final java.util.concurrent.CompletableFuture<Void> done =
        new java.util.concurrent.CompletableFuture<>();
    private final Thread thread;
    private volatile boolean stop;

    BackgroundPoller(Poll poll, long wakerToken) throws IOException {
      this.waker = Waker.create(poll.registry(), Token.of(wakerToken));
      this.thread =
          Thread.ofPlatform()
              .daemon()
              .name("background-poller")
              .start(
                  () -> {
                    Events events = Events.withCapacity(64);
                    try {
                      while (!stop) {
                        poll.poll(events, null);
                        for (Seen s : Seen.all(events)) {
                          if (s.token() != wakerToken) {
                            queue.add(s);
                          }
                        }
                      }
                      done.complete(null);
                    } catch (Throwable t) {
                      done.completeExceptionally(t);
                    }
                  });
    }

    /** Returns once the thread is blocked in {@link Poll#poll}. */
    void awaitBlocked() throws InterruptedException {
      awaitInsidePoll(thread);
    }

    Seen await(long token, Predicate<Seen> p, String what) throws Exception {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (true) {
        for (Iterator<Seen> it = backlog.iterator(); it.hasNext(); ) {
          Seen s = it.next();
          if (s.token() == token && p.test(s)) {
            it.remove();
            return s;
          }
        }
        if (done.isDone()) {
          done.get(); // rethrows the poller's failure
          fail("the background poller stopped");
        }
        Seen s = queue.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (s != null) {
          backlog.add(s);
        } else if (System.nanoTime() >= deadline) {
          fail(
              "the thread blocked in poll got no "
                  + what
                  + " for token "
                  + token
                  + " within "
                  + WAIT.toMillis()
                  + " ms; events seen: "
                  + backlog);
        }
      }
    }

    void assertNoEvent(long token, Duration quiet, String why) throws InterruptedException {
      backlog.clear();
      Thread.sleep(quiet.toMillis());
      queue.drainTo(backlog);
      for (Seen s : backlog) {
        assertTrue(s.token() != token, why + ": got an event for token " + token + ": " + backlog);
      }
      backlog.clear();
    }

    @Override
    public void close() throws Exception {
      stop = true;
      waker.wake();
      thread.join(WAIT.toMillis());
      assertTrue(!thread.isAlive(), "the background poller did not stop after a wake");
      done.get(); // rethrows the poller's failure
    }
  }

  // -- Linux process probes -------------------------------------------------------------------

  /** The process's open descriptors: number → link target (e.g. {@code socket:[123]}). */
  static Map<Integer, String> openFds() {
    Map<Integer, String> fds = new TreeMap<>();
    Path dir = Path.of("/proc/self/fd");
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path e : (Iterable<Path>) entries::iterator) {
        String target;
        try {
          target = Files.readSymbolicLink(e).toString();
        } catch (IOException gone) {
          continue; // the directory stream's own descriptor, closed by now
        }
        fds.put(Integer.parseInt(e.getFileName().toString()), target);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return fds;
  }

  /** The soft limit on open files ({@code ulimit -n}) as the JVM sees it, or -1 if unknown. */
  static long openFileLimit() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
          return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
