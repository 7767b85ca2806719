package io.kyoto.reactor.internal;

/**
 * The storage behind {@code Events}: parallel arrays of tokens and readiness masks that a selector
 * fills. Confined to the thread that polls; never shared.
 */
public final class EventBuffer {
  private final long[] tokens;
  private final int[] readiness;
  private int size;

  /**
   * Creates a buffer for at most {@code capacity} events per poll.
   *
   * @param capacity the maximum number of events, at least 1
   */
  public EventBuffer(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("event capacity must be at least 1, was " + capacity);
    }
    this.tokens = new long[capacity];
    this.readiness = new int[capacity];
  }

  /** The maximum number of events one poll reports. */
  public int capacity() {
    return tokens.length;
  }

  /** The number of events the last poll reported. */
  public int size() {
    return size;
  }

  /** Forgets every event. */
  public void clear() {
    size = 0;
  }

  /**
   * Appends an event; the caller guarantees {@code size() < capacity()}.
   *
   * @param token the token the source was registered with
   * @param bits the {@link Readiness} bits
   */
  public void add(long token, int bits) {
    assert size < tokens.length : "event buffer overflow";
    tokens[size] = token;
    readiness[size] = bits;
    size++;
  }

  /** Whether there is room for another event. */
  public boolean hasRoom() {
    return size < tokens.length;
  }

  /**
   * The token of event {@code i}.
   *
   * @param i the index, below {@link #size()}
   * @return the token value
   */
  public long token(int i) {
    return tokens[i];
  }

  /**
   * The readiness bits of event {@code i}.
   *
   * @param i the index, below {@link #size()}
   * @return the {@link Readiness} bits
   */
  public int readiness(int i) {
    return readiness[i];
  }
}
