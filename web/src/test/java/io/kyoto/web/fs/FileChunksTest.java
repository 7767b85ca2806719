package io.kyoto.web.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Waker;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link FileChunks}, the streamed body of a static file, when its reader gives up. */
class FileChunksTest {

  @Test
  @Timeout(30)
  void aCancelledReadLeavesNoWakerWithTheBlockingRead(@TempDir Path dir) throws Exception {
    // A FIFO: the blocking read (its open, in fact) waits until the test lets it end.
    Path fifo = dir.resolve("fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo");
    AtomicInteger wakes = new AtomicInteger();
    Waker counting = wakes::incrementAndGet;
    try (Runtime rt = Runtime.builder().currentThread().enableAll().build()) {
      FileChunks chunks = new FileChunks(fifo, 0, 16, 16);
      rt.blockOn(
          Futures.lazy(
              () -> {
                assertTrue(chunks.pollNext(new Context(counting)).isPending());
                return Futures.ready(null);
              }));
      Thread.sleep(100); // the blocking job is in its open(), waiting for a writer
      chunks.cancel();
      // Let the job end: a writer opens and closes at once, the read meets the end early.
      try (FileOutputStream writer = new FileOutputStream(fifo.toFile())) {
        writer.flush();
      }
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      while (System.nanoTime() < end && wakes.get() == 0) Thread.sleep(10);
      assertEquals(0, wakes.get(), "the cancelled read's task was woken by the job's end");
    }
    assertTrue(Files.exists(fifo));
  }
}
