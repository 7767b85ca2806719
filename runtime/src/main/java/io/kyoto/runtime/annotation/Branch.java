package io.kyoto.runtime.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A branch of a {@link Select} type: a non-static, non-private method returning the select's value
 * type, with one parameter, the value of the branch's future, or none to ignore the value (tokio's
 * {@code _ = shutdown => ...}; the generated {@code of} then takes a {@code Future<?>} for it). Its
 * name names the branch and must be unique in the type.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Branch {
  /**
   * {@return whether a {@code null} value disables the branch instead of running the handler} The
   * select keeps waiting on the other branches, as tokio's {@code Some(v) = rx.recv()} does when a
   * channel closes.
   *
   * <p>Without it, a handler whose parameter is primitive ({@code long at}) cannot take a null:
   * such a value fails the select with a {@link NullPointerException} that names the branch.
   * Declare the parameter boxed to receive null, or set this.
   */
  boolean disableOnNull() default false;
}
