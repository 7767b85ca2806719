/**
 * The JVM peers of {@code run-all.sh}, written for this module on the peers' public APIs (Maven
 * dependencies): the same jobs as Kyoto's {@code HttpHello}/{@code HttpJson} and its echo server,
 * on Netty 4.2 (epoll), Vert.x 5 and Helidon SE 4.5. Each answers {@code GET /json} with {@code
 * {"message":"Hello, World!"}} and every other path with {@code Hello, World!}.
 */
package io.kyoto.benchmarks.peers;
