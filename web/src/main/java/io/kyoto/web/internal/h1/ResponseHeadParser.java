package io.kyoto.web.internal.h1;

import io.kyoto.web.Headers;
import io.kyoto.web.HttpException;
import io.kyoto.web.Method;
import io.kyoto.web.Status;
import io.kyoto.web.Version;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Temporary lenient response parser; replaced by the strict one. */
public final class ResponseHeadParser {
  private final H1Limits limits;

  public ResponseHeadParser(H1Limits limits) {
    this.limits = limits;
  }

  public ResponseHead parse(ByteBuffer buf, Method requestMethod) throws HttpException {
    int start = buf.position();
    int end = -1;
    for (int i = start; i + 3 < buf.limit(); i++) {
      if (buf.get(i) == '\r'
          && buf.get(i + 1) == '\n'
          && buf.get(i + 2) == '\r'
          && buf.get(i + 3) == '\n') {
        end = i;
        break;
      }
    }
    if (end < 0) {
      if (buf.remaining() > limits.maxHeaderBytes()) {
        throw new HttpException(Status.BAD_GATEWAY, "response header section too large");
      }
      return null;
    }
    byte[] bytes = new byte[end - start];
    buf.get(start, bytes);
    buf.position(end + 4);
    String[] lines = new String(bytes, StandardCharsets.ISO_8859_1).split("\r\n");
    String[] sl = lines[0].split(" ", 3);
    if (sl.length < 2) throw new HttpException(Status.BAD_GATEWAY, "bad status line");
    Version v = sl[0].equals("HTTP/1.0") ? Version.HTTP_1_0 : Version.HTTP_1_1;
    Status status = Status.of(Integer.parseInt(sl[1]));
    Headers h = new Headers();
    for (int i = 1; i < lines.length; i++) {
      int c = lines[i].indexOf(':');
      h.add(lines[i].substring(0, c), lines[i].substring(c + 1).strip());
    }
    boolean keepAlive =
        v == Version.HTTP_1_1
            ? !h.containsToken("connection", "close")
            : h.containsToken("connection", "keep-alive");
    int code = status.code();
    if (requestMethod == Method.HEAD || code < 200 || code == 204 || code == 304) {
      return new ResponseHead(v, status, h, 0, false, keepAlive);
    }
    if (h.contains("transfer-encoding")) return new ResponseHead(v, status, h, -1, true, keepAlive);
    String cl = h.get("content-length");
    if (cl != null) return new ResponseHead(v, status, h, Long.parseLong(cl), false, keepAlive);
    return new ResponseHead(v, status, h, -1, false, false);
  }
}
