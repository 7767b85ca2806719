package io.kyoto.web.internal.h1;

/** Parser limits (temporary stand-in; replaced by the strict parser). */
public record H1Limits(
    int maxRequestLineBytes,
    int maxHeaderBytes,
    int maxHeaders,
    int maxChunkLineBytes,
    int maxTrailerBytes) {
  public static final H1Limits DEFAULT = new H1Limits(8192, 65536, 100, 1024, 16384);
}
