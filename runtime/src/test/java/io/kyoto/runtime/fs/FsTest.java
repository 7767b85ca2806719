package io.kyoto.runtime.fs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.io.IoTestSupport.CountingWaker;
import io.kyoto.runtime.io.IoTestSupport.HeldBlockingThread;
import io.kyoto.runtime.stream.Stream;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link Fs}: tokio's {@code fs} functions on the blocking pool, failures unwrapped. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FsTest {
  @TempDir Path dir;

  private final Runtime rt = Runtime.builder().multiThread().workerThreads(2).enableAll().build();

  @AfterEach
  void close() {
    rt.close();
  }

  private <T> T run(Future<T> f) throws Exception {
    return rt.blockOn(f);
  }

  @Test
  void writeThenReadGivesTheSameBytesAndText() throws Exception {
    Path f = dir.resolve("a.bin");
    byte[] bytes = {0, 1, 2, (byte) 0xff};
    run(Fs.write(f, bytes));
    assertArrayEquals(bytes, run(Fs.read(f)));
    run(Fs.writeString(f, "héllo, wörld"));
    assertEquals("héllo, wörld", run(Fs.readToString(f)));
    assertArrayEquals("héllo, wörld".getBytes(UTF_8), Files.readAllBytes(f), "truncated first");
  }

  @Test
  void aMissingFileFailsWithTheJdksExceptionNotAJoinException() {
    Path missing = dir.resolve("missing");
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> run(Fs.read(missing)));
    assertEquals(missing.toString(), e.getFile());
    assertThrows(NoSuchFileException.class, () -> run(Fs.readToString(missing)));
    assertThrows(NoSuchFileException.class, () -> run(Fs.metadata(missing)));
  }

  @Test
  void writeCopiesTheArraySoTheCallerMayReuseItAtOnce() throws Exception {
    Path f = dir.resolve("copy");
    byte[] bytes = "first".getBytes(UTF_8);
    Future<Void> w = Fs.write(f, bytes);
    bytes[0] = 'X';
    run(w);
    assertEquals("first", Files.readString(f));
  }

  @Test
  void futuresAreLazyNothingHappensBeforeTheFirstPoll() throws Exception {
    Path d = dir.resolve("lazy");
    Future<Void> create = Fs.createDir(d);
    assertFalse(Files.exists(d));
    run(create);
    assertTrue(Files.isDirectory(d));
  }

  @Test
  void createDirAndCreateDirAll() throws Exception {
    Path nested = dir.resolve("a/b/c");
    assertThrows(NoSuchFileException.class, () -> run(Fs.createDir(nested)));
    run(Fs.createDirAll(nested));
    assertTrue(Files.isDirectory(nested));
    run(Fs.createDirAll(nested)); // exists already: fine, as tokio's create_dir_all
    assertThrows(FileAlreadyExistsException.class, () -> run(Fs.createDir(nested)));
  }

  @Test
  void removeFileRefusesADirectoryAndRemoveDirRefusesAFileOrANonEmptyDirectory() throws Exception {
    Path d = Files.createDirectory(dir.resolve("d"));
    Path f = Files.writeString(d.resolve("f"), "x");
    FileSystemException e = assertThrows(FileSystemException.class, () -> run(Fs.removeFile(d)));
    assertTrue(e.getMessage().contains("Is a directory"), e.getMessage());
    assertTrue(Files.isDirectory(d), "a directory is never removed by removeFile");
    assertThrows(DirectoryNotEmptyException.class, () -> run(Fs.removeDir(d)));
    assertThrows(NotDirectoryException.class, () -> run(Fs.removeDir(f)));
    assertTrue(Files.exists(f), "a file is never removed by removeDir");
    run(Fs.removeFile(f));
    run(Fs.removeDir(d));
    assertFalse(Files.exists(d));
    assertThrows(NoSuchFileException.class, () -> run(Fs.removeDir(d)));
    assertThrows(NoSuchFileException.class, () -> run(Fs.removeFile(f)));
  }

  @Test
  void removeDirAllRemovesATreeButNeverFollowsALinkOutOfIt() throws Exception {
    Path outside = Files.createDirectory(dir.resolve("outside"));
    Path keep = Files.writeString(outside.resolve("keep"), "precious");
    Path tree = Files.createDirectories(dir.resolve("tree/x/y"));
    Files.writeString(tree.resolve("f"), "1");
    Files.createSymbolicLink(dir.resolve("tree/link"), outside);
    run(Fs.removeDirAll(dir.resolve("tree")));
    assertFalse(Files.exists(dir.resolve("tree")));
    assertEquals("precious", Files.readString(keep));
    assertThrows(NoSuchFileException.class, () -> run(Fs.removeDirAll(dir.resolve("tree"))));
    assertThrows(NotDirectoryException.class, () -> run(Fs.removeDirAll(keep)));
  }

  @Test
  void renameReplacesAnExistingFileAndCopyCountsTheBytes() throws Exception {
    Path a = Files.writeString(dir.resolve("a"), "new");
    Path b = Files.writeString(dir.resolve("b"), "old contents");
    run(Fs.rename(a, b));
    assertFalse(Files.exists(a));
    assertEquals("new", Files.readString(b));
    assertEquals(3L, run(Fs.copy(b, dir.resolve("c"))));
    assertEquals("new", Files.readString(dir.resolve("c")));
    Files.writeString(b, "longer now");
    assertEquals(10L, run(Fs.copy(b, dir.resolve("c"))), "replaces the copy");
    assertEquals("longer now", Files.readString(dir.resolve("c")));
  }

  @Test
  void copyCopiesAFileOnlyAndWritesThroughALinkAtTheTarget() throws Exception {
    // As std::fs::copy (tokio's fs::copy): the source must be a file, an existing directory at the
    // target is an error, and the target is opened and truncated, following a link, not replaced.
    Path source = Files.createDirectory(dir.resolve("source-dir"));
    Files.writeString(source.resolve("inside"), "x");
    assertThrows(IOException.class, () -> run(Fs.copy(source, dir.resolve("copy"))));
    assertFalse(Files.exists(dir.resolve("copy")), "no empty directory made for a directory");
    Path file = Files.writeString(dir.resolve("file"), "contents");
    Path emptyDir = Files.createDirectory(dir.resolve("empty-dir"));
    assertThrows(IOException.class, () -> run(Fs.copy(file, emptyDir)));
    assertTrue(Files.isDirectory(emptyDir), "the directory at the target is left alone");
    Path real = Files.writeString(dir.resolve("real"), "old");
    Path link = Files.createSymbolicLink(dir.resolve("link"), real);
    assertEquals(8L, run(Fs.copy(file, link)));
    assertTrue(Files.isSymbolicLink(link), "the link stays a link");
    assertEquals("contents", Files.readString(real), "the copy went through the link");
    assertEquals(8L, run(Fs.copy(file, file)), "a file copied onto itself keeps its contents");
    assertEquals("contents", Files.readString(file));
  }

  @Test
  void metadataExistsLinksAndCanonicalPaths() throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "12345");
    Path link = dir.resolve("link");
    run(Fs.symlink(f, link));
    assertEquals(f, run(Fs.readLink(link)));
    assertEquals(5L, run(Fs.metadata(link)).size(), "metadata follows the link");
    assertTrue(run(Fs.symlinkMetadata(link)).isSymbolicLink());
    assertEquals(f.toRealPath(), run(Fs.canonicalize(dir.resolve("sub/../link").normalize())));
    assertTrue(run(Fs.tryExists(link)));
    assertFalse(run(Fs.tryExists(dir.resolve("nope"))));
    Path hard = dir.resolve("hard");
    run(Fs.hardLink(f, hard));
    assertEquals("12345", Files.readString(hard));
    Files.delete(f);
    assertFalse(run(Fs.tryExists(link)), "a dangling link does not exist, as tokio's");
  }

  @Test
  void readDirListsEveryEntryOnceAcrossBatches() throws Exception {
    Set<Path> expected = new HashSet<>();
    for (int i = 0; i < 3 * ReadDir.BATCH + 5; i++) {
      expected.add(Files.createFile(dir.resolve("e" + i)));
    }
    List<Path> listed = run(Fs.readDir(dir).toList());
    assertEquals(expected.size(), listed.size());
    assertEquals(expected, new HashSet<>(listed));
    assertEquals(List.of(), run(Fs.readDir(Files.createDirectory(dir.resolve("empty"))).toList()));
  }

  @Test
  void readDirOfAMissingDirectoryFailsWithNoSuchFileException() {
    assertThrows(NoSuchFileException.class, () -> run(Fs.readDir(dir.resolve("no")).toList()));
  }

  @Test
  void aCancelledReadDirClosesTheDirectory() throws Exception {
    for (int i = 0; i < 2 * ReadDir.BATCH; i++) {
      Files.createFile(dir.resolve("e" + i));
    }
    long before = openFds();
    List<Stream<Path>> streams = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Stream<Path> s = Fs.readDir(dir);
      streams.add(s);
      run(s.next()); // first batch read: the directory stays open for the next one
    }
    long open = openFds();
    assertTrue(
        open >= before + 40, "each stream holds its directory open: " + before + " -> " + open);
    streams.forEach(Stream::cancel);
    long after = openFds();
    assertTrue(after < before + 10, "cancel closed them: " + before + " -> " + after);
  }

  /**
   * A cancelled one-shot operation whose job has not started takes back the waker it left with the
   * job: the job is dropped, and its end (as cancelled) wakes nobody. The same future type runs
   * every {@code Fs} call, {@code File.open} and {@code Command.start}.
   */
  @Test
  void aCancelledOneShotOperationLeavesNoWakerWithItsJob() throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "data");
    List<Function<Path, Future<?>>> ops = List.of(Fs::read, Fs::metadata, File::open);
    for (int i = 0; i < ops.size(); i++) {
      Function<Path, Future<?>> op = ops.get(i);
      try (HeldBlockingThread held = new HeldBlockingThread()) {
        held.hold();
        CountingWaker cancelled = new CountingWaker();
        cancelled.pollPendingThenCancel(held.runtime(), () -> op.apply(f));
        held.releaseAndDrain();
        assertEquals(0, cancelled.wakes(), "operation " + i + ": the cancelled task was woken");
      }
    }
  }

  /** A cancelled {@code readDir} stream takes back the waker it left with its batch's job. */
  @Test
  void aCancelledReadDirLeavesNoWakerWithItsJob() throws Exception {
    Files.createFile(dir.resolve("e"));
    try (HeldBlockingThread held = new HeldBlockingThread()) {
      held.hold();
      CountingWaker cancelled = new CountingWaker();
      held.runtime()
          .blockOn(
              Futures.lazy(
                  () -> {
                    Stream<Path> s = Fs.readDir(dir);
                    assertTrue(s.pollNext(new Context(cancelled)).isPending(), "waits for a batch");
                    s.cancel();
                    return Futures.ready(null);
                  }));
      held.releaseAndDrain();
      assertEquals(0, cancelled.wakes(), "the cancelled stream's task was woken");
    }
  }

  private static long openFds() throws IOException {
    try (var s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    }
  }
}
