package io.kyoto.runtime.internal.rt;

import java.util.concurrent.ThreadLocalRandom;

/**
 * A small, fast, non-cryptographic PRNG per thread: tokio's {@code FastRand} (xorshift on two
 * 32-bit words, from Marsaglia's "Xorshift RNGs"), used by {@code Select} to pick the branch it
 * polls first.
 *
 * <p>Each thread has one generator, seeded at random. When a thread enters a runtime built with
 * {@code rngSeed(long)} ({@link CurrentRuntime#enter}), the generator is reseeded from that
 * runtime's seed sequence, so a current-thread runtime with a fixed seed makes every select's
 * choices reproducible (tokio's unstable {@code rng_seed}).
 *
 * <p><b>Thread safety:</b> confined to its thread; never shared.
 */
public final class FastRand {
  private static final ThreadLocal<FastRand> CURRENT =
      ThreadLocal.withInitial(() -> new FastRand(ThreadLocalRandom.current().nextLong()));

  private int one;
  private int two;

  private FastRand(long seed) {
    reseed(seed);
  }

  /** {@return the calling thread's generator} */
  public static FastRand current() {
    return CURRENT.get();
  }

  /**
   * Restarts this generator from {@code seed}.
   *
   * @param seed any value
   */
  public void reseed(long seed) {
    int s = (int) seed;
    int t = (int) (seed >>> 32);
    this.one = s == 0 && t == 0 ? 1 : s; // xorshift must not start from all zeros
    this.two = t;
  }

  /**
   * {@return a value in {@code [0, bound)}} Lemire's multiply-shift reduction: no division.
   *
   * @param bound positive
   */
  public int nextInt(int bound) {
    long r = next() & 0xFFFF_FFFFL;
    return (int) ((r * bound) >>> 32);
  }

  private int next() {
    int s1 = one;
    int s0 = two;
    s1 ^= s1 << 17;
    s1 = s1 ^ s0 ^ (s1 >>> 7) ^ (s0 >>> 16);
    one = s0;
    two = s1;
    return s0 + s1;
  }

  /**
   * {@return the {@code index}-th seed of the sequence that starts at {@code seed}} SplitMix64, so
   * that consecutive threads of a seeded runtime get unrelated streams.
   *
   * @param seed the runtime's seed
   * @param index the position in the sequence
   */
  static long derive(long seed, long index) {
    long z = seed + (index + 1) * 0x9E37_79B9_7F4A_7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
    return z ^ (z >>> 31);
  }
}
