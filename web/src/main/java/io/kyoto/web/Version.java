package io.kyoto.web;

/** The HTTP versions the HTTP/1 codec speaks. */
public enum Version {
  /** HTTP/1.0: no chunked coding, connections close unless {@code keep-alive} is asked for. */
  HTTP_1_0("HTTP/1.0"),
  /** HTTP/1.1 (RFC 9112): persistent connections and chunked coding. */
  HTTP_1_1("HTTP/1.1");

  private final String text;

  Version(String text) {
    this.text = text;
  }

  /** {@return the version as it appears on the wire, e.g. {@code HTTP/1.1}} */
  public String text() {
    return text;
  }

  @Override
  public String toString() {
    return text;
  }
}
