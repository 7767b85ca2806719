package io.kyoto.runtime.fs;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.internal.blocking.BlockingCall;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * How to open a {@link File}: tokio's (and {@code std}'s) {@code OpenOptions}. Start from {@link
 * File#options()}, choose the access ({@link #read}, {@link #write}, {@link #append}) and what to
 * do about an existing or missing file ({@link #create}, {@link #createNew}, {@link #truncate}),
 * then {@link #open}.
 *
 * {@snippet :
 * Future<File> log = File.options().append(true).create(true).open(Path.of("app.log"));
 * }
 *
 * <p>The rules are {@code std}'s: at least one of read, write or append; creating or truncating
 * needs write or append access; {@code append} with {@code truncate} is refused. Unlike {@code
 * std}, {@code read} with {@code append} is refused too (the JDK's {@link FileChannel} does not
 * offer it). A combination that breaks them fails the {@link #open} future with {@link
 * IllegalArgumentException}.
 *
 * <p><b>Thread safety:</b> a builder; not thread safe.
 */
public final class OpenOptions {
  private boolean read;
  private boolean write;
  private boolean append;
  private boolean truncate;
  private boolean create;
  private boolean createNew;

  OpenOptions() {}

  /**
   * Opens for reading.
   *
   * @param on whether to read
   * @return this
   */
  public OpenOptions read(boolean on) {
    read = on;
    return this;
  }

  /**
   * Opens for writing, from the start of the file unless {@link #append} is also set.
   *
   * @param on whether to write
   * @return this
   */
  public OpenOptions write(boolean on) {
    write = on;
    return this;
  }

  /**
   * Opens for writing at the end: every write goes to the end of the file, whatever the position.
   *
   * @param on whether to append
   * @return this
   */
  public OpenOptions append(boolean on) {
    append = on;
    return this;
  }

  /**
   * Truncates an existing file to length 0 when it is opened; needs {@link #write}.
   *
   * @param on whether to truncate
   * @return this
   */
  public OpenOptions truncate(boolean on) {
    truncate = on;
    return this;
  }

  /**
   * Creates the file if it does not exist; needs {@link #write} or {@link #append}.
   *
   * @param on whether to create
   * @return this
   */
  public OpenOptions create(boolean on) {
    create = on;
    return this;
  }

  /**
   * Creates the file, failing with {@link java.nio.file.FileAlreadyExistsException} if it exists
   * (one atomic check, {@code O_EXCL}); {@link #create} and {@link #truncate} are then ignored.
   * Needs {@link #write} or {@link #append}.
   *
   * @param on whether the file must be new
   * @return this
   */
  public OpenOptions createNew(boolean on) {
    createNew = on;
    return this;
  }

  /**
   * {@return a future of the open file} It fails with the JDK's exception: {@link
   * java.nio.file.NoSuchFileException}, {@link java.nio.file.AccessDeniedException}, {@link
   * java.nio.file.FileAlreadyExistsException}, ...
   *
   * @param path the file
   */
  public Future<File> open(Path path) {
    Objects.requireNonNull(path, "path");
    Set<OpenOption> options;
    try {
      options = options();
    } catch (IllegalArgumentException e) {
      return Futures.failed(e);
    }
    return new BlockingCall<>(
        "Fs.open(" + path + ")", () -> new File(FileChannel.open(path, options), path));
  }

  private Set<OpenOption> options() {
    if (!read && !write && !append) {
      throw new IllegalArgumentException(
          "no access mode: open a file with read, write or append (File.options().read(true))");
    }
    if (!write && !append && (truncate || create || createNew)) {
      throw new IllegalArgumentException(
          "creating or truncating a file requires write or append access");
    }
    if (append && read) {
      throw new IllegalArgumentException(
          "a file cannot be opened to both read and append (the JDK's FileChannel refuses it)");
    }
    if (append && truncate && !createNew) {
      throw new IllegalArgumentException("a file cannot be opened to both append and truncate");
    }
    Set<OpenOption> out = new HashSet<>();
    if (read) {
      out.add(StandardOpenOption.READ);
    }
    if (write || append) {
      out.add(StandardOpenOption.WRITE);
    }
    if (append) {
      out.add(StandardOpenOption.APPEND);
    }
    if (createNew) {
      out.add(StandardOpenOption.CREATE_NEW);
    } else {
      if (create) {
        out.add(StandardOpenOption.CREATE);
      }
      if (truncate) {
        out.add(StandardOpenOption.TRUNCATE_EXISTING);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "OpenOptions[read="
        + read
        + ", write="
        + write
        + ", append="
        + append
        + ", truncate="
        + truncate
        + ", create="
        + create
        + ", createNew="
        + createNew
        + "]";
  }
}
