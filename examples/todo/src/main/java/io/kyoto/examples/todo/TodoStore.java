package io.kyoto.examples.todo;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.stream.Stream;
import io.kyoto.runtime.sync.Broadcast;
import io.kyoto.runtime.sync.CancellationToken;
import io.kyoto.runtime.sync.LaggedException;
import io.kyoto.runtime.sync.RecvException;
import io.kyoto.runtime.sync.SendException;
import io.kyoto.web.HttpException;
import io.kyoto.web.Status;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The todos, in memory, and a {@link Broadcast} channel of their {@link Change}s.
 *
 * <p><b>Thread safety:</b> thread safe. Reads never lock; writes take this store's lock only to
 * apply the change and publish it, so subscribers see changes in the order the store applied them.
 * Publishing never waits (a broadcast send does not), so no task ever blocks on the lock for long.
 */
public final class TodoStore implements AutoCloseable {
  private final ConcurrentSkipListMap<Long, Item> items = new ConcurrentSkipListMap<>();
  private final Broadcast.Sender<Change> changes;
  private final CancellationToken closed = new CancellationToken();
  private long lastId;
  private long lastSeq;

  /**
   * Creates an empty store.
   *
   * @param eventCapacity how many changes a slow subscriber may fall behind before it skips some
   */
  public TodoStore(int eventCapacity) {
    Broadcast.Channel<Change> channel = Broadcast.channel(eventCapacity);
    changes = channel.tx();
    channel.rx().close(); // subscribers come from changes.subscribe(), one per event stream
  }

  /** Creates an empty store keeping up to 256 changes for slow subscribers. */
  public TodoStore() {
    this(256);
  }

  /**
   * {@return the todos in id order, only those whose {@code done} matches when given}
   *
   * @param done the filter, or empty for all
   */
  public List<Item> list(Optional<Boolean> done) {
    return items.values().stream().filter(i -> done.isEmpty() || i.done() == done.get()).toList();
  }

  /**
   * {@return the todo {@code id}}
   *
   * @param id the id
   * @throws HttpException 404 if there is none
   */
  public Item get(long id) throws HttpException {
    Item item = items.get(id);
    if (item == null) throw notFound(id);
    return item;
  }

  /**
   * {@return the new todo}
   *
   * @param input validated input
   */
  public synchronized Item create(TodoInput input) {
    Item item = new Item(++lastId, input.title(), input.done());
    items.put(item.id(), item);
    publish("created", item);
    return item;
  }

  /**
   * {@return the todo {@code id} after replacing its title and state}
   *
   * @param id the id
   * @param input validated input
   * @throws HttpException 404 if there is none
   */
  public synchronized Item replace(long id, TodoInput input) throws HttpException {
    if (!items.containsKey(id)) throw notFound(id);
    Item item = new Item(id, input.title(), input.done());
    items.put(id, item);
    publish("updated", item);
    return item;
  }

  /**
   * Deletes the todo {@code id}.
   *
   * @param id the id
   * @throws HttpException 404 if there is none
   */
  public synchronized void delete(long id) throws HttpException {
    Item item = items.remove(id);
    if (item == null) throw notFound(id);
    publish("deleted", item);
  }

  /**
   * {@return the changes from now on, until {@link #close()}} Each call subscribes anew; cancelling
   * the stream (the server does when the client goes away) unsubscribes. A subscriber that falls
   * more than the event capacity behind skips the changes it missed.
   */
  public Stream<Change> changes() {
    return new Subscription(changes.subscribe()).takeUntil(closed.cancelled());
  }

  /** {@return the number of open subscriptions} */
  public int subscribers() {
    return changes.receiverCount();
  }

  /** Ends every change stream (at shutdown, so that event-stream responses finish). */
  @Override
  public void close() {
    closed.cancel();
  }

  private void publish(String type, Item item) {
    try {
      changes.send(new Change(++lastSeq, type, item));
    } catch (SendException nobodyListens) {
      // nothing to do: a change nobody subscribed to is simply not streamed
    }
  }

  private static HttpException notFound(long id) {
    return new HttpException(Status.NOT_FOUND, "todo " + id + " not found");
  }

  /**
   * A broadcast receiver as a stream (tokio-stream's {@code BroadcastStream}; the runtime has an
   * adapter for {@code Mpsc} receivers, not yet for broadcast ones).
   */
  private record Subscription(Broadcast.Receiver<Change> rx) implements Stream<Change> {
    @Override
    public Poll<Change> pollNext(Context cx) {
      while (true) {
        try {
          return rx.pollRecv(cx);
        } catch (LaggedException skipped) {
          // fell behind: continue from the oldest change still held
        } catch (RecvException closed) {
          return Stream.end();
        }
      }
    }

    @Override
    public void cancel() {
      rx.close();
    }
  }
}
