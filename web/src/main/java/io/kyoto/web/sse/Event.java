package io.kyoto.web.sse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * One server-sent event, built fluently and encoded in the {@code text/event-stream} format (HTML
 * Living Standard, "Server-sent events").
 *
 * {@snippet :
 * Event e = Event.data("line 1\nline 2").event("update").id("42");
 * // event:update\nid:42\ndata:line 1\ndata:line 2\n\n
 * }
 *
 * <p>Data is split at every line break ({@code \r\n}, {@code \r} or {@code \n}) into several {@code
 * data:} lines, which the browser joins back with {@code \n}. A comment is split the same way. A
 * value (a data line, the event name, the id) that starts with a space is written after one more,
 * since the browser drops the first space after the colon. The event name and id may not hold CR or
 * LF (an id may not hold NUL either, which browsers ignore): the setters throw {@link
 * IllegalArgumentException}.
 *
 * <p><b>Thread safety:</b> not thread safe while being built; safe to share once built.
 */
public final class Event {
  private String data;
  private String event;
  private String id;
  private Duration retry;
  private String comment;

  private Event() {}

  /** {@return an empty event; an event with no field at all encodes as a blank line} */
  public static Event empty() {
    return new Event();
  }

  /**
   * {@return an event with {@code data}}
   *
   * @param data the data, may hold line breaks
   */
  public static Event data(String data) {
    return new Event().withData(data);
  }

  /**
   * {@return an event made of a comment only, ignored by browsers (used for keep-alives)}
   *
   * @param comment the comment text
   */
  public static Event ofComment(String comment) {
    return new Event().comment(comment);
  }

  /**
   * Sets the data.
   *
   * @param data the data, may hold line breaks
   * @return this
   */
  public Event withData(String data) {
    this.data = Objects.requireNonNull(data, "data");
    return this;
  }

  /**
   * Sets the event name (the {@code event:} field; browsers default to {@code message}).
   *
   * @param event the name, without CR or LF
   * @return this
   */
  public Event event(String event) {
    this.event = checkLine("event", event, false);
    return this;
  }

  /**
   * Sets the event id (the {@code id:} field), which the browser sends back in {@code
   * Last-Event-ID} when it reconnects.
   *
   * @param id the id, without CR, LF or NUL
   * @return this
   */
  public Event id(String id) {
    this.id = checkLine("id", id, true);
    return this;
  }

  /**
   * Sets the reconnection time (the {@code retry:} field, in milliseconds).
   *
   * @param retry the time, not negative
   * @return this
   */
  public Event retry(Duration retry) {
    if (retry.isNegative()) throw new IllegalArgumentException("negative retry: " + retry);
    this.retry = retry;
    return this;
  }

  /**
   * Sets a comment, sent before the other fields on {@code :} lines.
   *
   * @param comment the comment, may hold line breaks
   * @return this
   */
  public Event comment(String comment) {
    this.comment = Objects.requireNonNull(comment, "comment");
    return this;
  }

  private static String checkLine(String field, String value, boolean noNul) {
    Objects.requireNonNull(value, field);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || (noNul && c == 0)) {
        throw new IllegalArgumentException("the " + field + " field may not hold CR, LF or NUL");
      }
    }
    return value;
  }

  /** {@return the data, or null} */
  public String data() {
    return data;
  }

  /** {@return the event name, or null} */
  public String event() {
    return event;
  }

  /** {@return the id, or null} */
  public String id() {
    return id;
  }

  /** {@return the reconnection time, or null} */
  public Duration retry() {
    return retry;
  }

  /** {@return the comment, or null} */
  public String comment() {
    return comment;
  }

  /** {@return the event in the {@code text/event-stream} format, ending with a blank line} */
  public String encode() {
    StringBuilder sb = new StringBuilder();
    if (comment != null) lines(sb, ":", comment);
    if (event != null) field(sb, "event:", event, 0, event.length());
    if (id != null) field(sb, "id:", id, 0, id.length());
    if (retry != null) sb.append("retry:").append(retry.toMillis()).append('\n');
    if (data != null) lines(sb, "data:", data);
    return sb.append('\n').toString();
  }

  /** {@return {@link #encode()} as UTF-8 bytes} */
  public ByteBuffer toBytes() {
    return ByteBuffer.wrap(encode().getBytes(StandardCharsets.UTF_8));
  }

  private static void lines(StringBuilder sb, String prefix, String text) {
    int start = 0;
    int n = text.length();
    for (int i = 0; i <= n; i++) {
      if (i == n || text.charAt(i) == '\n' || text.charAt(i) == '\r') {
        field(sb, prefix, text, start, i);
        if (i < n - 1 && text.charAt(i) == '\r' && text.charAt(i + 1) == '\n') i++;
        start = i + 1;
      }
    }
  }

  /**
   * Appends one line: {@code prefix} (a field name and its colon, or the colon of a comment), the
   * text and LF. A browser drops one space after a field's colon (WHATWG HTML, section 9.2.6), so a
   * field value that starts with a space gets one more in front (axum always writes one); a comment
   * is left as it is, as nothing reads it.
   */
  private static void field(StringBuilder sb, String prefix, String text, int start, int end) {
    sb.append(prefix);
    if (prefix.length() > 1 && start < end && text.charAt(start) == ' ') sb.append(' ');
    sb.append(text, start, end).append('\n');
  }

  @Override
  public String toString() {
    return "Event[" + encode().replace("\n", "\\n") + "]";
  }
}
