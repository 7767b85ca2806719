/**
 * Asynchronous sockets on the runtime's I/O driver: tokio's {@code net} module.
 *
 * <p>Every type here must be created inside a runtime built with {@code enableIo()} (or {@code
 * enableAll()}); it registers with that runtime's reactor and works on either reactor backend.
 */
package io.kyoto.runtime.net;
