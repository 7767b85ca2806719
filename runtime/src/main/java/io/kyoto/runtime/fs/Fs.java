package io.kyoto.runtime.fs;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.internal.blocking.BlockingCall;
import io.kyoto.runtime.stream.Stream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.Arrays;
import java.util.Objects;

/**
 * One-shot file-system operations that do not block the runtime: tokio's {@code tokio::fs}
 * functions. Each returns a lazy future that runs the JDK's {@link Files} call on the blocking pool
 * at its first poll (see the {@linkplain io.kyoto.runtime.fs package} description); failures are
 * the JDK's own {@link IOException}s.
 *
 * {@snippet :
 * Future<Void> saved = Fs.createDirAll(dir)
 *     .flatMap(v -> Fs.writeString(dir.resolve("state.json"), json));
 * Future<String> config = Fs.readToString(Path.of("app.conf"));
 * }
 *
 * <p>For many small operations in a row, one {@link io.kyoto.runtime.Task#spawnBlocking} that does
 * them all with {@link Files} costs one hand-off instead of one per call, as tokio advises.
 */
public final class Fs {
  private Fs() {}

  /**
   * {@return a future of the whole file's bytes} As tokio's {@code fs::read}.
   *
   * @param path the file
   */
  public static Future<byte[]> read(Path path) {
    Objects.requireNonNull(path, "path");
    return new BlockingCall<>("Fs.read(" + path + ")", () -> Files.readAllBytes(path));
  }

  /**
   * {@return a future of the whole file decoded as UTF-8} Fails with {@link
   * java.nio.charset.MalformedInputException} if the file is not valid UTF-8, as tokio's {@code
   * fs::read_to_string} fails with {@code InvalidData}.
   *
   * @param path the file
   */
  public static Future<String> readToString(Path path) {
    Objects.requireNonNull(path, "path");
    return new BlockingCall<>("Fs.readToString(" + path + ")", () -> Files.readString(path));
  }

  /**
   * {@return a future that writes {@code contents} as the whole file} Creates the file if it does
   * not exist and truncates it if it does, as tokio's {@code fs::write}. The bytes are copied when
   * this method is called, so the caller may reuse the array at once.
   *
   * @param path the file
   * @param contents the bytes
   */
  public static Future<Void> write(Path path, byte[] contents) {
    Objects.requireNonNull(path, "path");
    byte[] copy = Arrays.copyOf(contents, contents.length);
    return new BlockingCall<>(
        "Fs.write(" + path + ")",
        () -> {
          Files.write(path, copy);
          return null;
        });
  }

  /**
   * {@return a future that writes {@code text}, encoded as UTF-8, as the whole file} As {@link
   * #write(Path, byte[])}.
   *
   * @param path the file
   * @param text the text, encoded when this method is called
   */
  public static Future<Void> writeString(Path path, CharSequence text) {
    return write(path, text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@return a future that creates one directory} Fails with {@link
   * java.nio.file.FileAlreadyExistsException} if the path exists and {@link NoSuchFileException} if
   * its parent does not, as tokio's {@code fs::create_dir}.
   *
   * @param path the new directory
   */
  public static Future<Void> createDir(Path path) {
    Objects.requireNonNull(path, "path");
    return run("createDir(" + path + ")", () -> Files.createDirectory(path));
  }

  /**
   * {@return a future that creates a directory and every missing parent} Succeeds if the directory
   * exists already, as tokio's {@code fs::create_dir_all}.
   *
   * @param path the directory
   */
  public static Future<Void> createDirAll(Path path) {
    Objects.requireNonNull(path, "path");
    return run("createDirAll(" + path + ")", () -> Files.createDirectories(path));
  }

  /**
   * {@return a future that removes a file or a symbolic link} Fails for a directory (use {@link
   * #removeDir} or {@link #removeDirAll}), as tokio's {@code fs::remove_file}.
   *
   * @param path the file
   */
  public static Future<Void> removeFile(Path path) {
    Objects.requireNonNull(path, "path");
    return run(
        "removeFile(" + path + ")",
        () -> {
          if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileSystemException(path.toString(), null, "Is a directory");
          }
          Files.delete(path);
        });
  }

  /**
   * {@return a future that removes an empty directory} Fails with {@link
   * DirectoryNotEmptyException} if it has entries and {@link NotDirectoryException} if the path is
   * not a directory, as tokio's {@code fs::remove_dir}.
   *
   * @param path the directory
   */
  public static Future<Void> removeDir(Path path) {
    Objects.requireNonNull(path, "path");
    return run(
        "removeDir(" + path + ")",
        () -> {
          if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
              throw new NoSuchFileException(path.toString());
            }
            throw new NotDirectoryException(path.toString());
          }
          Files.delete(path);
        });
  }

  /**
   * {@return a future that removes a directory and everything in it} Symbolic links inside are
   * removed, never followed, as tokio's {@code fs::remove_dir_all}. Fails with {@link
   * NoSuchFileException} if the directory does not exist.
   *
   * @param path the directory
   */
  public static Future<Void> removeDirAll(Path path) {
    Objects.requireNonNull(path, "path");
    return run(
        "removeDirAll(" + path + ")",
        () -> {
          if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
              throw new NoSuchFileException(path.toString());
            }
            throw new NotDirectoryException(path.toString());
          }
          Files.walkFileTree(
              path,
              new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                    throws IOException {
                  Files.delete(file);
                  return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException failure)
                    throws IOException {
                  if (failure != null) {
                    throw failure;
                  }
                  Files.delete(dir);
                  return FileVisitResult.CONTINUE;
                }
              });
        });
  }

  /**
   * {@return a future that renames {@code from} to {@code to}, replacing {@code to} if it is a
   * file} One atomic {@code rename(2)}, as tokio's {@code fs::rename}: it fails with {@link
   * java.nio.file.AtomicMoveNotSupportedException} across file systems rather than copying.
   *
   * @param from the existing path
   * @param to the new path
   */
  public static Future<Void> rename(Path from, Path to) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    return run(
        "rename(" + from + ", " + to + ")",
        () -> Files.move(from, to, StandardCopyOption.ATOMIC_MOVE));
  }

  /**
   * {@return a future of the number of bytes copied from {@code from} to {@code to}} As tokio's
   * {@code fs::copy} ({@code std::fs::copy}): {@code from} must be a file (a link to one is
   * followed); {@code to} is created, or opened and truncated (following a link), so an existing
   * directory there is an error; the permissions are copied too. Copying a file onto itself leaves
   * it unchanged (where {@code std} would truncate it) and counts its size.
   *
   * @param from the file to copy
   * @param to the copy
   */
  public static Future<Long> copy(Path from, Path to) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    return new BlockingCall<>("Fs.copy(" + from + ", " + to + ")", () -> copyFile(from, to));
  }

  /**
   * On the blocking pool: {@link #copy}. {@code Files.copy} would copy a directory as an empty one
   * and, with {@code REPLACE_EXISTING}, delete an empty directory or a link at the target.
   */
  private static long copyFile(Path from, Path to) throws IOException {
    BasicFileAttributes source = Files.readAttributes(from, BasicFileAttributes.class);
    if (!source.isRegularFile()) {
      throw new FileSystemException(
          from.toString(), to.toString(), "the source is not a regular file");
    }
    if (Files.exists(to) && Files.isSameFile(from, to)) {
      return source.size();
    }
    long copied = 0;
    try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
        FileChannel out =
            FileChannel.open(
                to,
                StandardOpenOption.WRITE,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
      for (long n; (n = in.transferTo(copied, Long.MAX_VALUE - copied, out)) > 0; ) {
        copied += n;
      }
    }
    PosixFileAttributeView view = Files.getFileAttributeView(from, PosixFileAttributeView.class);
    if (view != null) {
      Files.setPosixFilePermissions(to, view.readAttributes().permissions());
    }
    return copied;
  }

  /**
   * {@return a future of the attributes of {@code path}, following symbolic links} As tokio's
   * {@code fs::metadata}.
   *
   * @param path the path
   */
  public static Future<BasicFileAttributes> metadata(Path path) {
    Objects.requireNonNull(path, "path");
    return new BlockingCall<>(
        "Fs.metadata(" + path + ")", () -> Files.readAttributes(path, BasicFileAttributes.class));
  }

  /**
   * {@return a future of the attributes of {@code path} itself, not of a link's target} As tokio's
   * {@code fs::symlink_metadata}.
   *
   * @param path the path
   */
  public static Future<BasicFileAttributes> symlinkMetadata(Path path) {
    Objects.requireNonNull(path, "path");
    return new BlockingCall<>(
        "Fs.symlinkMetadata(" + path + ")",
        () -> Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
  }

  /**
   * {@return a future of whether {@code path} exists (following links)} {@code false} only when it
   * does not; any other failure (a permission denied on a parent) fails the future, as tokio's
   * {@code fs::try_exists} and unlike {@link Files#exists}, which says {@code false} for both.
   *
   * @param path the path
   */
  public static Future<Boolean> tryExists(Path path) {
    Objects.requireNonNull(path, "path");
    return new BlockingCall<>(
        "Fs.tryExists(" + path + ")",
        () -> {
          try {
            Files.readAttributes(path, BasicFileAttributes.class);
            return true;
          } catch (NoSuchFileException e) {
            return false;
          }
        });
  }

  /**
   * {@return a future of the absolute path with every link and {@code .}/{@code ..} resolved} Fails
   * if the path does not exist, as tokio's {@code fs::canonicalize}.
   *
   * @param path the path
   */
  public static Future<Path> canonicalize(Path path) {
    Objects.requireNonNull(path, "path");
    return new BlockingCall<>("Fs.canonicalize(" + path + ")", path::toRealPath);
  }

  /**
   * {@return a future of a symbolic link's target, as stored} As tokio's {@code fs::read_link}.
   *
   * @param link the link
   */
  public static Future<Path> readLink(Path link) {
    Objects.requireNonNull(link, "link");
    return new BlockingCall<>("Fs.readLink(" + link + ")", () -> Files.readSymbolicLink(link));
  }

  /**
   * {@return a future that creates a symbolic link at {@code link} pointing to {@code target}} As
   * tokio's {@code fs::symlink}.
   *
   * @param target what the link points to (not checked)
   * @param link where the link is created
   */
  public static Future<Void> symlink(Path target, Path link) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(link, "link");
    return run(
        "symlink(" + target + ", " + link + ")", () -> Files.createSymbolicLink(link, target));
  }

  /**
   * {@return a future that creates a hard link at {@code link} to the existing file {@code
   * original}} As tokio's {@code fs::hard_link}.
   *
   * @param original the existing file
   * @param link the new name
   */
  public static Future<Void> hardLink(Path original, Path link) {
    Objects.requireNonNull(original, "original");
    Objects.requireNonNull(link, "link");
    return run("hardLink(" + original + ", " + link + ")", () -> Files.createLink(link, original));
  }

  /**
   * {@return the entries of a directory, without {@code .} and {@code ..}, in the order the file
   * system lists them} Read in batches of 32 on the blocking pool, as tokio's {@code fs::read_dir};
   * the directory is opened at the first poll and closed at the end, on a failure, or when the
   * stream is cancelled.
   *
   * @param dir the directory
   */
  public static Stream<Path> readDir(Path dir) {
    return new ReadDir(Objects.requireNonNull(dir, "dir"));
  }

  /** A blocking call with no result. */
  @FunctionalInterface
  private interface Action {
    void run() throws Exception;
  }

  private static Future<Void> run(String what, Action action) {
    return new BlockingCall<>(
        "Fs." + what,
        () -> {
          action.run();
          return null;
        });
  }
}
