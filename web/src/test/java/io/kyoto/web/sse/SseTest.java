package io.kyoto.web.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.stream.Stream;
import io.kyoto.runtime.stream.Streams;
import io.kyoto.runtime.sync.Mpsc;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Event encoding, the event-stream response and keep-alives on a paused clock. */
@Timeout(60)
class SseTest {
  @Test
  void encodesAllFields() {
    Event e =
        Event.data("hello").event("greeting").id("7").retry(Duration.ofSeconds(3)).comment("note");
    assertEquals(":note\nevent:greeting\nid:7\nretry:3000\ndata:hello\n\n", e.encode());
  }

  @Test
  void multiLineDataBecomesSeveralDataLines() {
    assertEquals(
        "data:a\ndata:b\ndata:c\ndata:d\ndata:\n\n", Event.data("a\nb\r\nc\rd\n").encode());
    assertEquals("data:\n\n", Event.data("").encode());
    assertEquals(":x\n:y\n\n", Event.ofComment("x\ny").encode());
    assertEquals("\n", Event.empty().encode());
  }

  @Test
  void valuesStartingWithASpaceReachTheBrowserUnchanged() {
    // The event-stream parser (WHATWG HTML, 9.2.6) drops one space after the colon, so a value
    // that starts with a space must be written after one of ours (axum writes "data: value").
    Event e = Event.data(" indented\n  two\nthree").event(" spaced").id(" 7");
    java.util.Map<String, String> fields = parseEventStream(e.encode());
    assertEquals(" indented\n  two\nthree", fields.get("data"));
    assertEquals(" spaced", fields.get("event"));
    assertEquals(" 7", fields.get("id"));
    assertEquals("data:plain\n\n", Event.data("plain").encode(), "other values are as before");
  }

  /** The fields of one event as a browser reads them (WHATWG HTML, 9.2.6). */
  private static java.util.Map<String, String> parseEventStream(String text) {
    java.util.Map<String, String> fields = new java.util.HashMap<>();
    StringBuilder data = null;
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty() || line.startsWith(":")) continue;
      int colon = line.indexOf(':');
      String name = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) value = value.substring(1);
      if (name.equals("data")) {
        data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
      } else {
        fields.put(name, value);
      }
    }
    if (data != null) fields.put("data", data.toString());
    return fields;
  }

  @Test
  void rejectsLineBreaksInEventAndId() {
    assertThrows(IllegalArgumentException.class, () -> Event.data("x").event("a\nb"));
    assertThrows(IllegalArgumentException.class, () -> Event.data("x").event("a\rb"));
    assertThrows(IllegalArgumentException.class, () -> Event.data("x").id("1\n2"));
    assertThrows(IllegalArgumentException.class, () -> Event.data("x").id("1\u00002"));
    assertThrows(
        IllegalArgumentException.class, () -> Event.data("x").retry(Duration.ofMillis(-1)));
  }

  @Test
  void responseStreamsEvents() throws Exception {
    Response r = Sse.response(Streams.of(Event.data("one").id("1"), Event.data("two").event("e")));
    assertEquals(200, r.status().code());
    assertEquals("text/event-stream", r.header("content-type"));
    assertEquals("no-cache", r.header("cache-control"));
    assertEquals(-1, r.body().contentLength(), "streamed, length unknown");
    try (Runtime rt = Runtime.builder().currentThread().enableTime().build()) {
      String body = rt.blockOn(r.body().string());
      assertEquals("id:1\ndata:one\n\nevent:e\ndata:two\n\n", body);
    }
  }

  @Test
  void lastEventIdIsRead() {
    assertEquals("42", Sse.lastEventId(Request.get("/events").header("Last-Event-ID", "42")));
    assertNull(Sse.lastEventId(Request.get("/events")));
  }

  @Test
  void keepAliveSendsCommentsWhenIdle() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
      Mpsc.Channel<Event> ch = Mpsc.channel(8);
      Stream<Event> s = Sse.keepAlive(ch.rx().stream());
      long t0 = rt.blockOn(Futures.fromSupplier(Time::now));
      Event first = rt.blockOn(s.next()).orElseThrow();
      long t1 = rt.blockOn(Futures.fromSupplier(Time::now));
      assertEquals(":\n\n", first.encode());
      assertEquals(Duration.ofSeconds(15).toNanos(), t1 - t0, "default interval, paused clock");

      rt.blockOn(Time.advance(Duration.ofSeconds(10)));
      rt.blockOn(ch.tx().send(Event.data("real")));
      assertEquals("data:real\n\n", rt.blockOn(s.next()).orElseThrow().encode());
      long t2 = rt.blockOn(Futures.fromSupplier(Time::now));
      rt.blockOn(s.next());
      long t3 = rt.blockOn(Futures.fromSupplier(Time::now));
      assertEquals(Duration.ofSeconds(15).toNanos(), t3 - t2, "the timer restarts after an event");

      ch.tx().close();
      assertTrue(rt.blockOn(s.next()).isEmpty(), "ends with the events");
    }
  }

  @Test
  void keepAliveWithCustomIntervalAndText() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
      Mpsc.Channel<Event> ch = Mpsc.channel(8);
      Response r = Sse.response(Sse.keepAlive(ch.rx().stream(), Duration.ofSeconds(2), "ping"));
      Stream<String> chunks =
          r.body().map(b -> new String(b.array(), b.position(), b.remaining(), "UTF-8"));
      assertEquals(":ping\n\n", rt.blockOn(chunks.next()).orElseThrow());
      assertEquals(":ping\n\n", rt.blockOn(chunks.next()).orElseThrow());
      ch.tx().close();
      assertTrue(rt.blockOn(chunks.next()).isEmpty());
    }
  }
}
