package io.kyoto.web;

import java.util.Objects;

/**
 * An HTTP request method (RFC 9110 section 9). The standard methods are shared constants, so they
 * compare with {@code ==}; an extension method is any other valid token.
 *
 * @param name the method token, case-sensitive as RFC 9110 requires
 */
public record Method(String name) {
  /** {@code GET}. */
  public static final Method GET = new Method("GET");

  /** {@code HEAD}. */
  public static final Method HEAD = new Method("HEAD");

  /** {@code POST}. */
  public static final Method POST = new Method("POST");

  /** {@code PUT}. */
  public static final Method PUT = new Method("PUT");

  /** {@code DELETE}. */
  public static final Method DELETE = new Method("DELETE");

  /** {@code CONNECT}. */
  public static final Method CONNECT = new Method("CONNECT");

  /** {@code OPTIONS}. */
  public static final Method OPTIONS = new Method("OPTIONS");

  /** {@code TRACE}. */
  public static final Method TRACE = new Method("TRACE");

  /** {@code PATCH} (RFC 5789). */
  public static final Method PATCH = new Method("PATCH");

  /**
   * Checks the token.
   *
   * @param name the method token
   * @throws IllegalArgumentException if {@code name} is empty or not an RFC 9110 token
   */
  public Method {
    Objects.requireNonNull(name, "name");
    if (!Tokens.isToken(name)) {
      throw new IllegalArgumentException("invalid HTTP method token: \"" + name + "\"");
    }
  }

  /**
   * {@return the method named {@code name}: a shared constant for the standard methods}
   *
   * @param name the method token (case-sensitive)
   * @throws IllegalArgumentException if {@code name} is not a token
   */
  public static Method of(String name) {
    return switch (name) {
      case "GET" -> GET;
      case "HEAD" -> HEAD;
      case "POST" -> POST;
      case "PUT" -> PUT;
      case "DELETE" -> DELETE;
      case "CONNECT" -> CONNECT;
      case "OPTIONS" -> OPTIONS;
      case "TRACE" -> TRACE;
      case "PATCH" -> PATCH;
      default -> new Method(name);
    };
  }

  @Override
  public String toString() {
    return name;
  }
}
