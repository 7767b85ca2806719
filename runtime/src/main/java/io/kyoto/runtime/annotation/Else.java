package io.kyoto.runtime.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The else branch of a {@link Select} type, tokio's {@code else =>}: a non-static, non-private
 * method without parameters returning the select's value type, run when every branch is disabled.
 * At most one per type.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Else {}
