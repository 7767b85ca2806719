/**
 * The strict HTTP/1.x codec: {@link io.kyoto.web.internal.h1.RequestHeadParser}, {@link
 * io.kyoto.web.internal.h1.ResponseHeadParser} and {@link io.kyoto.web.internal.h1.ChunkedDecoder},
 * bounded by {@link io.kyoto.web.internal.h1.H1Limits}.
 *
 * <p>Policies, all strict (RFC 9112 leniencies not taken): CRLF only (bare LF and bare CR are 400);
 * up to four empty lines before a request line are skipped; one Content-Length field only, even
 * duplicates with identical values are 400; Transfer-Encoding must be exactly {@code chunked}
 * (other final codings 400, {@code gzip, chunked} 501); no obs-fold; no whitespace before a colon;
 * no CTLs (except HTAB) in values, obs-text decoded as ISO-8859-1. Every limit is enforced as soon
 * as the bytes present pass it.
 */
package io.kyoto.web.internal.h1;
