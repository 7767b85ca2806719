package io.kyoto.web.route;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.stream.Stream;
import io.kyoto.runtime.stream.Streams;
import io.kyoto.web.Body;
import io.kyoto.web.Method;
import io.kyoto.web.Response;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The streaming parser, fed in every chunking, and its rejections, skips and cancellation. */
class MultipartStreamTest {
  static final Context CX = new Context(() -> {});

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * A body that hands out {@code body} in chunks of the given sizes (cycled), each a fresh buffer
   * that it scribbles over on the next poll (a chunk is valid until then), and answers pending
   * before every chunk when {@code stutter} is set, waking the task at once.
   */
  static final class Chunks implements Stream<ByteBuffer> {
    final byte[] body;
    final int[] sizes;
    final boolean stutter;
    int at;
    int n;
    boolean owed;
    ByteBuffer last;
    final List<Waker> withdrawn = new ArrayList<>();
    Waker waiting;
    boolean cancelled;
    boolean hold; // answer pending (keeping the waker) until released

    Chunks(byte[] body, boolean stutter, int... sizes) {
      this.body = body;
      this.sizes = sizes;
      this.stutter = stutter;
    }

    @Override
    public Poll<ByteBuffer> pollNext(Context cx) {
      if (last != null) Arrays.fill(last.array(), (byte) '#'); // the old chunk is no longer valid
      last = null;
      if (hold) {
        waiting = cx.waker();
        return Poll.pending();
      }
      if (at == body.length) return Stream.end();
      if (stutter && !owed) {
        owed = true;
        cx.waker().wake();
        return Poll.pending();
      }
      owed = false;
      int len = Math.min(Math.max(1, sizes[n++ % sizes.length]), body.length - at);
      last = ByteBuffer.wrap(Arrays.copyOfRange(body, at, at + len));
      at += len;
      return Poll.ready(last);
    }

    @Override
    public void withdrawNext(Waker waker) {
      withdrawn.add(waker);
      if (waiting == waker) waiting = null;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  /** Polls until ready, as a task that is woken at once would. */
  static <T> Poll<T> ready(Stream<T> s) throws Exception {
    for (int i = 0; i < 1_000_000; i++) {
      Poll<T> p = s.pollNext(CX);
      if (!p.isPending()) return p;
    }
    throw new AssertionError("never ready");
  }

  static <T> T await(Future<T> f) throws Exception {
    for (int i = 0; i < 1_000_000; i++) {
      Poll<T> p = f.poll(CX);
      if (!p.isPending()) return p.value();
    }
    throw new AssertionError("never ready");
  }

  /** Reads the whole form as the buffered parser's result would read: describe + content. */
  static List<String> read(MultipartStream form) throws Exception {
    List<String> out = new ArrayList<>();
    while (true) {
      Poll<MultipartStream.Part> p = ready(form);
      if (Stream.isEnd(p)) return out;
      MultipartStream.Part part = p.value();
      ByteArrayOutputStream content = new ByteArrayOutputStream();
      while (true) {
        Poll<ByteBuffer> c = ready(part);
        if (Stream.isEnd(c)) break;
        ByteBuffer b = c.value();
        byte[] copy = new byte[b.remaining()];
        b.get(copy);
        content.writeBytes(copy);
      }
      out.add(describe(part) + content.toString(StandardCharsets.ISO_8859_1));
    }
  }

  static String describe(MultipartStream.Part p) {
    return p.name() + "|" + p.filename() + "|" + p.contentType() + "|" + p.headers().size() + "|";
  }

  static List<String> expected(String boundary, byte[] body) throws Rejection {
    List<String> out = new ArrayList<>();
    for (Multipart.Part p : Multipart.parse(boundary, body).parts()) {
      out.add(
          p.name()
              + "|"
              + p.filename()
              + "|"
              + p.contentType()
              + "|"
              + p.headers().size()
              + "|"
              + new String(p.content(), StandardCharsets.ISO_8859_1));
    }
    return out;
  }

  static MultipartStream form(String boundary, Stream<ByteBuffer> body) {
    return MultipartStream.of(boundary, body, MultipartLimits.defaults(), 0); // the smallest window
  }

  static Rejection rejection(String boundary, byte[] body, MultipartLimits limits, int... sizes) {
    MultipartStream form = MultipartStream.of(boundary, new Chunks(body, true, sizes), limits, 0);
    return assertThrows(Rejection.class, () -> read(form));
  }

  static final String B = "x-Bnd_0";

  /** A form with what trips parsers: look-alikes, CRLFs, an empty part, binary data. */
  static byte[] trickyForm() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(bytes("preamble --" + B + "X\r\n--" + B + "-\r\n\r\n--" + B + " \t\r\n"));
    b.writeBytes(bytes("Content-Disposition: form-data; name=\"title\"\r\n\r\n"));
    b.writeBytes(bytes("line\r\n\r\n--" + B + "Z\r\n--" + B + " x\r\n\r--\r\n-"));
    b.writeBytes(bytes("\r\n--" + B + "\r\n"));
    b.writeBytes(bytes("Content-Disposition: form-data; name=f; filename=\"a.bin\"\r\n"));
    b.writeBytes(bytes("Content-Type: application/octet-stream\r\n\r\n"));
    for (int i = 0; i < 600; i++) b.write(i * 7);
    b.writeBytes(bytes("\r\n--" + B + "\r\nContent-Disposition: form-data; name=empty\r\n\r\n"));
    b.writeBytes(bytes("\r\n--" + B + "\r\nContent-Disposition: form-data; name=crlf\r\n\r\n\r\n"));
    b.writeBytes(bytes("\r\n--" + B + "--  epilogue\r\n--" + B + "\r\nignored"));
    return b.toByteArray();
  }

  @Test
  void theBoundaryMaySplitAtEveryPositionBetweenTwoChunks() throws Exception {
    byte[] body = trickyForm();
    List<String> want = expected(B, body);
    assertEquals(4, want.size(), "the buffered parse: " + want);
    assertEquals(
        "title|null|text/plain|1|line\r\n\r\n--" + B + "Z\r\n--" + B + " x\r\n\r--\r\n-",
        want.get(0));
    assertEquals("crlf|null|text/plain|1|\r\n", want.get(3));
    for (int k = 0; k <= body.length; k++) {
      assertEquals(want, read(form(B, new Chunks(body, false, k, body.length))), "split at " + k);
    }
  }

  @Test
  void oneBytePerChunkAndRandomChunkingsGiveTheSameParts() throws Exception {
    byte[] body = trickyForm();
    List<String> want = expected(B, body);
    assertEquals(want, read(form(B, new Chunks(body, true, 1))), "one byte per chunk");
    Random random = new Random(7);
    for (int round = 0; round < 300; round++) {
      int[] sizes = new int[1 + random.nextInt(8)];
      for (int i = 0; i < sizes.length; i++)
        sizes[i] = 1 + random.nextInt(round % 2 == 0 ? 16 : 3000);
      assertEquals(
          want,
          read(form(B, new Chunks(body, random.nextBoolean(), sizes))),
          "chunk sizes " + Arrays.toString(sizes));
    }
  }

  @Test
  void aBodyLargerThanTheWindowStreamsThroughIt() throws Exception {
    byte[] data = new byte[1_000_003];
    new Random(1).nextBytes(data);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(bytes("--" + B + "\r\nContent-Disposition: form-data; name=big\r\n\r\n"));
    b.writeBytes(data);
    b.writeBytes(bytes("\r\n--" + B + "--\r\n"));
    MultipartStream form = form(B, new Chunks(b.toByteArray(), false, 70_000, 1, 5000));
    MultipartStream.Part part = ready(form).value();
    int at = 0;
    while (true) {
      Poll<ByteBuffer> c = ready(part);
      if (Stream.isEnd(c)) break;
      ByteBuffer chunk = c.value();
      assertTrue(chunk.remaining() <= form.window(), "a chunk is a view of the window");
      byte[] got = new byte[chunk.remaining()];
      chunk.get(got);
      assertArrayEquals(Arrays.copyOfRange(data, at, at + got.length), got, "at " + at);
      at += got.length;
    }
    assertEquals(data.length, at);
    assertEquals(data.length, part.size());
    assertTrue(Stream.isEnd(ready(form)));
    assertTrue(form.peakHeld() <= form.window(), "held " + form.peakHeld());
    assertTrue(form.window() < 64 * 1024, "the smallest window: " + form.window());
  }

  @Test
  void crlfRules() throws Exception {
    // A boundary line must end with CRLF: a bare LF does not make one.
    String lf = "--b\nContent-Disposition: form-data; name=a\n\nx\n--b--\n";
    assertEquals(
        "malformed multipart body: no boundary \"b\" found",
        rejection("b", bytes(lf), MultipartLimits.defaults(), 1).getMessage());
    // Data ends at the CRLF before the delimiter; a CR or LF alone stays data.
    byte[] body = bytes("--b\r\nContent-Disposition: form-data; name=a\r\n\r\n\r\r\n\n\r\n--b--");
    assertEquals(
        List.of("a|null|text/plain|1|\r\r\n\n"), read(form("b", new Chunks(body, true, 1))));
    // A part without header fields: its head ends at once (and it has no name).
    assertEquals(
        "malformed multipart body: a part has no Content-Disposition",
        rejection("b", bytes("--b\r\n\r\nx\r\n--b--"), MultipartLimits.defaults(), 2).getMessage());
  }

  @Test
  void paddingAfterABoundaryIsLookedThroughUpToItsLimit() throws Exception {
    String part = "Content-Disposition: form-data; name=a\r\n\r\nx\r\n--b";
    String pad = " ".repeat(MultipartParser.MAX_PADDING);
    byte[] ok = bytes("--b" + pad + "\r\n" + part + pad + "\t\r\n" + part + "--");
    assertThrows(
        Rejection.class, () -> Multipart.parse("b", bytes("--b" + pad + "\t\r\n" + part + "--")));
    List<String> want = List.of("a|null|text/plain|1|x");
    assertEquals(
        want, read(form("b", new Chunks(bytes("--b" + pad + "\r\n" + part + "--"), true, 1))));
    Rejection r = rejection("b", ok, MultipartLimits.defaults(), 100);
    assertEquals("malformed multipart body: a boundary line's padding is too long", r.getMessage());
    assertEquals(400, r.status().code());
  }

  @Test
  void aMissingClosingBoundaryIsA400AfterTheDataBeforeIt() throws Exception {
    byte[] body = bytes("--b\r\nContent-Disposition: form-data; name=a\r\n\r\nsome data\r\n--b");
    for (int size : new int[] {1, 2, 5, 1000}) {
      MultipartStream form = form("b", new Chunks(body, true, size));
      MultipartStream.Part part = ready(form).value();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      Rejection r =
          assertThrows(
              Rejection.class,
              () -> {
                while (true) {
                  ByteBuffer c = ready(part).value();
                  got.write(c.array(), c.arrayOffset() + c.position(), c.remaining());
                }
              });
      assertEquals(400, r.status().code());
      assertEquals("malformed multipart body: no closing boundary", r.getMessage());
      assertEquals("some data", got.toString(StandardCharsets.ISO_8859_1), "chunks of " + size);
      assertSame(r, assertThrows(Rejection.class, () -> form.pollNext(CX)), "the same failure");
    }
    assertEquals(
        "malformed multipart body: no boundary \"b\" found",
        rejection("b", bytes("just text"), MultipartLimits.defaults(), 3).getMessage());
    assertEquals(
        "malformed multipart body: a part's head is not terminated",
        rejection(
                "b",
                bytes("--b\r\nContent-Disposition: form-data; name=a\r\n"),
                MultipartLimits.defaults(),
                4)
            .getMessage());
  }

  /** An endless body: a part whose header field never ends, or endless small parts. */
  static final class Endless implements Stream<ByteBuffer> {
    final byte[] start;
    final byte[] repeat;
    long served;
    boolean started;

    Endless(String start, String repeat) {
      this.start = bytes(start);
      this.repeat = bytes(repeat);
    }

    @Override
    public Poll<ByteBuffer> pollNext(Context cx) {
      byte[] b = started ? repeat : start;
      started = true;
      served += b.length;
      return Poll.ready(ByteBuffer.wrap(b));
    }
  }

  @Test
  void aHeaderSectionOverItsLimitIsRejectedWithoutReadingOn() throws Exception {
    Endless body =
        new Endless("--b\r\nContent-Disposition: form-data; name=a\r\nX: ", "y".repeat(100));
    MultipartStream form =
        MultipartStream.of("b", body, MultipartLimits.defaults().maxHeaderBytes(300));
    Rejection r = assertThrows(Rejection.class, () -> ready(form));
    assertEquals(400, r.status().code());
    assertEquals("malformed multipart body: a part's head is too long", r.getMessage());
    assertTrue(body.served < 2000, "read " + body.served);
    // A head of exactly the limit is fine.
    String head = "Content-Disposition: form-data; name=a";
    byte[] ok = bytes("--b\r\n" + head + "\r\n\r\nx\r\n--b--");
    MultipartStream exact =
        MultipartStream.of(
            "b",
            new Chunks(ok, true, 1),
            MultipartLimits.defaults().maxHeaderBytes(head.length()),
            0);
    assertEquals(List.of("a|null|text/plain|1|x"), read(exact));
    assertEquals(
        "malformed multipart body: a part's head is too long",
        rejection("b", ok, MultipartLimits.defaults().maxHeaderBytes(head.length() - 1), 1)
            .getMessage());
  }

  @Test
  void tooManyPartsIsA400WhenThePartAfterTheLastAllowedStarts() throws Exception {
    Endless body = new Endless("", "--b\r\nContent-Disposition: form-data; name=p\r\n\r\nv\r\n");
    MultipartStream form = MultipartStream.of("b", body, MultipartLimits.defaults().maxParts(3));
    for (int i = 0; i < 3; i++) {
      MultipartStream.Part p = ready(form).value();
      assertEquals("p", p.name());
    }
    Rejection r = assertThrows(Rejection.class, () -> ready(form));
    assertEquals(400, r.status().code());
    assertEquals("malformed multipart body: more than 3 parts", r.getMessage());
  }

  @Test
  void aPartOrABodyOverItsLimitIsA413() throws Exception {
    byte[] body =
        bytes(
            "--b\r\nContent-Disposition: form-data; name=small\r\n\r\n12345\r\n"
                + "--b\r\nContent-Disposition: form-data; name=big\r\n\r\n123456\r\n--b--");
    MultipartStream form =
        MultipartStream.of(
            "b", new Chunks(body, true, 1), MultipartLimits.defaults().maxPartBytes(5), 0);
    assertEquals(
        "12345", new String(await(ready(form).value().bytes(100)), StandardCharsets.US_ASCII));
    MultipartStream.Part big = ready(form).value();
    Rejection r = assertThrows(Rejection.class, () -> await(big.bytes(100)));
    assertEquals(413, r.status().code());
    assertEquals("multipart part \"big\" larger than the limit of 5 bytes", r.getMessage());
    // The whole body, counted as it is read.
    Rejection total =
        rejection("b", body, MultipartLimits.defaults().maxTotalBytes(body.length - 1), 7);
    assertEquals(413, total.status().code());
    assertEquals(
        "multipart body larger than the limit of " + (body.length - 1) + " bytes",
        total.getMessage());
    assertEquals(
        expected("b", body),
        read(
            MultipartStream.of(
                "b",
                new Chunks(body, true, 7),
                MultipartLimits.defaults().maxTotalBytes(body.length),
                0)));
    // Part.bytes has a limit of its own.
    MultipartStream again = form("b", new Chunks(body, false, 3));
    Rejection own = assertThrows(Rejection.class, () -> await(ready(again).value().bytes(4)));
    assertEquals("multipart part \"small\" larger than the limit of 4 bytes", own.getMessage());
  }

  @Test
  void aConsumerMaySkipAPartsDataAndTheSkippedPartSaysSo() throws Exception {
    byte[] body = trickyForm();
    // Straight to the next part, without reading: the data is skipped.
    MultipartStream form = form(B, new Chunks(body, true, 3));
    MultipartStream.Part title = ready(form).value();
    MultipartStream.Part file = ready(form).value();
    assertEquals("f", file.name());
    assertEquals("a.bin", file.filename());
    assertThrows(IllegalStateException.class, () -> title.pollNext(CX));
    // Part of the data read, then the rest skipped with skip().
    ByteBuffer first = ready(file).value();
    assertTrue(first.hasRemaining());
    await(file.skip());
    assertTrue(Stream.isEnd(ready(file)), "a skipped part has ended");
    MultipartStream.Part empty = ready(form).value();
    assertEquals("empty", empty.name());
    assertEquals(0, await(empty.bytes(10)).length);
    assertEquals(
        "\r\n", new String(await(ready(form).value().bytes(10)), StandardCharsets.US_ASCII));
    assertTrue(Stream.isEnd(ready(form)));
    // Skipping every part reads to the end of the body.
    Chunks chunks = new Chunks(body, false, 5);
    MultipartStream skipped = form(B, chunks);
    assertEquals(4L, await(skipped.count()));
    assertEquals(body.length, chunks.at);
  }

  @Test
  void aPartWhoseDataWasAllReadEndsRatherThanFailsWhenTheFormMovesOn() throws Exception {
    String b = "xyz";
    byte[] body =
        bytes(
            "--xyz\r\ncontent-disposition: form-data; name=\"a\"\r\n\r\n12345\r\n"
                + "--xyz\r\ncontent-disposition: form-data; name=\"b\"\r\n\r\nz\r\n"
                + "--xyz--\r\n");
    MultipartStream form = form(b, new Chunks(body, false, 64));
    MultipartStream.Part a = ready(form).value();
    // Every byte of a's data is read, but not its end, before the form is asked for b (as a
    // consumer that knows the size would do): nothing of a is skipped, so a ends as a whole part.
    StringBuilder got = new StringBuilder();
    while (got.length() < 5) {
      ByteBuffer chunk = ready(a).value();
      got.append(StandardCharsets.US_ASCII.decode(chunk));
    }
    assertEquals("12345", got.toString());
    MultipartStream.Part next = ready(form).value();
    assertEquals("b", next.name());
    assertTrue(Stream.isEnd(ready(a)), "a part read to its last byte ends, it was not skipped");
  }

  @Test
  void aPendingReadThatIsCancelledLeavesNoWakerAndLosesNothing() throws Exception {
    byte[] body = bytes("--b\r\nContent-Disposition: form-data; name=a\r\n\r\nhello\r\n--b--\r\n");
    Chunks chunks = new Chunks(body, false, 12);
    MultipartStream form = MultipartStream.of("b", chunks, MultipartLimits.defaults());
    Future<Optional<MultipartStream.Part>> next = form.next();
    int[] wakes = new int[2];
    Waker a = () -> wakes[0]++;
    chunks.hold = true;
    assertTrue(next.poll(new Context(a)).isPending());
    assertSame(a, chunks.waiting);
    next.cancel(); // lost a select
    assertEquals(List.of(a), chunks.withdrawn, "the body was told to forget the waker");
    assertEquals(null, chunks.waiting);
    chunks.hold = false;
    MultipartStream.Part part = await(form.next()).orElseThrow();
    assertEquals("a", part.name());
    // The same for a part's data.
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    chunks.hold = true;
    Waker b = () -> wakes[1]++;
    Future<Optional<ByteBuffer>> data = part.next();
    Poll<Optional<ByteBuffer>> p;
    while (!(p = data.poll(new Context(b))).isPending()) { // what the window holds comes first
      ByteBuffer c = p.value().orElseThrow();
      got.write(c.array(), c.arrayOffset() + c.position(), c.remaining());
      data = part.next();
    }
    data.cancel();
    assertEquals(List.of(a, b), chunks.withdrawn);
    assertEquals(null, chunks.waiting);
    chunks.hold = false;
    got.writeBytes(await(part.bytes(100)));
    assertEquals("hello", got.toString(StandardCharsets.US_ASCII), "nothing lost or repeated");
    assertTrue(Stream.isEnd(ready(form)));
  }

  @Test
  void cancellingTheFormCancelsTheBodyAndAPartsCancelOnlyGivesItUp() throws Exception {
    byte[] body = trickyForm();
    Chunks chunks = new Chunks(body, false, 50);
    MultipartStream form = form(B, chunks);
    MultipartStream.Part title = ready(form).value();
    title.cancel();
    assertEquals(false, chunks.cancelled, "a part's cancel leaves the body alone");
    assertEquals("f", ready(form).value().name(), "the given-up part's data was skipped");
    form.cancel();
    form.cancel(); // idempotent
    assertTrue(chunks.cancelled);
    assertThrows(IllegalStateException.class, () -> form.pollNext(CX));
  }

  @Test
  void theFiltersAnswer415400And413AndTheFormStreams() {
    Router r =
        Router.create()
            .post("/up", Filters.multipartStream(MultipartLimits.defaults().maxTotalBytes(200)))
            .handleAsync(
                (req, form) ->
                    form.then(
                            part ->
                                part.bytes(100)
                                    .map(
                                        b ->
                                            part.name()
                                                + "="
                                                + new String(b, StandardCharsets.UTF_8)))
                        .toList()
                        .map(l -> Response.text(String.join(",", l))));
    try (TestClient c = TestClient.of(r.build())) {
      String body =
          "--q\r\nContent-Disposition: form-data; name=a\r\n\r\nhello\r\n"
              + "--q\r\nContent-Disposition: form-data; name=b\r\n\r\nworld\r\n--q--\r\n";
      assertEquals(
          "a=hello,b=world",
          c.request(Method.POST, "/up")
              .body("multipart/form-data; boundary=q", body)
              .send()
              .assertStatus(200)
              .text());
      TestResponse wrongType = c.post("/up", "text/plain", body);
      assertEquals(415, wrongType.status());
      assertTrue(wrongType.text().contains("expected Content-Type multipart/form-data"));
      assertEquals(400, c.post("/up", "multipart/form-data", body).status());
      TestResponse broken = c.post("/up", "multipart/form-data; boundary=q", "--q\r\nbroken");
      assertEquals(400, broken.status());
      assertTrue(broken.text().contains("malformed multipart body"), broken.text());
      assertEquals(
          413,
          c.request(Method.POST, "/up")
              .body("multipart/form-data; boundary=q", Body.of("x".repeat(201)))
              .send()
              .status());
      // No Content-Length: counted as read.
      Stream<ByteBuffer> chunked =
          Streams.of(ByteBuffer.wrap(bytes("--q\r\n")), ByteBuffer.wrap(bytes("x".repeat(300))));
      TestResponse streamed =
          c.request(Method.POST, "/up")
              .body("multipart/form-data; boundary=q", Body.from(chunked))
              .send();
      assertEquals(413, streamed.status(), streamed.text());
    }
  }
}
