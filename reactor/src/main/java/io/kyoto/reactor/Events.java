package io.kyoto.reactor;

import io.kyoto.reactor.internal.EventBuffer;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A reusable buffer of readiness events, filled by {@link Poll#poll(Events, java.time.Duration)}.
 *
 * <p>Create one per polling thread and reuse it: polling clears it first, and neither polling nor
 * {@link #get(int)} allocates. At most {@link #capacity()} events are returned per poll; the rest
 * stay queued in the backend for the next poll.
 *
 * <p>
 *
 * {@snippet :
 * Events events = Events.withCapacity(1024);
 * while (running) {
 *   poll.poll(events, null);
 *   for (int i = 0; i < events.size(); i++) {
 *     Event event = events.get(i);
 *     // dispatch on event.tokenValue()
 *   }
 * }
 * }
 *
 * <p><b>Thread safety:</b> not thread safe; confine to the polling thread.
 */
public final class Events implements Iterable<Event> {
  private final EventBuffer buffer;
  private final Event[] views;

  private Events(int capacity) {
    this.buffer = new EventBuffer(capacity);
    this.views = new Event[capacity];
    for (int i = 0; i < capacity; i++) {
      views[i] = new Event(buffer, i);
    }
  }

  /**
   * Creates a buffer for at most {@code capacity} events per poll.
   *
   * @param capacity at least 1
   * @return a new, empty buffer
   * @throws IllegalArgumentException if {@code capacity < 1}
   */
  public static Events withCapacity(int capacity) {
    return new Events(capacity);
  }

  /** {@return the maximum number of events one poll returns} */
  public int capacity() {
    return buffer.capacity();
  }

  /** {@return the number of events the last poll returned} */
  public int size() {
    return buffer.size();
  }

  /**
   * {@return whether the last poll returned no event (a timeout, or a wake-up without a waker
   * event)}
   */
  public boolean isEmpty() {
    return buffer.size() == 0;
  }

  /**
   * Returns event {@code i}.
   *
   * @param i an index below {@link #size()}
   * @return a view, valid until the next poll
   * @throws IndexOutOfBoundsException if {@code i} is out of range
   */
  public Event get(int i) {
    if (i < 0 || i >= buffer.size()) {
      throw new IndexOutOfBoundsException("event " + i + " of " + buffer.size());
    }
    return views[i];
  }

  /** Removes every event. */
  public void clear() {
    buffer.clear();
  }

  EventBuffer buffer() {
    return buffer;
  }

  @Override
  public Iterator<Event> iterator() {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < buffer.size();
      }

      @Override
      public Event next() {
        if (next >= buffer.size()) {
          throw new NoSuchElementException();
        }
        return views[next++];
      }
    };
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("Events[");
    for (int i = 0; i < buffer.size(); i++) {
      s.append(i == 0 ? "" : ", ").append(views[i]);
    }
    return s.append(']').toString();
  }
}
