/**
 * Static files: {@link io.kyoto.web.fs.StaticFiles#dir}, warp's {@code fs::dir}, with safe path
 * resolution, content types, validators, conditional requests and single byte ranges.
 */
package io.kyoto.web.fs;
