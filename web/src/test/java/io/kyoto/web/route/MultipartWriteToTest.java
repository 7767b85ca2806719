package io.kyoto.web.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.stream.Stream;
import io.kyoto.runtime.stream.Streams;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link MultipartStream.Part#writeTo} leaves no partial file when it fails or is cancelled. */
@Timeout(60)
class MultipartWriteToTest {
  @TempDir Path dir;

  static final String HEAD =
      "--B\r\ncontent-disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n"
          + "content-type: application/octet-stream\r\n\r\n";

  /** A body that gives {@code HEAD} and 5 bytes of the part, then fails or never goes on. */
  static Stream<ByteBuffer> cutOff(IOException failure) {
    return new Stream<>() {
      int step;

      @Override
      public Poll<ByteBuffer> pollNext(Context cx) throws IOException {
        if (step++ == 0) {
          return Poll.ready(ByteBuffer.wrap((HEAD + "hello").getBytes(StandardCharsets.UTF_8)));
        }
        if (failure != null) throw failure;
        return Poll.pending(); // the client stalls
      }
    };
  }

  static Future<Void> storeEachPart(Stream<ByteBuffer> body, Path file) {
    MultipartStream form = MultipartStream.of("B", body, MultipartLimits.defaults());
    return form.forEachAsync(part -> part.writeTo(file).discard());
  }

  @Test
  void aWriteThatFailsRemovesItsFileBeforeReportingTheFailure() throws Exception {
    Path file = dir.resolve("upload.bin");
    try (Runtime rt = Runtime.builder().currentThread().enableAll().build()) {
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  rt.blockOn(storeEachPart(cutOff(new IOException("the client went away")), file)));
      assertEquals("the client went away", e.getMessage());
      assertFalse(Files.exists(file), "a partial file was left");
    }
  }

  @Test
  void aCancelledWriteRemovesItsFile() throws Exception {
    Path file = dir.resolve("upload.bin");
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(1).enableAll().build()) {
      Future<Void> stalled = storeEachPart(cutOff(null), file);
      // Cancelled once the part's first bytes are on disk: the timeout polls the write, which
      // waits for data that never comes.
      rt.blockOn(
          io.kyoto.runtime.Select.<String>builder()
              .branch(stalled, v -> "stored")
              .branch(untilFileHas(file, 5), v -> "on disk")
              .biased()
              .build());
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (Files.exists(file) && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertFalse(Files.exists(file), "the cancelled write left its partial file");
    }
  }

  /** {@return a future that completes once {@code file} holds {@code n} bytes (checked each ms)} */
  static Future<Void> untilFileHas(Path file, long n) {
    return new Future<>() {
      private Future<Void> nap;

      @Override
      public Poll<Void> poll(Context cx) throws Exception {
        while (true) {
          if (nap != null) {
            if (nap.poll(cx).isPending()) return Poll.pending();
            nap = null;
          }
          if (Files.exists(file) && Files.size(file) >= n) return Poll.ready(null);
          nap = Time.sleep(Duration.ofMillis(1));
        }
      }

      @Override
      public void cancel() {
        if (nap != null) nap.cancel();
      }
    };
  }

  @Test
  void aPathThatCannotBeCreatedIsLeftAlone() throws Exception {
    Path existing = Files.createDirectory(dir.resolve("a-directory"));
    try (Runtime rt = Runtime.builder().currentThread().enableAll().build()) {
      Stream<ByteBuffer> whole =
          Streams.of(
              ByteBuffer.wrap((HEAD + "hello\r\n--B--\r\n").getBytes(StandardCharsets.UTF_8)));
      assertThrows(Exception.class, () -> rt.blockOn(storeEachPart(whole, existing)));
      assertTrue(Files.isDirectory(existing), "the directory was removed");
    }
  }

  @Test
  void aCompleteWriteKeepsItsFile() throws Exception {
    Path file = dir.resolve("upload.bin");
    try (Runtime rt = Runtime.builder().currentThread().enableAll().build()) {
      Stream<ByteBuffer> whole =
          Streams.of(
              ByteBuffer.wrap((HEAD + "hello\r\n--B--\r\n").getBytes(StandardCharsets.UTF_8)));
      rt.blockOn(storeEachPart(whole, file));
      assertEquals("hello", Files.readString(file));
    }
  }
}
