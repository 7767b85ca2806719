package io.kyoto.web;

import io.kyoto.runtime.io.AsyncCloseable;
import io.kyoto.runtime.io.AsyncRead;
import io.kyoto.runtime.io.AsyncWrite;

/**
 * The connection after a {@code 101 Switching Protocols} response (or a 2xx answer to CONNECT): raw
 * bytes both ways, starting with any bytes the client sent after its request head. hyper's {@code
 * Upgraded}. See {@link Response#upgrade}.
 */
public interface Upgraded extends AsyncRead, AsyncWrite, AsyncCloseable {}
