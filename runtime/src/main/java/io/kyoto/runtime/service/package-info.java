/**
 * tower for Kyoto: {@link io.kyoto.runtime.service.Service} (a request-to-response function with
 * readiness as backpressure), {@link io.kyoto.runtime.service.Layer} and {@link
 * io.kyoto.runtime.service.ServiceBuilder}, plus the middleware every server and client needs:
 * timeout, concurrency limit, rate limit, retry with a budget, load shedding and a buffer. The
 * contract is protocol-agnostic: the HTTP server in {@code kyoto-web} executes a service, and so
 * can any protocol built on {@link io.kyoto.runtime.codec}.
 */
package io.kyoto.runtime.service;
