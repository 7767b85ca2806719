package io.kyoto.web.internal.h1;

import io.kyoto.web.Headers;
import io.kyoto.web.HttpException;
import io.kyoto.web.Method;
import io.kyoto.web.Status;
import io.kyoto.web.Version;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Temporary lenient parser; replaced by the strict one. */
public final class RequestHeadParser {
  private final H1Limits limits;

  public RequestHeadParser(H1Limits limits) {
    this.limits = limits;
  }

  public RequestHead parse(ByteBuffer buf) throws HttpException {
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
        throw new HttpException(Status.REQUEST_HEADER_FIELDS_TOO_LARGE, "header section too large");
      }
      return null;
    }
    byte[] bytes = new byte[end - start];
    buf.get(start, bytes);
    buf.position(end + 4);
    String[] lines = new String(bytes, StandardCharsets.ISO_8859_1).split("\r\n");
    String[] rl = lines[0].split(" ");
    if (rl.length != 3) throw new HttpException(Status.BAD_REQUEST, "bad request line");
    Version v =
        switch (rl[2]) {
          case "HTTP/1.1" -> Version.HTTP_1_1;
          case "HTTP/1.0" -> Version.HTTP_1_0;
          default -> throw new HttpException(Status.HTTP_VERSION_NOT_SUPPORTED, "version");
        };
    Headers h = new Headers();
    for (int i = 1; i < lines.length; i++) {
      int c = lines[i].indexOf(':');
      if (c <= 0) throw new HttpException(Status.BAD_REQUEST, "bad header line");
      try {
        h.add(lines[i].substring(0, c), lines[i].substring(c + 1).strip());
      } catch (IllegalArgumentException e) {
        throw new HttpException(Status.BAD_REQUEST, "bad header");
      }
    }
    String te = h.get("transfer-encoding");
    String cl = h.get("content-length");
    boolean chunked = te != null;
    long len = -1;
    if (chunked && cl != null) throw new HttpException(Status.BAD_REQUEST, "CL and TE");
    if (cl != null) {
      try {
        len = Long.parseLong(cl);
      } catch (NumberFormatException e) {
        throw new HttpException(Status.BAD_REQUEST, "bad content-length");
      }
    }
    boolean keepAlive =
        v == Version.HTTP_1_1
            ? !h.containsToken("connection", "close")
            : h.containsToken("connection", "keep-alive");
    boolean cont = v == Version.HTTP_1_1 && "100-continue".equalsIgnoreCase(h.get("expect"));
    boolean upgrade = h.containsToken("connection", "upgrade") && h.contains("upgrade");
    return new RequestHead(Method.of(rl[0]), rl[1], v, h, len, chunked, keepAlive, cont, upgrade);
  }
}
