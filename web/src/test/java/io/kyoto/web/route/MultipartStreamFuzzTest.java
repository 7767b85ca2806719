package io.kyoto.web.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.stream.Stream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Coverage-guided fuzzing of the streaming parser ({@link MultipartStream}) with Jazzer: the same
 * body cut into chunks in several ways must read the same.
 *
 * <p>Plain {@code mvn test} replays the seeds in {@code
 * src/test/resources/io/kyoto/web/route/MultipartStreamFuzzTestInputs/chunked/} (those of {@link
 * MultipartFuzzTest}, whose input layout this target shares: a {@code Content-Type} value ended by
 * a backslash and one more byte, then the body). One short fuzzing session: {@code JAZZER_FUZZ=1
 * JAZZER_MAX_DURATION=60s mvn -B -pl web -am test -Dtest='MultipartStreamFuzzTest#chunked'
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>The chunkings: the body whole, one byte per chunk, and chunk sizes drawn from a generator
 * seeded with the body's hash (so a finding replays), each with a pending poll before every chunk;
 * through the smallest window and the default one. Invariants:
 *
 * <ul>
 *   <li>every chunking gives the parts (names, file names, content types, header fields, data) that
 *       {@link Multipart#parse} gives for the whole body, or the same rejection (status and
 *       message), a 400 and nothing else;
 *   <li>the parser never holds more than its window, and every data chunk is a view within it;
 *   <li>with a limit on a part's size, a form that parses whole is rejected with 413 exactly when
 *       one of its parts is larger, and reads the same otherwise; a malformed one is still rejected
 *       (400, or 413 if an over-large part comes first).
 * </ul>
 */
class MultipartStreamFuzzTest {
  static final Context CX = new Context(() -> {});

  @FuzzTest(maxDuration = "10m")
  void chunked(FuzzedDataProvider data) throws Exception {
    String contentType = data.consumeAsciiString(200);
    byte[] body = data.consumeRemainingAsBytes();
    String boundary = Multipart.boundary(contentType);
    if (boundary == null) return;

    String want = whole(boundary, body);
    Random random = new Random(Arrays.hashCode(body));
    int[] drawn = new int[1 + random.nextInt(6)];
    for (int i = 0; i < drawn.length; i++) drawn[i] = 1 + random.nextInt(1 + random.nextInt(4096));
    List<int[]> chunkings = List.of(new int[] {Math.max(1, body.length)}, new int[] {1}, drawn);
    for (int window : new int[] {0, MultipartParser.DEFAULT_WINDOW}) {
      for (int[] sizes : chunkings) {
        String got = streamed(boundary, body, MultipartLimits.defaults(), window, sizes);
        assertEquals(want, got, "chunk sizes " + Arrays.toString(sizes) + ", window " + window);
      }
    }

    long limit = random.nextInt(64);
    String limited =
        streamed(boundary, body, MultipartLimits.defaults().maxPartBytes(limit), 0, drawn);
    if (want.startsWith("rejected 400")) {
      assertTrue(limited.startsWith("rejected 400") || limited.startsWith("rejected 413"), limited);
    } else if (Multipart.parse(boundary, body).parts().stream().anyMatch(p -> p.size() > limit)) {
      assertTrue(limited.startsWith("rejected 413 multipart part"), limited);
    } else {
      assertEquals(want, limited, "within the part limit " + limit);
    }
  }

  /** {@return the buffered parse of the whole body, described} */
  private static String whole(String boundary, byte[] body) {
    try {
      StringBuilder out = new StringBuilder();
      for (Multipart.Part p : Multipart.parse(boundary, body).parts()) {
        out.append(describe(p.name(), p.filename(), p.contentType(), p.headers()))
            .append(new String(p.content(), StandardCharsets.ISO_8859_1))
            .append('\n');
      }
      return out.toString();
    } catch (Rejection r) {
      assertEquals(400, r.status().code(), "unexpected status");
      return "rejected " + r.status().code() + " " + r.getMessage();
    }
  }

  /** {@return the form read through a stream that hands out {@code body} in chunks, described} */
  private static String streamed(
      String boundary, byte[] body, MultipartLimits limits, int window, int[] sizes)
      throws Exception {
    MultipartStream form =
        MultipartStream.of(
            boundary, new MultipartStreamTest.Chunks(body, true, sizes), limits, window);
    StringBuilder out = new StringBuilder();
    try {
      while (true) {
        Poll<MultipartStream.Part> p = poll(form);
        if (Stream.isEnd(p)) break;
        MultipartStream.Part part = p.value();
        out.append(describe(part.name(), part.filename(), part.contentType(), part.headers()));
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        while (true) {
          Poll<ByteBuffer> c = poll(part);
          if (Stream.isEnd(c)) break;
          ByteBuffer chunk = c.value();
          assertTrue(chunk.hasRemaining(), "an empty chunk");
          assertTrue(chunk.remaining() <= form.window(), "a chunk larger than the window");
          content.write(chunk.array(), chunk.arrayOffset() + chunk.position(), chunk.remaining());
        }
        assertEquals(content.size(), part.size(), "the part's size");
        out.append(content.toString(StandardCharsets.ISO_8859_1)).append('\n');
      }
    } catch (Rejection r) {
      return "rejected " + r.status().code() + " " + r.getMessage();
    } finally {
      assertTrue(form.peakHeld() <= form.window(), "held more than the window");
    }
    return out.toString();
  }

  private static <T> Poll<T> poll(Stream<T> s) throws Exception {
    // Chunks answers pending once before each chunk: more pending polls than chunks are a stall.
    for (int i = 0; i < (1 << 22); i++) {
      Poll<T> p = s.pollNext(CX);
      if (!p.isPending()) return p;
    }
    throw new AssertionError("pending with chunks at hand: " + s);
  }

  private static String describe(
      String name, String filename, String contentType, io.kyoto.web.Headers h) {
    List<String> fields = new ArrayList<>();
    for (int i = 0; i < h.size(); i++) fields.add(h.name(i) + "=" + h.value(i));
    return name + "|" + filename + "|" + contentType + "|" + fields + "|";
  }
}
