package io.kyoto.web.sse;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Sleep;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.stream.Stream;
import io.kyoto.web.Body;
import io.kyoto.web.Headers;
import io.kyoto.web.Request;
import io.kyoto.web.Response;
import io.kyoto.web.Status;
import java.time.Duration;
import java.util.Objects;

/**
 * Server-sent event responses: warp's {@code sse::reply}, {@code sse::keep_alive} and {@code
 * sse::last_event_id}.
 *
 * {@snippet :
 * Response ticks(Request req) {
 *   Stream<Event> events = Streams.interval(Duration.ofSeconds(1))
 *       .map(n -> Event.data("tick " + n).id(Long.toString(n)));
 *   return Sse.response(Sse.keepAlive(events));
 * }
 * }
 */
public final class Sse {
  /** The default keep-alive interval: 15 seconds, as warp's. */
  public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(15);

  private Sse() {}

  /**
   * {@return a 200 response streaming {@code events}} Headers: {@code content-type:
   * text/event-stream}, {@code cache-control: no-cache}. The body has no known length (chunked on
   * HTTP/1.1); each event is one chunk, written as soon as the stream produces it.
   *
   * @param events the events; cancelled if the client goes away
   */
  public static Response response(Stream<Event> events) {
    Objects.requireNonNull(events, "events");
    Headers h = Headers.of("content-type", "text/event-stream", "cache-control", "no-cache");
    return new Response(Status.OK, h, Body.from(events.map(Event::toBytes)));
  }

  /**
   * {@return {@code events} with a {@code :} comment inserted after every {@link
   * #DEFAULT_KEEP_ALIVE} without an event}
   *
   * @param events the events
   */
  public static Stream<Event> keepAlive(Stream<Event> events) {
    return keepAlive(events, DEFAULT_KEEP_ALIVE, "");
  }

  /**
   * {@return {@code events} with a comment event inserted whenever {@code interval} passes without
   * an event} The timer restarts after each event, keep-alive or not, so an active stream sends no
   * keep-alives. Needs a runtime with time enabled.
   *
   * @param events the events
   * @param interval the idle time before a keep-alive, positive
   * @param text the comment text (often empty)
   */
  public static Stream<Event> keepAlive(Stream<Event> events, Duration interval, String text) {
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(text, "text");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive: " + interval);
    }
    return new KeepAlive(events, interval, text);
  }

  /**
   * {@return the {@code Last-Event-ID} a reconnecting browser sends, or null}
   *
   * @param request the request
   */
  public static String lastEventId(Request request) {
    return request.header("last-event-id");
  }

  private static final class KeepAlive implements Stream<Event> {
    private final Stream<Event> events;
    private final Duration interval;
    private final String text;
    private Sleep sleep;

    KeepAlive(Stream<Event> events, Duration interval, String text) {
      this.events = events;
      this.interval = interval;
      this.text = text;
    }

    @Override
    public Poll<Event> pollNext(Context cx) throws Exception {
      Poll<Event> p = events.pollNext(cx);
      if (p.isReady()) {
        if (sleep != null) {
          sleep.cancel();
          sleep = null;
        }
        return p;
      }
      if (sleep == null) sleep = Time.sleep(interval);
      if (sleep.poll(cx).isReady()) {
        sleep = null;
        return Poll.ready(Event.ofComment(text));
      }
      return Poll.pending();
    }

    @Override
    public void cancel() {
      if (sleep != null) sleep.cancel();
      events.cancel();
    }
  }
}
