package io.kyoto.web.internal.h1;

import io.kyoto.web.Headers;
import io.kyoto.web.Method;
import io.kyoto.web.Version;

/** A parsed request head. */
public record RequestHead(
    Method method,
    String target,
    Version version,
    Headers headers,
    long contentLength,
    boolean chunked,
    boolean keepAlive,
    boolean expectContinue,
    boolean upgrade) {}
