package io.kyoto.runtime.fs;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.JoinException;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.internal.blocking.BlockingCall;
import io.kyoto.runtime.stream.Stream;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * {@link Fs#readDir}: a directory's entries, fetched {@value #BATCH} at a time by blocking jobs.
 * The open {@link DirectoryStream} is used by one job at a time (each job starts after the previous
 * one was joined, which orders their accesses); it is closed by the job that sees the end or a
 * failure, or, on cancel, by whoever comes last of the canceller and a running job (a job marks
 * itself running under the lock before it touches the directory, and does nothing once cancelled,
 * so a job aborted before it started leaves nothing open).
 */
final class ReadDir implements Stream<Path> {
  static final int BATCH = 32;

  private final Path dir;
  private final ArrayDeque<Path> ready = new ArrayDeque<>();
  private final Object lock = new Object();
  private DirectoryStream<Path> entries; // under lock once a job may run
  private Iterator<Path> it;
  private JoinHandle<List<Path>> inFlight;
  private boolean jobRunning; // under lock
  private boolean cancelled; // under lock
  private boolean exhausted;

  ReadDir(Path dir) {
    this.dir = dir;
  }

  @Override
  public Poll<Path> pollNext(Context cx) throws Exception {
    while (true) {
      Path next = ready.pollFirst();
      if (next != null) {
        return Poll.ready(next);
      }
      if (exhausted) {
        return Stream.end();
      }
      if (inFlight == null) {
        inFlight = Task.spawnBlocking(this::fetch);
      }
      Poll<List<Path>> p;
      try {
        p = inFlight.poll(cx);
      } catch (JoinException e) {
        inFlight = null;
        exhausted = true;
        throw BlockingCall.unwrap(e);
      }
      if (p.isPending()) {
        return Poll.pending();
      }
      inFlight = null;
      List<Path> batch = p.value();
      if (batch.size() < BATCH) {
        exhausted = true; // fetch closed the directory
      }
      ready.addAll(batch);
    }
  }

  /** On the blocking pool: the next batch; closes the directory after the last one or a failure. */
  private List<Path> fetch() throws IOException {
    boolean done = true;
    try {
      synchronized (lock) {
        if (cancelled) {
          return List.of();
        }
        jobRunning = true;
      }
      if (entries == null) {
        entries = Files.newDirectoryStream(dir);
        it = entries.iterator();
      }
      List<Path> batch = new ArrayList<>(BATCH);
      try {
        while (batch.size() < BATCH && it.hasNext()) {
          batch.add(it.next());
        }
      } catch (DirectoryIteratorException e) {
        throw e.getCause();
      }
      done = batch.size() < BATCH;
      return batch;
    } finally {
      synchronized (lock) {
        jobRunning = false;
        if (done || cancelled) {
          closeEntries();
        }
      }
    }
  }

  @Override
  public void cancel() {
    exhausted = true;
    ready.clear();
    if (inFlight != null) {
      inFlight.cancel(); // takes back the waker: the job's end must not wake a task that left
      inFlight.abort();
      inFlight = null;
    }
    synchronized (lock) {
      cancelled = true;
      if (!jobRunning) {
        closeEntries(); // else the running job closes it as it ends
      }
    }
  }

  /** Under lock. */
  private void closeEntries() {
    DirectoryStream<Path> e = entries;
    entries = null;
    it = null;
    if (e != null) {
      try {
        e.close();
      } catch (IOException ignored) {
        // closing a directory stream fails only if it is already unusable; nothing is lost
      }
    }
  }

  @Override
  public String toString() {
    return "Fs.readDir(" + dir + ")";
  }
}
