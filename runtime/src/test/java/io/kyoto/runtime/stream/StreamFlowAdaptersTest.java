package io.kyoto.runtime.stream;

import static io.kyoto.runtime.stream.TestSource.pollOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.Time;
import io.kyoto.runtime.stream.FlowTestSupport.Counting;
import io.kyoto.runtime.stream.FlowTestSupport.Recording;
import io.kyoto.runtime.stream.FlowTestSupport.Watched;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link FlowAdapters}: both directions, demand, cancellation and the Reactive Streams rules. */
@Timeout(30)
class StreamFlowAdaptersTest {
  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  // ---- Publisher -> Stream ---------------------------------------------------------------------

  @Test
  void drainsASubmissionPublisherWithoutEverRequestingMoreThanThePrefetch() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (Runtime rt = Runtime.builder().currentThread().build();
        SubmissionPublisher<Integer> publisher = new SubmissionPublisher<>(pool, 8)) {
      Watched<Integer> watched = new Watched<>(publisher);
      Thread producer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      watched.subscribed.await();
                      for (int i = 0; i < 2000; i++) {
                        publisher.submit(i); // blocks while the subscriber's buffer is full
                      }
                      publisher.close();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  });
      List<Integer> got = rt.blockOn(FlowAdapters.toStream(watched, 4).toList());
      producer.join();
      assertEquals(range(2000), got);
      assertTrue(watched.maxOutstanding.get() <= 4, "outstanding " + watched.maxOutstanding);
      assertEquals(2000, watched.delivered.get());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void subscribesOnlyWhenFirstPolledAndRequestsInBatches() throws Exception {
    Watched<Integer> watched = new Watched<>(new Counting(-1, null));
    Stream<Integer> s = FlowAdapters.toStream(watched, 8);
    assertEquals(0, watched.subscribes.get(), "lazy");
    assertEquals(0, pollOnce(s).value());
    assertEquals(8, watched.requested.get(), "the first poll requests the prefetch");
    for (int i = 1; i < 6; i++) {
      assertEquals(i, pollOnce(s).value());
    }
    assertEquals(14, watched.requested.get(), "6 taken (3/4 of 8): 6 more requested");
    assertEquals(8, watched.maxOutstanding.get());
  }

  @Test
  void cancellingTheStreamCancelsTheSubscriptionAndStopsRequesting() throws Exception {
    Watched<Integer> watched = new Watched<>(new Counting(-1, null));
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      assertEquals(
          List.of(0, 1, 2), rt.blockOn(FlowAdapters.toStream(watched, 2).take(3).toList()));
    }
    assertEquals(1, watched.cancels.get());
    assertFalse(watched.requestAfterCancel.get());
    assertTrue(watched.maxOutstanding.get() <= 2);
  }

  @Test
  void cancellingBeforeTheSubscriptionArrivesCancelsItOnArrival() throws Exception {
    List<Flow.Subscriber<? super Integer>> subscribers = new ArrayList<>();
    Watched<Integer> watched = new Watched<>(subscribers::add); // subscribes, but later
    Stream<Integer> s = FlowAdapters.toStream(watched, 4);
    assertTrue(pollOnce(s).isPending());
    s.cancel();
    new Counting(-1, null).subscribe(subscribers.get(0));
    assertEquals(1, watched.cancels.get());
    assertEquals(0, watched.requested.get());
  }

  @Test
  void onErrorFailsTheStreamAfterTheItemsBeforeIt() throws Exception {
    IOException failure = new IOException("upstream broke");
    Stream<Integer> s = FlowAdapters.toStream(new Counting(3, failure), 2);
    List<Integer> seen = new ArrayList<>();
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      IOException e = assertThrows(IOException.class, () -> rt.blockOn(s.forEach(seen::add)));
      assertSame(failure, e);
    }
    assertEquals(List.of(0, 1, 2), seen);
  }

  @Test
  void aPublisherThatIgnoresDemandFailsTheStream() throws Exception {
    AtomicInteger cancels = new AtomicInteger();
    Flow.Publisher<Integer> flood =
        subscriber ->
            subscriber.onSubscribe(
                new Flow.Subscription() {
                  @Override
                  public void request(long n) {
                    for (int i = 0; i < 10; i++) {
                      subscriber.onNext(i); // breaks §1.1
                    }
                  }

                  @Override
                  public void cancel() {
                    cancels.incrementAndGet();
                  }
                });
    Stream<Integer> s = FlowAdapters.toStream(flood, 2);
    assertEquals(0, pollOnce(s).value());
    assertEquals(1, pollOnce(s).value());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> pollOnce(s));
    assertTrue(e.getMessage().contains("§1.1"), e.getMessage());
    assertEquals(1, cancels.get());
  }

  @Test
  void anItemBeyondTheDemandFailsTheStreamEvenWhenTheInboxHasRoom() throws Exception {
    List<Flow.Subscriber<? super Integer>> subscriber = new ArrayList<>();
    long[] requested = new long[1];
    AtomicInteger cancels = new AtomicInteger();
    Flow.Publisher<Integer> pub =
        sub -> {
          subscriber.add(sub);
          sub.onSubscribe(
              new Flow.Subscription() {
                @Override
                public void request(long n) {
                  requested[0] += n;
                }

                @Override
                public void cancel() {
                  cancels.incrementAndGet();
                }
              });
        };
    Stream<Integer> s = FlowAdapters.toStream(pub, 4); // re-requests after 3 taken
    assertTrue(pollOnce(s).isPending()); // subscribes and requests 4
    assertEquals(4, requested[0]);
    for (int i = 0; i < 4; i++) {
      subscriber.get(0).onNext(i);
    }
    assertEquals(0, pollOnce(s).value());
    assertEquals(1, pollOnce(s).value()); // two slots free, nothing requested again yet
    assertEquals(4, requested[0]);
    subscriber.get(0).onNext(4); // breaks §1.1
    assertEquals(2, pollOnce(s).value()); // what came within the demand is still delivered
    assertEquals(3, pollOnce(s).value());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> pollOnce(s));
    assertTrue(e.getMessage().contains("§1.1"), e.getMessage());
    assertEquals(1, cancels.get());
  }

  @Test
  void aSecondSubscriptionIsCancelledAndNullSignalsAreRejected() throws Exception {
    AtomicInteger secondCancelled = new AtomicInteger();
    List<Flow.Subscriber<? super Integer>> subscribers = new ArrayList<>();
    Stream<Integer> s = FlowAdapters.toStream(subscribers::add, 4);
    assertTrue(pollOnce(s).isPending());
    Flow.Subscriber<? super Integer> inbox = subscribers.get(0);
    inbox.onSubscribe(new Counting(-1, null).subscriptionFor(inbox));
    inbox.onSubscribe(
        new Flow.Subscription() {
          @Override
          public void request(long n) {}

          @Override
          public void cancel() {
            secondCancelled.incrementAndGet();
          }
        });
    assertEquals(1, secondCancelled.get(), "§2.5");
    assertThrows(NullPointerException.class, () -> inbox.onNext(null));
    assertThrows(NullPointerException.class, () -> inbox.onError(null));
  }

  @Test
  void prefetchIsBounded() {
    Flow.Publisher<Integer> p = new Counting(1, null);
    assertThrows(IllegalArgumentException.class, () -> FlowAdapters.toStream(p, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> FlowAdapters.toStream(p, FlowAdapters.MAX_PREFETCH + 1));
  }

  // ---- Stream -> Publisher ---------------------------------------------------------------------

  @Test
  void aSlowSubscriberNeverReceivesMoreThanItRequested() throws Exception {
    try (Runtime rt = StreamCombinatorsTest.paused()) {
      Recording<Integer> sub = new Recording<>();
      sub.onStart = r -> r.request(2);
      sub.onItem =
          (r, item) -> {
            if (r.items.size() == r.requested.get()) {
              // Ask for more later, from another task, as a slow consumer would.
              Task.spawn(
                  Time.sleep(Duration.ofMillis(10))
                      .map(
                          v -> {
                            r.request(2);
                            return v;
                          }));
            }
          };
      long elapsed =
          rt.blockOn(
              Futures.lazy(
                  () -> {
                    long t0 = Time.now();
                    FlowAdapters.toPublisher(Streams.iterate(0, n -> n + 1).take(20))
                        .subscribe(sub);
                    return sub.done.map(v -> (Time.now() - t0) / 1_000_000);
                  }));
      assertEquals(range(20), sub.items);
      assertFalse(sub.overDemand.get(), "signalled beyond demand");
      assertEquals(1, sub.completions.get());
      assertNull(sub.error);
      // Ten batches 10 ms apart; the end of take(20) is only discovered with the next demand.
      assertEquals(100, elapsed);
    }
  }

  @Test
  void unboundedDemandReceivesEverything() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      Recording<Integer> sub = new Recording<>();
      sub.onStart =
          r -> {
            r.request(Long.MAX_VALUE);
            r.request(Long.MAX_VALUE); // adding to unbounded stays unbounded
          };
      rt.blockOn(
          Futures.lazy(
              () -> {
                FlowAdapters.toPublisher(Streams.fromIterable(range(1000))).subscribe(sub);
                return sub.done;
              }));
      assertEquals(range(1000), sub.items);
      assertEquals(1, sub.completions.get());
      assertEquals(1, sub.onSubscribes.get());
    }
  }

  @Test
  void cancelStopsPollingAndCancelsTheStream() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      TestSource<Integer> source = TestSource.open();
      for (int i = 0; i < 10; i++) {
        source.push(i);
      }
      FlowTestSupport.Latch cancelled = new FlowTestSupport.Latch();
      Stream<Integer> watched =
          new Stream<>() {
            @Override
            public io.kyoto.runtime.Poll<Integer> pollNext(io.kyoto.runtime.Context cx)
                throws Exception {
              return source.pollNext(cx);
            }

            @Override
            public void cancel() {
              source.cancel();
              cancelled.open();
            }
          };
      Recording<Integer> sub = new Recording<>();
      sub.onStart = r -> r.request(Long.MAX_VALUE);
      sub.onItem =
          (r, item) -> {
            if (item == 2) {
              r.subscription.cancel();
            }
          };
      rt.blockOn(
          Futures.lazy(
              () -> {
                FlowAdapters.toPublisher(watched).subscribe(sub);
                return cancelled;
              }));
      assertEquals(List.of(0, 1, 2), sub.items);
      assertEquals(3, source.polls(), "no poll after cancel");
      assertEquals(1, source.cancels());
      assertEquals(0, sub.completions.get());
      assertNull(sub.error);
    }
  }

  @Test
  void aNonPositiveRequestIsAnErrorAndCancelsTheStream() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      TestSource<Integer> source = TestSource.of(1, 2);
      Recording<Integer> sub = new Recording<>();
      sub.onStart = r -> r.subscription.request(0);
      rt.blockOn(
          Futures.lazy(
              () -> {
                FlowAdapters.toPublisher(source).subscribe(sub);
                return sub.done;
              }));
      assertInstanceOf(IllegalArgumentException.class, sub.error);
      assertTrue(sub.error.getMessage().contains("§3.9"));
      assertEquals(List.of(), sub.items);
      assertEquals(1, source.cancels());
      assertEquals(0, source.polls());
    }
  }

  @Test
  void aFailingStreamSignalsOnError() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      IOException failure = new IOException("disk");
      Stream<Integer> s =
          Streams.of(1, 2)
              .chain(
                  Streams.pollFn(
                      cx -> {
                        throw failure;
                      }));
      Recording<Integer> sub = new Recording<>();
      sub.onStart = r -> r.request(10);
      rt.blockOn(
          Futures.lazy(
              () -> {
                FlowAdapters.toPublisher(s).subscribe(sub);
                return sub.done;
              }));
      assertEquals(List.of(1, 2), sub.items);
      assertSame(failure, sub.error);
      assertEquals(0, sub.completions.get());
    }
  }

  @Test
  void aSecondSubscriberIsRejected() throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().build()) {
      Flow.Publisher<Integer> p = FlowAdapters.toPublisher(Streams.of(1), rt.handle());
      Recording<Integer> first = new Recording<>();
      Recording<Integer> second = new Recording<>();
      p.subscribe(first);
      p.subscribe(second);
      assertEquals(1, second.onSubscribes.get(), "§1.9: onSubscribe comes first");
      assertInstanceOf(IllegalStateException.class, second.error);
      first.request(2); // the item, and the demand that discovers the end
      rt.blockOn(first.done);
      assertEquals(List.of(1), first.items);
      assertThrows(NullPointerException.class, () -> p.subscribe(null));
    }
  }

  @Test
  void shuttingTheRuntimeDownCancelsTheStreamAndTellsTheSubscriber() throws Exception {
    TestSource<Integer> source = TestSource.open();
    Recording<Integer> sub = new Recording<>();
    sub.onStart = r -> r.request(2);
    CountDownLatch first = new CountDownLatch(1);
    sub.onItem = (r, item) -> first.countDown();
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(1).build()) {
      FlowAdapters.toPublisher(source, rt.handle()).subscribe(sub);
      source.push(1);
      assertTrue(first.await(5, TimeUnit.SECONDS));
      assertEquals(List.of(1), sub.items); // the task now waits on the source, with demand left
    }
    assertInstanceOf(CancellationException.class, sub.error);
    assertEquals(1, source.cancels());
  }

  @Test
  void demandFromAnotherThreadDrivesTheTask() throws Exception {
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
      LinkedBlockingQueue<Integer> received = new LinkedBlockingQueue<>();
      Recording<Integer> sub = new Recording<>();
      sub.onItem = (r, item) -> received.add(item);
      FlowAdapters.toPublisher(Streams.iterate(0, n -> n + 1), rt.handle()).subscribe(sub);
      for (int i = 0; i < 50; i++) {
        sub.request(1);
        assertEquals(i, received.poll(5, TimeUnit.SECONDS));
      }
      sub.subscription.cancel();
      assertFalse(sub.overDemand.get());
      assertEquals(50, sub.items.size());
    }
  }

  @Test
  void aRoundTripKeepsOrderAndBackpressure() throws Exception {
    try (Runtime rt = Runtime.builder().multiThread().workerThreads(2).build()) {
      Watched<Integer> watched =
          new Watched<>(
              FlowAdapters.toPublisher(Streams.iterate(0, n -> n + 1).take(5000), rt.handle()));
      List<Integer> got = rt.blockOn(FlowAdapters.toStream(watched, 16).toList());
      assertEquals(range(5000), got);
      assertTrue(watched.maxOutstanding.get() <= 16);
    }
  }
}
