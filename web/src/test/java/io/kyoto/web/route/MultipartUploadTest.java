package io.kyoto.web.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.JoinHandle;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.stream.Stream;
import io.kyoto.web.HttpServer;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 50 MB file uploaded with real clients (curl {@code -F}, the JDK's HttpClient) and streamed to
 * disk through {@link MultipartStream.Part#writeTo}. The server's body limit is above the file's
 * size, so nothing but the streaming keeps the file out of memory: the route counts, at every chunk
 * it pulls from the connection, how many bytes were read but not yet handed to the file, and that
 * stays within the parser's window and one network chunk; and how much of what the file was handed
 * is not on the disk yet, which stays within one chunk.
 */
@Timeout(120)
class MultipartUploadTest {
  static final int SIZE = 50 * 1024 * 1024 + 17;

  @TempDir static Path dir;
  static Path upload;
  static Runtime rt;
  static HttpServer server;
  static JoinHandle<Void> serving;

  /** What the last request's route saw. */
  static final AtomicLong maxLag = new AtomicLong();

  static final AtomicLong maxDiskLag = new AtomicLong();
  static final AtomicLong maxPeak = new AtomicLong();
  static final AtomicLong window = new AtomicLong();

  @BeforeAll
  static void start() throws Exception {
    upload = dir.resolve("big.bin");
    Random random = new Random(5);
    byte[] block = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(upload)) {
      for (int left = SIZE; left > 0; left -= block.length) {
        random.nextBytes(block);
        out.write(block, 0, Math.min(left, block.length));
      }
    }
    Path store = Files.createDirectory(dir.resolve("store"));
    Router router =
        Router.create()
            .post("/store")
            .handleAsync(req -> store(req, store))
            .post("/direct")
            .handleAsync(
                req ->
                    MultipartStream.from(req, MultipartLimits.defaults().maxTotalBytes(1000))
                        .then(
                            p ->
                                p.bytes(100)
                                    .map(
                                        b ->
                                            p.name() + "=" + new String(b, StandardCharsets.UTF_8)))
                        .toList()
                        .map(l -> Response.text(String.join(",", l))))
            .post("/filter", Filters.multipartStream(MultipartLimits.defaults().maxParts(3)))
            .handleAsync(
                (req, form) ->
                    form.then(
                            p ->
                                p.isFile()
                                    ? p.writeTo(store.resolve("f-" + p.name()))
                                    : p.bytes(100).map(b -> (long) b.length))
                        .toList()
                        .map(sizes -> Response.text(sizes.toString())));
    rt = Runtime.builder().multiThread().workerThreads(2).enableAll().build();
    server = rt.blockOn(HttpServer.builder().maxBodyBytes(64L << 20).bind("127.0.0.1:0"));
    serving = rt.spawn(server.serve(router.build()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.shutdown();
      rt.blockOn(serving);
    }
    if (rt != null) rt.close();
  }

  /**
   * Streams each file part to {@code store/<name>}, counting the lag between the connection and the
   * file: the bytes pulled from the request body minus those handed to the part being written.
   */
  static io.kyoto.runtime.Future<Response> store(Request req, Path store) throws Rejection {
    String boundary = Multipart.boundary(req.header("content-type"));
    if (boundary == null) throw Rejection.badRequest("no boundary");
    AtomicReference<MultipartStream.Part> writing = new AtomicReference<>();
    AtomicLong pulled = new AtomicLong();
    AtomicLong handedBefore = new AtomicLong(); // data of the parts before the one being written
    AtomicLong lag = new AtomicLong();
    AtomicLong diskLag = new AtomicLong();
    Stream<ByteBuffer> body = req.body();
    Stream<ByteBuffer> counted =
        new Stream<>() {
          @Override
          public Poll<ByteBuffer> pollNext(Context cx) throws Exception {
            Poll<ByteBuffer> p = body.pollNext(cx);
            if (!p.isPending() && !Stream.isEnd(p)) {
              long n = pulled.addAndGet(p.value().remaining());
              MultipartStream.Part part = writing.get();
              long handed = handedBefore.get() + (part == null ? 0 : part.size());
              lag.accumulateAndGet(n - handed, Math::max);
              if (part != null) { // and what was handed to the file is on the disk, but one write
                Path file = store.resolve(part.name());
                long onDisk = Files.exists(file) ? Files.size(file) : 0;
                diskLag.accumulateAndGet(part.size() - onDisk, Math::max);
              }
            }
            return p;
          }

          @Override
          public void withdrawNext(Waker waker) {
            body.withdrawNext(waker);
          }

          @Override
          public void cancel() {
            body.cancel();
          }
        };
    MultipartStream form = MultipartStream.of(boundary, counted, MultipartLimits.defaults());
    List<String> out = new ArrayList<>();
    return form.forEachAsync(
            part -> {
              MultipartStream.Part before = writing.getAndSet(part);
              if (before != null) handedBefore.addAndGet(before.size());
              return part.writeTo(store.resolve(part.name()))
                  .map(
                      n ->
                          out.add(
                              part.name()
                                  + "|"
                                  + part.filename()
                                  + "|"
                                  + part.contentType()
                                  + "|"
                                  + n));
            })
        .map(
            v -> {
              maxLag.set(lag.get());
              maxDiskLag.set(diskLag.get());
              maxPeak.set(form.peakHeld());
              window.set(form.window());
              return Response.text(String.join("\n", out) + "\nread " + form.bytesRead());
            });
  }

  static String url(String path) {
    return "http://127.0.0.1:" + server.localAddress().getPort() + path;
  }

  static void assertStoredAndStreamed(String name) throws IOException {
    Path stored = dir.resolve("store").resolve(name);
    assertEquals(SIZE, Files.size(stored));
    assertEquals(-1L, Files.mismatch(upload, stored), "the stored file differs from the upload");
    assertTrue(window.get() > 0 && window.get() <= 64 * 1024, "window " + window.get());
    assertTrue(maxPeak.get() <= window.get(), "the parser held " + maxPeak.get());
    // Read from the connection but not yet in the file: at most the window, one network chunk
    // (the server reads 16 KiB at a time; 64 KiB allowed) and the part's head. About 16 KiB here.
    assertTrue(
        maxLag.get() <= window.get() + 64 * 1024 + 1024,
        "bytes held between connection and file: " + maxLag.get());
    // Each chunk is written before the next is read: the disk is one chunk behind at most.
    assertTrue(maxDiskLag.get() <= window.get(), "handed out but not on disk: " + maxDiskLag.get());
  }

  @Test
  void curlUploadsAFileThatIsStreamedToDisk() throws Exception {
    boolean present;
    try {
      present = new ProcessBuilder("curl", "--version").start().waitFor() == 0;
    } catch (IOException e) {
      present = false;
    }
    assumeTrue(present, "curl is not installed");
    Process p =
        new ProcessBuilder(
                "curl",
                "-sS",
                "--max-time",
                "60",
                "-F",
                "note=a small field",
                "-F",
                "file=@" + upload + ";type=application/octet-stream",
                url("/store"))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    assertTrue(
        out.startsWith(
            "note|null|text/plain|13\nfile|big.bin|application/octet-stream|" + SIZE + "\nread "),
        out);
    assertEquals("a small field", Files.readString(dir.resolve("store").resolve("note")));
    assertStoredAndStreamed("file");
  }

  @Test
  void theJdkHttpClientUploadsAFileThatIsStreamedToDisk() throws Exception {
    String boundary = "----JdkBoundary7MA4YWxkTrZu0gW";
    String head =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"jdk\"; filename=\"big.bin\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n";
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url("/store")))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(
                HttpRequest.BodyPublishers.concat(
                    HttpRequest.BodyPublishers.ofString(head),
                    HttpRequest.BodyPublishers.ofFile(upload),
                    HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n")))
            .build();
    try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      assertTrue(
          r.body().startsWith("jdk|big.bin|application/octet-stream|" + SIZE + "\n"), r.body());
    }
    assertStoredAndStreamed("jdk");
  }

  @Test
  void aHandlerReadsTheFormItselfWithFromAndItsRejectionsAreResponses() throws Exception {
    try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      HttpResponse<String> ok =
          client.send(
              HttpRequest.newBuilder(URI.create(url("/direct")))
                  .header("Content-Type", "multipart/form-data; boundary=\"a b\"")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "--a b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--a b--"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ok.statusCode(), ok.body());
      assertEquals("x=1", ok.body());
      HttpResponse<String> wrong =
          client.send(
              HttpRequest.newBuilder(URI.create(url("/direct")))
                  .header("Content-Type", "text/plain")
                  .POST(HttpRequest.BodyPublishers.ofString("x"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(415, wrong.statusCode());
      HttpResponse<String> big =
          client.send(
              HttpRequest.newBuilder(URI.create(url("/direct")))
                  .header("Content-Type", "multipart/form-data; boundary=b")
                  .POST(HttpRequest.BodyPublishers.ofString("x".repeat(1001)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(413, big.statusCode());
      assertEquals("multipart body larger than the limit of 1000 bytes", big.body());
    }
  }

  @Test
  void theFilterRejectsAFormOverItsLimitsWithTheirStatus() throws Exception {
    try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      StringBuilder body = new StringBuilder();
      for (int i = 0; i < 4; i++) {
        body.append("--b\r\nContent-Disposition: form-data; name=p")
            .append(i)
            .append("\r\n\r\nv\r\n");
      }
      body.append("--b--\r\n");
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(URI.create(url("/filter")))
                  .header("Content-Type", "multipart/form-data; boundary=b")
                  .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(400, r.statusCode());
      assertEquals("malformed multipart body: more than 3 parts", r.body());
      HttpResponse<String> ok =
          client.send(
              HttpRequest.newBuilder(URI.create(url("/filter")))
                  .header("Content-Type", "multipart/form-data; boundary=b")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "--b\r\nContent-Disposition: form-data; name=a; filename=x.txt\r\n\r\nhello\r\n--b--"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ok.statusCode(), ok.body());
      assertEquals("[5]", ok.body());
      assertEquals("hello", Files.readString(dir.resolve("store").resolve("f-a")));
    }
  }
}
