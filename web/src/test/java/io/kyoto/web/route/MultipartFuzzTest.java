package io.kyoto.web.route;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kyoto.web.Headers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of {@link Multipart#boundary} and {@link Multipart#parse} with Jazzer.
 *
 * <p>Plain {@code mvn test} replays the seeds in {@code
 * src/test/resources/io/kyoto/web/route/MultipartFuzzTestInputs/parse/} (regression mode). Fuzzing
 * mode: {@code mvn -B -pl web -am test -Pfuzz} (every target of the profile), or one short session:
 * {@code JAZZER_FUZZ=1 JAZZER_MAX_DURATION=60s mvn -B -pl web -am test
 * -Dtest='MultipartFuzzTest#parse' -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>Input layout (FuzzedDataProvider): a {@code Content-Type} value (ASCII, ended by a backslash
 * and one more byte, {@code \\} being a backslash), then the body. So a seed reads as {@code
 * multipart/form-data; boundary=XYZ\} and a newline, then the body as sent.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>{@code boundary} returns null or 1 to 70 characters and throws nothing;
 *   <li>{@code parse} returns a form or throws a {@link Rejection} with status 400, nothing else;
 *       it always terminates (a hang or a superlinear boundary search shows up as Jazzer's
 *       per-input timeout, or as a slow regression run);
 *   <li>every part's content is a subrange of the body, in order and not overlapping;
 *   <li>the parts written again with the same boundary, as a plain encoder would, parse to the same
 *       parts (names, file names, content types, header fields and content), and so do they after a
 *       preamble line that only starts like the boundary.
 * </ul>
 */
class MultipartFuzzTest {

  @FuzzTest(maxDuration = "10m")
  void parse(FuzzedDataProvider data) {
    String contentType = data.consumeAsciiString(200);
    byte[] body = data.consumeRemainingAsBytes();
    String boundary = Multipart.boundary(contentType);
    if (boundary == null) return;
    assertTrue(!boundary.isEmpty() && boundary.length() <= 70, "boundary length");
    if (!isFieldValue(contentType)) return; // a Content-Type field never holds CR, LF or NUL

    Multipart form = parseOrNull(boundary, body);
    if (form == null) return;
    checkSubranges(body, form);
    Multipart again = parseOrNull(boundary, encode(boundary, form));
    if (again == null) throw new AssertionError("the re-encoded form is rejected: " + form);
    assertEquals(describe(form), describe(again), "the re-encoded form parses differently");
    assertSameContent(form, again);

    // A preamble line that only starts like the boundary is preamble (RFC 2046 section 5.1.1).
    byte[] lookalike = ("--" + boundary + "X\r\n").getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream withPreamble = new ByteArrayOutputStream();
    withPreamble.writeBytes(lookalike);
    withPreamble.writeBytes(encode(boundary, form));
    Multipart third = parseOrNull(boundary, withPreamble.toByteArray());
    if (third == null) throw new AssertionError("rejected after a look-alike preamble: " + form);
    assertEquals(describe(form), describe(third), "a look-alike preamble changes the parse");
  }

  private static Multipart parseOrNull(String boundary, byte[] body) {
    try {
      return Multipart.parse(boundary, body);
    } catch (Rejection r) {
      assertEquals(400, r.status().code(), "unexpected status");
      return null;
    }
  }

  private static boolean isFieldValue(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\t' && (c < 0x20 || c == 0x7f)) return false;
    }
    return true;
  }

  private static void checkSubranges(byte[] body, Multipart form) {
    int from = 0;
    for (Multipart.Part p : form.parts()) {
      int at = indexOf(body, p.content(), from);
      assertTrue(at >= 0, "content of " + p + " is not a later subrange of the body");
      from = at + p.content().length;
    }
  }

  private static int indexOf(byte[] b, byte[] pattern, int from) {
    outer:
    for (int i = from; i <= b.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (b[i + j] != pattern[j]) continue outer;
      }
      return i;
    }
    return -1;
  }

  /** Writes the parts as a plain encoder would: each header field, a blank line, the content. */
  private static byte[] encode(String boundary, Multipart form) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    for (Multipart.Part p : form.parts()) {
      out.writeBytes(delimiter);
      out.writeBytes(new byte[] {'\r', '\n'});
      Headers h = p.headers();
      for (int i = 0; i < h.size(); i++) {
        String field = h.name(i) + ": " + h.value(i) + "\r\n";
        out.writeBytes(field.getBytes(StandardCharsets.ISO_8859_1));
      }
      out.writeBytes(new byte[] {'\r', '\n'});
      out.writeBytes(p.content());
      out.writeBytes(new byte[] {'\r', '\n'});
    }
    out.writeBytes(delimiter);
    out.writeBytes(new byte[] {'-', '-', '\r', '\n'});
    return out.toByteArray();
  }

  private static List<String> describe(Multipart form) {
    List<String> out = new ArrayList<>();
    for (Multipart.Part p : form.parts()) {
      List<String> fields = new ArrayList<>();
      for (int i = 0; i < p.headers().size(); i++) {
        fields.add(p.headers().name(i) + "=" + p.headers().value(i));
      }
      out.add(p.name() + "|" + p.filename() + "|" + p.contentType() + "|" + fields);
    }
    return out;
  }

  private static void assertSameContent(Multipart a, Multipart b) {
    for (int i = 0; i < a.parts().size(); i++) {
      assertArrayEquals(a.parts().get(i).content(), b.parts().get(i).content(), "content " + i);
    }
  }
}
