/**
 * Annotations that the Kyoto processor ({@code io.kyoto:kyoto-processor}, listed on the compiler's
 * {@code annotationProcessorPaths}) expands into plain Java calling the public runtime API, as
 * tokio-macros does for Rust: {@link io.kyoto.runtime.annotation.AsyncMain} (tokio's {@code
 * #[tokio::main]}), {@link io.kyoto.runtime.annotation.AsyncTest} ({@code #[tokio::test]}) and
 * {@link io.kyoto.runtime.annotation.Select} with its {@link io.kyoto.runtime.annotation.Branch}
 * and {@link io.kyoto.runtime.annotation.Else} methods ({@code select!}).
 *
 * <p>All have {@link java.lang.annotation.RetentionPolicy#CLASS CLASS} retention: they are read at
 * compile time only, yet stay in the class file so that tools and incremental builds can see them.
 * Nothing reads them reflectively at run time.
 */
package io.kyoto.runtime.annotation;
