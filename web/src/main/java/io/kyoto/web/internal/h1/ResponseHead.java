package io.kyoto.web.internal.h1;

import io.kyoto.web.Headers;
import io.kyoto.web.Status;
import io.kyoto.web.Version;

/** A parsed response head (temporary stand-in). */
public record ResponseHead(
    Version version,
    Status status,
    Headers headers,
    long contentLength,
    boolean chunked,
    boolean keepAlive) {}
