/**
 * tower for Kyoto: {@link io.kyoto.runtime.service.Service} (a request-to-response function with
 * readiness as backpressure), {@link io.kyoto.runtime.service.Layer} and {@link
 * io.kyoto.runtime.service.ServiceBuilder}, plus the middleware every server and client needs:
 * {@link io.kyoto.runtime.service.Timeout}, {@link io.kyoto.runtime.service.ConcurrencyLimit},
 * {@link io.kyoto.runtime.service.RateLimit}, {@link io.kyoto.runtime.service.Retry} (with a {@link
 * io.kyoto.runtime.service.RetryPolicy}, a {@link io.kyoto.runtime.service.RetryBudget} and a
 * {@link io.kyoto.runtime.service.Backoff}), {@link io.kyoto.runtime.service.LoadShed} and {@link
 * io.kyoto.runtime.service.Buffer}. The contract is protocol-agnostic: the HTTP server in {@code
 * kyoto-web} executes a service, and so can any protocol built on {@link io.kyoto.runtime.codec}.
 *
 * <p>Middleware that reserve something in {@code pollReady} (a permit, a queue slot, a slot of a
 * rate window) share it between the {@linkplain io.kyoto.runtime.service.Service#newHandle()
 * handles} of one service, and move the reservation into the response future at {@code call}.
 */
package io.kyoto.runtime.service;
