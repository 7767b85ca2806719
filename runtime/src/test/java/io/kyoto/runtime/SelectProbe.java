package io.kyoto.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A hand-driven future for select tests: completes when told to, counts polls and cancels, and
 * fails the test if it is polled after being cancelled.
 *
 * @param <T> the value type
 */
final class SelectProbe<T> implements Future<T> {
  private Poll<T> result = Poll.pending();
  private Exception failure;
  int polls;
  int cancels;

  static <T> SelectProbe<T> pending() {
    return new SelectProbe<>();
  }

  static <T> SelectProbe<T> ready(T value) {
    SelectProbe<T> p = new SelectProbe<>();
    p.complete(value);
    return p;
  }

  static <T> SelectProbe<T> failing(Exception e) {
    SelectProbe<T> p = new SelectProbe<>();
    p.failure = e;
    return p;
  }

  void complete(T value) {
    result = Poll.ready(value);
  }

  @Override
  public Poll<T> poll(Context cx) throws Exception {
    assertEquals(0, cancels, "polled after cancel()");
    polls++;
    if (failure != null) {
      throw failure;
    }
    return result;
  }

  @Override
  public void cancel() {
    cancels++;
  }
}
