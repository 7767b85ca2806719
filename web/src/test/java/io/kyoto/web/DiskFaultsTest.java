package io.kyoto.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.service.Service;
import io.kyoto.web.fs.StaticFiles;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Handler;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A full disk under the logs, and files that vanish under the static handler, crash nothing. */
@Timeout(60)
class DiskFaultsTest {
  static String get(ServerHarness h, String path) throws Exception {
    return h.exchangeUntilClose(
        "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  }

  @Test
  void aFullDiskUnderTheLogsDoesNotStopTheServer() throws Exception {
    Path full = Path.of("/dev/full"); // every write fails with ENOSPC
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(full), "/dev/full is missing");
    Logger server = Logger.getLogger("io.kyoto.web.HttpServer");
    Handler toFullDisk =
        new StreamHandler(new FileOutputStream(full.toFile()), new SimpleFormatter()) {
          @Override
          public synchronized void publish(java.util.logging.LogRecord record) {
            super.publish(record);
            flush(); // fails: the handler's ErrorManager reports it, the caller goes on
          }
        };
    server.addHandler(toFullDisk);
    boolean parent = server.getUseParentHandlers();
    server.setUseParentHandlers(false);
    try {
      Service<Request, Response> app =
          Service.of(
              req -> {
                if (req.path().equals("/fail"))
                  throw new IllegalStateException("logged to a full disk");
                return Futures.ready(Response.text("ok"));
              });
      try (ServerHarness h = new ServerHarness(app)) {
        for (int i = 0; i < 20; i++) {
          assertTrue(get(h, "/fail").startsWith("HTTP/1.1 500 "));
        }
        assertTrue(get(h, "/").endsWith("ok"), "still serving after 20 failed log writes");
      }
    } finally {
      server.removeHandler(toFullDisk);
      server.setUseParentHandlers(parent);
      toFullDisk.close();
    }
  }

  @Test
  void staticFilesThatVanishOrCannotBeReadAreAnsweredNotFatal(@TempDir Path root) throws Exception {
    Files.writeString(root.resolve("here.txt"), "here");
    Path gone = Files.writeString(root.resolve("gone.txt"), "soon gone");
    Path locked = Files.writeString(root.resolve("locked.txt"), "locked");
    Files.createDirectory(root.resolve("dir-as-file.txt"));
    StaticFiles files = StaticFiles.dir(root);
    try (ServerHarness h = new ServerHarness(files)) {
      Files.delete(gone);
      assertTrue(get(h, "/gone.txt").startsWith("HTTP/1.1 404 "));
      locked.toFile().setReadable(false, false);
      String r = get(h, "/locked.txt");
      // root may still read it; anyone else gets an error status, never a dropped server
      assertTrue(
          r.startsWith("HTTP/1.1 200 ")
              || r.startsWith("HTTP/1.1 403 ")
              || r.startsWith("HTTP/1.1 404 ")
              || r.startsWith("HTTP/1.1 500 "),
          r);
      String d = get(h, "/dir-as-file.txt");
      assertTrue(!d.isEmpty() && d.startsWith("HTTP/1.1 "), d);
      assertTrue(get(h, "/here.txt").endsWith("here"), "still serving");
    }
  }
}
