/**
 * The engine behind {@code io.kyoto.reactor}: the contracts every backend implements.
 *
 * <h2>Invariants</h2>
 *
 * <ol>
 *   <li>A {@link io.kyoto.reactor.internal.SelectorHandle} belongs to one {@code Poll}. Only one
 *       thread is inside {@code select} at a time (the {@code Poll} enforces it); {@code register},
 *       {@code reregister}, {@code deregister} and wakers may be used from any thread.
 *   <li>Readiness is edge-triggered: after an event for a source, the next event for the same
 *       interest is guaranteed only once an operation on the source reported "would block" ({@link
 *       io.kyoto.reactor.internal.IoCodes#WOULD_BLOCK} or a {@code null} accept/receive). Backends
 *       that are level-triggered underneath (nio) disarm an interest when they report it and re-arm
 *       it on "would block".
 *   <li>"Would block" is a return value, never an exception. Every other failure is an {@code
 *       IOException} naming the operation and, for the epoll backend, the errno.
 *   <li>Closing a source deregisters it from the selector it is registered with, from any thread.
 *   <li>Every handle is created in non-blocking, close-on-exec mode.
 * </ol>
 */
package io.kyoto.reactor.internal;
