/**
 * The HTTP model and server: {@link io.kyoto.web.Request}, {@link io.kyoto.web.Response}, {@link
 * io.kyoto.web.Headers}, {@link io.kyoto.web.Body} (a streamed {@link
 * io.kyoto.runtime.stream.Stream} of chunks), {@link io.kyoto.web.Status}, {@link
 * io.kyoto.web.Method}; an application is an {@link io.kyoto.runtime.service.Service} from request
 * to response.
 */
package io.kyoto.web;
