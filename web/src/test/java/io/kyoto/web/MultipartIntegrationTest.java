package io.kyoto.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kyoto.web.route.Filters;
import io.kyoto.web.route.Multipart;
import io.kyoto.web.route.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link Filters#multipart} with curl's {@code -F}, the way forms with files are sent. */
@Timeout(60)
class MultipartIntegrationTest {
  @TempDir Path dir;

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void curlUploadsFieldsAndFiles() throws Exception {
    CurlTest.curlPresent();
    byte[] data = new byte[300_000];
    new Random(11).nextBytes(data);
    Path file = dir.resolve("photo.bin");
    Files.write(file, data);
    var app =
        Router.create()
            .post("/upload", Filters.multipart(1 << 20))
            .handle(
                (req, form) -> {
                  StringBuilder out = new StringBuilder();
                  for (Multipart.Part p : form.parts()) {
                    out.append(p.name())
                        .append('|')
                        .append(p.filename())
                        .append('|')
                        .append(p.contentType())
                        .append('|')
                        .append(p.isFile() ? sha256(p.content()) : p.text())
                        .append('\n');
                  }
                  return Response.text(out.toString());
                })
            .build();
    try (ServerHarness h = new ServerHarness(app)) {
      String out =
          CurlTest.curl(
              null,
              "-F",
              "title=Summer in Kyoto",
              "-F",
              "photo=@" + file + ";type=application/octet-stream",
              "--form-string",
              "note=<not a file>; \"quoted\"",
              h.url("/upload"));
      assertEquals(
          "title|null|text/plain|Summer in Kyoto\n"
              + "photo|photo.bin|application/octet-stream|"
              + sha256(data)
              + "\n"
              + "note|null|text/plain|<not a file>; \"quoted\"\n",
          out);
      String tooBig =
          CurlTest.curl(
              null,
              "-s",
              "-o",
              "/dev/null",
              "-w",
              "%{http_code}",
              "-F",
              "a=@" + file,
              "-F",
              "b=@" + file,
              "-F",
              "c=@" + file,
              "-F",
              "d=@" + file,
              h.url("/upload"));
      assertEquals("413", tooBig);
    }
  }
}
