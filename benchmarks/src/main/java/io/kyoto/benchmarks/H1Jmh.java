package io.kyoto.benchmarks;

import io.kyoto.web.internal.h1.H1Limits;
import io.kyoto.web.internal.h1.RequestHead;
import io.kyoto.web.internal.h1.RequestHeadParser;
import io.kyoto.web.internal.io.OutBuffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The HTTP/1.1 codec on the class path (its package is internal to the JPMS module): {@link
 * RequestHeadParser#parse(ByteBuffer)} on a typical request head of about 200 bytes, and the
 * encoding of a response head into the server's {@link OutBuffer} with the same calls the
 * connection makes (status line, two headers, content-length).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class H1Jmh {
  /** A typical browser-less client request head: 6 header fields, about 200 bytes. */
  static final byte[] REQUEST =
      ("GET /api/v1/users/12345?fields=name,email HTTP/1.1\r\n"
              + "Host: api.example.com\r\n"
              + "User-Agent: curl/8.5.0\r\n"
              + "Accept: application/json\r\n"
              + "Accept-Encoding: gzip, deflate\r\n"
              + "Connection: keep-alive\r\n"
              + "X-Request-Id: 4f7d2c1a9b\r\n"
              + "\r\n")
          .getBytes(StandardCharsets.US_ASCII);

  private static final byte[] CRLF = {'\r', '\n'};

  private RequestHeadParser parser;
  private ByteBuffer in;
  private OutBuffer out;

  /** Creates the JMH state. */
  public H1Jmh() {}

  /** Builds the parser, the input and the output buffer. */
  @Setup
  public void setUp() {
    parser = new RequestHeadParser(H1Limits.DEFAULT);
    in = ByteBuffer.allocate(REQUEST.length).put(REQUEST).flip(); // heap, as InBuffer
    out = new OutBuffer();
  }

  /**
   * Parses the request head.
   *
   * @return the head
   * @throws Exception if the request is rejected
   */
  @Benchmark
  public RequestHead parseRequestHead() throws Exception {
    in.position(0);
    return parser.parse(in);
  }

  /**
   * Encodes {@code HTTP/1.1 200 OK}, content-type, a date and content-length into the buffer.
   *
   * @return the bytes buffered
   */
  @Benchmark
  public int encodeResponseHead() {
    out.clear();
    out.putAscii("HTTP/1.1 ");
    out.putDigits(200);
    out.put((byte) ' ');
    out.putAscii("OK");
    out.put(CRLF);
    out.putAscii("content-type");
    out.putAscii(": ");
    out.putAscii("text/plain; charset=utf-8");
    out.put(CRLF);
    out.putAscii("date: Thu, 26 Nov 2026 04:30:00 GMT");
    out.put(CRLF);
    out.putAscii("content-length: ");
    out.putDigits(13);
    out.put(CRLF);
    out.put(CRLF);
    return out.buffered();
  }
}
