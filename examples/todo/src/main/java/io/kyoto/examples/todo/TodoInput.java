package io.kyoto.examples.todo;

import io.kyoto.web.Status;
import io.kyoto.web.route.Filter;
import io.kyoto.web.route.Json;
import io.kyoto.web.route.Rejection;

/**
 * The body of {@code POST /api/todos} and {@code PUT /api/todos/{id}}: {@code {"title": "...",
 * "done": false}}, {@code done} optional (false).
 *
 * @param title the title: required, 1 to {@value #MAX_TITLE} characters once trimmed
 * @param done whether it is done; null means false
 */
public record TodoInput(String title, Boolean done) {
  /** The longest title accepted, in characters (code points). */
  public static final int MAX_TITLE = 200;

  /** The largest body accepted, in bytes (413 above it). */
  public static final int MAX_BODY = 16 * 1024;

  /**
   * The typed body filter: JSON (415 for another content type, 400 for malformed JSON, 413 above
   * {@value #MAX_BODY} bytes), then {@link #validate} (422). A handler that takes it only ever sees
   * valid input.
   */
  public static final Filter<TodoInput> BODY =
      Json.body(TodoInput.class, MAX_BODY).map(TodoInput::validate);

  /**
   * {@return the input with its title trimmed and {@code done} defaulted, if it is valid}
   *
   * @param input the decoded body (never null: {@code Json.body} answers a JSON {@code null} with
   *     400)
   * @throws Rejection 422 naming what is wrong
   */
  public static TodoInput validate(TodoInput input) throws Rejection {
    if (input.title == null) throw invalid("title is required");
    String title = input.title.strip();
    if (title.isEmpty()) throw invalid("title must not be blank");
    int length = title.codePointCount(0, title.length());
    if (length > MAX_TITLE) {
      throw invalid("title must be at most " + MAX_TITLE + " characters, got " + length);
    }
    return new TodoInput(title, input.done != null && input.done);
  }

  private static Rejection invalid(String message) {
    return Rejection.of(Status.UNPROCESSABLE_CONTENT, message);
  }
}
