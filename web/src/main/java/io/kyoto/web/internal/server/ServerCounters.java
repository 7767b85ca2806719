package io.kyoto.web.internal.server;

import io.kyoto.web.ServerMetrics;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters behind {@link ServerMetrics}: one set per server, bumped by its connections (from
 * any worker; {@link LongAdder} cells keep that free of contention).
 */
public final class ServerCounters {
  /** Counters nobody reads, for a connection run without a server (tests). */
  static final ServerCounters DISCARDED = new ServerCounters();

  private final LongAdder requests = new LongAdder();
  private final LongAdder[] responses = {
    new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()
  };
  private final LongAdder rejected = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder headerReadTimeouts = new LongAdder();
  private final LongAdder sendTimeouts = new LongAdder();
  private final LongAdder upgrades = new LongAdder();
  private final LongAdder clientsGone = new LongAdder();

  /** Creates zeroed counters. */
  public ServerCounters() {}

  /** A request head was read and handed to the application. */
  void request() {
    requests.increment();
  }

  /**
   * A response head was queued.
   *
   * @param code its status code, 100 to 599
   */
  void response(int code) {
    int c = code / 100 - 1;
    if (c >= 0 && c < responses.length) responses[c].increment();
  }

  /**
   * A queued response head was dropped before any of it was sent (its body failed at once, and a
   * 500 goes out instead).
   *
   * @param code its status code
   */
  void withdrawResponse(int code) {
    int c = code / 100 - 1;
    if (c >= 0 && c < responses.length) responses[c].decrement();
  }

  /** A request was answered by the server itself, without the application. */
  void rejected() {
    rejected.increment();
  }

  /** The application failed: its future or its response body threw. */
  void failure() {
    failures.increment();
  }

  /** A partial request head was not completed within the header-read timeout. */
  void headerReadTimeout() {
    headerReadTimeouts.increment();
  }

  /** A client took none of the output for the send timeout and was cut off. */
  void sendTimeout() {
    sendTimeouts.increment();
  }

  /** A connection was handed over to the protocol of a {@code 101} response. */
  void upgrade() {
    upgrades.increment();
  }

  /** The client left while its request was being answered; the application was cancelled. */
  void clientLeft() {
    clientsGone.increment();
  }

  /**
   * {@return a snapshot, each counter read once (not atomically as a whole)}
   *
   * @param accepted connections accepted so far
   * @param open connections open now
   */
  public ServerMetrics snapshot(long accepted, int open) {
    return new ServerMetrics(
        accepted,
        open,
        requests.sum(),
        responses[0].sum(),
        responses[1].sum(),
        responses[2].sum(),
        responses[3].sum(),
        responses[4].sum(),
        rejected.sum(),
        failures.sum(),
        headerReadTimeouts.sum(),
        sendTimeouts.sum(),
        upgrades.sum(),
        clientsGone.sum());
  }
}
