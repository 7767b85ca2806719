package io.kyoto.reactor;

import static io.kyoto.reactor.ReactorTestSupport.readAtLeast;
import static io.kyoto.reactor.ReactorTestSupport.readToEof;
import static io.kyoto.reactor.ReactorTestSupport.utf8;
import static io.kyoto.reactor.ReactorTestSupport.writeAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kyoto.reactor.ReactorTestSupport.Poller;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of {@link Pipe}, {@link PipeSender} and {@link PipeReceiver} under a {@link Poll}:
 * transfer, end of stream when the sender closes, back-pressure of a full pipe, a broken pipe when
 * the receiver closes, and (on epoll) reopening an end through its descriptor path as a child
 * process is given it.
 */
abstract class PipeContract extends BackendContract {
  static final long RECEIVER = 10;
  static final long SENDER = 11;

  private Pipe registered(Poll poll) throws IOException {
    Pipe pipe = Pipe.open(backend());
    poll.registry().register(pipe.receiver(), Token.of(RECEIVER), Interest.READABLE);
    poll.registry().register(pipe.sender(), Token.of(SENDER), Interest.WRITABLE);
    return pipe;
  }

  private static void closeBoth(Pipe pipe) throws IOException {
    pipe.sender().close();
    pipe.receiver().close();
  }

  @Test
  @Timeout(10)
  void bytesGoThroughInOrderAndTheReceiverEndsWhenTheSenderCloses() throws Exception {
    try (Poll poll = newPoll()) {
      Pipe pipe = registered(poll);
      try {
        Poller p = new Poller(poll);
        assertEquals(
            IoResult.WOULD_BLOCK, pipe.receiver().read(ByteBuffer.allocate(16)), "empty pipe");
        writeAll(p, SENDER, pipe.sender()::write, ByteBuffer.wrap(utf8("through a pipe")));
        assertEquals("through a pipe", utf8(readAtLeast(p, RECEIVER, pipe.receiver()::read, 14)));
        writeAll(p, SENDER, pipe.sender()::write, ByteBuffer.wrap(utf8(", then the end")));
        pipe.sender().close();
        assertTrue(!pipe.sender().isOpen());
        assertEquals(", then the end", utf8(readToEof(p, RECEIVER, pipe.receiver()::read)));
        assertEquals(IoResult.EOF, pipe.receiver().read(ByteBuffer.allocate(1)), "EOF stays");
      } finally {
        closeBoth(pipe);
      }
    }
  }

  /**
   * A sender that fills the pipe would block; once the receiver drains it, a writable event comes
   * and more goes through: 1 MiB, far more than a pipe holds (64 KiB by default on Linux).
   */
  @Test
  @Timeout(20)
  void aFullPipeWouldBlockUntilTheReceiverDrainsIt() throws Exception {
    byte[] data = new byte[1 << 20];
    new Random(7).nextBytes(data);
    try (Poll poll = newPoll()) {
      Pipe pipe = registered(poll);
      try {
        Poller p = new Poller(poll);
        ByteBuffer src = ByteBuffer.wrap(data);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        ByteBuffer scratch = ByteBuffer.allocate(32 * 1024);
        int fills = 0;
        while (true) {
          int n;
          while (src.hasRemaining() && (n = pipe.sender().write(src)) != IoResult.WOULD_BLOCK) {
            assertTrue(n > 0, "write returned " + n);
          }
          if (!src.hasRemaining()) {
            break;
          }
          fills++;
          assertTrue(got.size() < src.position(), "the pipe holds what was not read");
          int r;
          while ((r = pipe.receiver().read(scratch.clear())) > 0) {
            got.write(scratch.array(), 0, r);
          }
          assertEquals(IoResult.WOULD_BLOCK, r, "drained, not ended");
          p.awaitWritable(SENDER); // the room the drain made
        }
        assertTrue(fills >= 2, "the pipe was full " + fills + " times");
        pipe.sender().close();
        got.writeBytes(readToEof(p, RECEIVER, pipe.receiver()::read));
        assertArrayEquals(data, got.toByteArray());
      } finally {
        closeBoth(pipe);
      }
    }
  }

  @Test
  @Timeout(10)
  void aWriteAfterTheReceiverClosedFailsAndTheSenderIsToldSo() throws Exception {
    try (Poll poll = newPoll()) {
      Pipe pipe = registered(poll);
      try {
        Poller p = new Poller(poll);
        p.awaitWritable(SENDER); // the initial room
        pipe.receiver().close();
        ByteBuffer src = ByteBuffer.allocate(4096);
        IOException e = assertThrows(IOException.class, () -> pipe.sender().write(src));
        assertTrue(
            String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("pipe"),
            "a broken pipe: " + e);
        assertEquals(0, src.position(), "nothing was written");
      } finally {
        closeBoth(pipe);
      }
    }
  }

  @Test
  @Timeout(10)
  void aClosedEndRefusesEverything() throws Exception {
    Pipe pipe = Pipe.open(backend());
    closeBoth(pipe);
    closeBoth(pipe); // idempotent
    assertTrue(!pipe.receiver().isOpen() && !pipe.sender().isOpen());
    assertThrows(IOException.class, () -> pipe.receiver().read(ByteBuffer.allocate(1)));
    assertThrows(IOException.class, () -> pipe.sender().write(ByteBuffer.allocate(1)));
    assertThrows(ClosedChannelException.class, () -> pipe.sender().descriptorPath());
    assertThrows(ClosedChannelException.class, () -> pipe.receiver().descriptorPath());
    try (Poll poll = newPoll()) {
      assertThrows(
          IOException.class,
          () -> poll.registry().register(pipe.receiver(), Token.of(RECEIVER), Interest.READABLE));
    }
  }

  @Test
  void onlyEpollNamesTheDescriptor() throws Exception {
    Pipe pipe = Pipe.open(backend());
    try {
      if (isEpoll() && Files.isDirectory(Path.of("/proc/self/fd"))) {
        Path r = pipe.receiver().descriptorPath().orElseThrow();
        Path w = pipe.sender().descriptorPath().orElseThrow();
        assertTrue(r.startsWith("/proc/self/fd") && w.startsWith("/proc/self/fd"), r + " " + w);
        assertTrue(Files.readSymbolicLink(r).toString().startsWith("pipe:"), r.toString());
        assertEquals(Files.readSymbolicLink(r), Files.readSymbolicLink(w), "one pipe");
      } else {
        assertTrue(pipe.receiver().descriptorPath().isEmpty());
        assertTrue(pipe.sender().descriptorPath().isEmpty());
      }
    } finally {
      closeBoth(pipe);
    }
  }

  /**
   * What handing an end to a child relies on: opening the descriptor path opens the pipe again
   * without waiting (in both directions), the copy is blocking while the registered end stays
   * non-blocking, and the receiver sees the end only once every copy of the sender is closed.
   */
  @Test
  @Timeout(10)
  void anEndReopenedThroughItsDescriptorPathIsABlockingCopyOfIt() throws Exception {
    assumeTrue(isEpoll() && Files.isDirectory(Path.of("/proc/self/fd")), "epoll and /proc only");
    try (Poll poll = newPoll()) {
      Pipe toUs = registered(poll);
      Pipe fromUs = Pipe.open(backend());
      try {
        Poller p = new Poller(poll);
        // As Redirect.to: a write-only open of the sender's path, as a child's stdout gets it.
        try (OutputStream childOut =
            new FileOutputStream(toUs.sender().descriptorPath().orElseThrow().toFile())) {
          toUs.sender().close(); // the parent's copy: only the reopened one is left
          childOut.write(utf8("from the copy"));
          childOut.flush();
          assertEquals("from the copy", utf8(readAtLeast(p, RECEIVER, toUs.receiver()::read, 13)));
          assertEquals(IoResult.WOULD_BLOCK, toUs.receiver().read(ByteBuffer.allocate(8)));
        }
        assertEquals(0, readToEof(p, RECEIVER, toUs.receiver()::read).length, "then the end");

        // As Redirect.from: a read-only open of the receiver's path, as a child's stdin gets it.
        try (InputStream childIn =
            new FileInputStream(fromUs.receiver().descriptorPath().orElseThrow().toFile())) {
          fromUs.receiver().close();
          // Blocking: a read waits for the bytes (non-blocking would fail at once with EAGAIN).
          CompletableFuture<byte[]> read =
              CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return childIn.readNBytes(9);
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  });
          Thread.sleep(100);
          assertTrue(!read.isDone(), "the reopened read end waits for data");
          assertEquals(9, fromUs.sender().write(ByteBuffer.wrap(utf8("to a copy"))));
          assertEquals("to a copy", utf8(read.get(5, TimeUnit.SECONDS)));
          fromUs.sender().close();
          assertEquals(-1, childIn.read(), "the copy reads the end once the sender is closed");
        }
      } finally {
        closeBoth(toUs);
        closeBoth(fromUs);
      }
    }
  }
}
