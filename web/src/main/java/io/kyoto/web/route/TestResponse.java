package io.kyoto.web.route;

import io.kyoto.web.Headers;
import io.kyoto.web.Response;
import io.kyoto.web.Status;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A response read whole by {@link TestClient}: status, headers and body, with accessors that read
 * well in assertions.
 */
public final class TestResponse {
  private final Response response;
  private final byte[] body;

  TestResponse(Response response, byte[] body) {
    this.response = response;
    this.body = body;
  }

  /** {@return the status code, e.g. 200} */
  public int status() {
    return response.status().code();
  }

  /** {@return the status with its reason phrase} */
  public Status statusLine() {
    return response.status();
  }

  /**
   * {@return the first value of header {@code name}, or null}
   *
   * @param name the name, any case
   */
  public String header(String name) {
    return response.header(name);
  }

  /**
   * {@return every value of header {@code name}}
   *
   * @param name the name, any case
   */
  public List<String> headers(String name) {
    return response.headers().getAll(name);
  }

  /** {@return all headers} */
  public Headers headers() {
    return response.headers();
  }

  /** {@return the body bytes} */
  public byte[] bytes() {
    return body.clone();
  }

  /** {@return the body as UTF-8 text} */
  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /**
   * {@return the body bound from JSON (needs Jackson)}
   *
   * @param type the class
   * @param <T> the type
   */
  public <T> T json(Class<T> type) {
    return Json.decode(body, type);
  }

  /** {@return the response as the service returned it (its body already read)} */
  public Response response() {
    return response;
  }

  /**
   * Checks the status.
   *
   * @param expected the expected code
   * @return this
   * @throws AssertionError showing the status and body if it differs
   */
  public TestResponse assertStatus(int expected) {
    if (status() != expected) {
      throw new AssertionError("expected status " + expected + " but got " + this);
    }
    return this;
  }

  @Override
  public String toString() {
    String text = text();
    if (text.length() > 500) text = text.substring(0, 500) + "…";
    return response.status() + " " + response.headers() + " " + text;
  }
}
