package io.kyoto.runtime.stream;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.internal.task.Cancel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A keyed merge of streams, as tokio-stream's {@code StreamMap}: a stream of {@code (key, item)}
 * entries from every stream in the map, to which streams can be added and from which they can be
 * removed while it is being polled.
 *
 * <p>Each poll goes round the streams starting after the one that produced the previous item, so
 * busy streams take turns and none is starved. A stream that ends is removed from the map. When the
 * map is empty, {@link #pollNext} returns {@link Stream#end()}; unlike most streams a {@code
 * StreamMap} may be polled again afterwards, and yields items again once a stream is inserted. So
 * the usual shape is a loop that inserts and removes streams in one {@code select} branch and calls
 * {@link #next()} in another:
 *
 * {@snippet :
 * StreamMap<String, Message> channels = new StreamMap<>();
 * channels.insert("news", news);
 * channels.insert("chat", chat);
 * Future<Void> printing = channels.forEach(e -> System.out.println(e.getKey() + ": " + e.getValue()));
 * }
 *
 * <p>A failure of one stream is thrown from {@code pollNext} and removes that stream (which is
 * cancelled once, as a dropped failed stream is); the others stay in the map, so a task that calls
 * {@code next()} may catch the failure and go on. Consuming terminals ({@link #forEach}, {@link
 * #fold}, ...) cancel the map, and so every stream in it, when they fail. {@link #cancel()} cancels
 * every stream and empties the map.
 *
 * <p>Keys are compared with {@code equals}; lookups are linear in the number of streams, as in
 * tokio, which suits the tens of streams a keyed merge usually holds.
 *
 * <p><b>Thread safety:</b> not thread safe; owned by one task.
 *
 * @param <K> the keys' type
 * @param <V> the items' type
 */
public final class StreamMap<K, V> implements Stream<Map.Entry<K, V>> {
  private final List<K> keys = new ArrayList<>();

  /** Parallel to {@link #keys}; an entry is null only inside {@link #pollNext}, once it ended. */
  private final List<Stream<V>> streams = new ArrayList<>();

  private int start;

  /** Creates an empty map. */
  public StreamMap() {}

  /**
   * Adds {@code stream} under {@code key}, replacing the stream that had that key.
   *
   * @param key the key, not null
   * @param stream the stream; the map owns it from now on
   * @return the replaced stream, or null; it is <em>not</em> cancelled: the caller owns it again,
   *     and should cancel it if it is not going to poll it
   */
  public Stream<V> insert(K key, Stream<? extends V> stream) {
    Objects.requireNonNull(key, "key");
    Stream<V> s = StreamPolls.widen(Objects.requireNonNull(stream, "stream"));
    int i = keys.indexOf(key);
    if (i >= 0) {
      return streams.set(i, s);
    }
    keys.add(key);
    streams.add(s);
    return null;
  }

  /**
   * Removes the stream under {@code key}.
   *
   * @param key the key
   * @return the removed stream, or null if there was none; it is <em>not</em> cancelled: the caller
   *     owns it again
   */
  public Stream<V> remove(Object key) {
    int i = keys.indexOf(key);
    if (i < 0) {
      return null;
    }
    keys.remove(i);
    if (i < start) {
      start--; // the next turn stays with the stream after the last producer
    }
    return streams.remove(i);
  }

  /**
   * {@return whether a stream is stored under {@code key}}
   *
   * @param key the key
   */
  public boolean containsKey(Object key) {
    return keys.contains(key);
  }

  /** {@return the number of streams in the map} */
  public int size() {
    return keys.size();
  }

  /** {@return whether the map holds no stream} */
  public boolean isEmpty() {
    return keys.isEmpty();
  }

  /** {@return a snapshot of the keys, in insertion order (removals may reorder)} */
  public List<K> keys() {
    return List.copyOf(keys);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Yields the next item of any stream, with its key; ends when the map is empty.
   */
  @Override
  public Poll<Map.Entry<K, V>> pollNext(Context cx) throws Exception {
    int n = streams.size();
    if (n == 0) {
      return Stream.end();
    }
    int first = start % n;
    boolean removed = false;
    try {
      for (int k = 0; k < n; k++) {
        int i = (first + k) % n;
        Stream<V> s = streams.get(i);
        Poll<V> p;
        try {
          p = s.pollNext(cx);
        } catch (Exception e) {
          streams.set(i, null); // a failed stream is done: drop it, keep the others
          removed = true;
          throw StreamPolls.cancelAfterFailure(s, e);
        }
        if (Stream.isEnd(p)) {
          streams.set(i, null);
          removed = true;
        } else if (p.isReady()) {
          start = i + 1;
          return Poll.ready(Map.entry(keys.get(i), p.value()));
        }
      }
    } finally {
      if (removed) {
        compact();
      }
    }
    return streams.isEmpty() ? Stream.end() : Poll.pending();
  }

  /** Removes the streams that ended during a poll, keeping the others in order. */
  private void compact() {
    int j = 0;
    int next = start;
    for (int i = 0; i < streams.size(); i++) {
      Stream<V> s = streams.get(i);
      if (s != null) {
        streams.set(j, s);
        keys.set(j, keys.get(i));
        j++;
      } else if (i < start) {
        next--; // the next turn stays with the stream after the last producer
      }
    }
    start = next;
    streams.subList(j, streams.size()).clear();
    keys.subList(j, keys.size()).clear();
  }

  /** Forwards to every stream in the map: each was polled and may hold the borrower's waker. */
  @Override
  public void withdrawNext(Waker waker) {
    for (Stream<V> st : streams) {
      if (st != null) st.withdrawNext(waker);
    }
  }

  /** Cancels every stream in the map and empties it. */
  @Override
  public void cancel() {
    List<Stream<V>> all = new ArrayList<>(streams);
    streams.clear();
    keys.clear();
    Throwable thrown = null;
    for (Stream<V> s : all) {
      if (s != null) {
        thrown = StreamPolls.cancel(s, thrown); // a throwing cancel() does not stop the others
      }
    }
    Cancel.rethrow(thrown);
  }

  @Override
  public String toString() {
    return "StreamMap" + keys;
  }
}
