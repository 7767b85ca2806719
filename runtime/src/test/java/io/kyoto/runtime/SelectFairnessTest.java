package io.kyoto.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Select}'s random start: uniform, reproducible under a seed, and off when biased. */
@Timeout(30)
class SelectFairnessTest {
  private static final int RUNS = 3000;

  private static int winner(boolean biased) throws Exception {
    Select.Builder<Integer> b = Select.builder();
    if (biased) {
      b.biased();
    }
    Future<Integer> select =
        b.branch(Futures.ready(0), v -> v)
            .branch(Futures.ready(1), v -> v)
            .branch(Futures.ready(2), v -> v)
            .build();
    return select.poll(new Context(Waker.noop())).value();
  }

  @Test
  void threeAlwaysReadyBranchesEachWinAboutAThird() throws Exception {
    int[] wins = new int[3];
    for (int i = 0; i < RUNS; i++) {
      wins[winner(false)]++;
    }
    for (int w : wins) {
      double share = (double) w / RUNS;
      assertTrue(share >= 0.25 && share <= 0.42, "unfair: " + Arrays.toString(wins));
    }
  }

  @Test
  void biasedAlwaysPicksTheFirst() throws Exception {
    for (int i = 0; i < RUNS; i++) {
      assertEquals(0, winner(true));
    }
  }

  @Test
  void everyOneOfSixtyFourBranchesGetsItsTurn() throws Exception {
    int[] wins = new int[64];
    for (int i = 0; i < 64 * 100; i++) {
      Select.Builder<Integer> b = Select.builder();
      for (int k = 0; k < 64; k++) {
        b.branch(Futures.ready(k), v -> v);
      }
      wins[b.build().poll(new Context(Waker.noop())).value()]++;
    }
    for (int w : wins) {
      assertTrue(w > 20, "starved: " + Arrays.toString(wins));
    }
  }

  @Test
  void aSeededRuntimeMakesTheChoicesReproducible() throws Exception {
    assertEquals(winners(7), winners(7));
    assertNotEquals(winners(7), winners(8));
  }

  private static List<Integer> winners(long seed) throws Exception {
    try (Runtime rt = Runtime.builder().currentThread().rngSeed(seed).build()) {
      return rt.blockOn(
          Futures.fromSupplier(
              () -> {
                List<Integer> out = new ArrayList<>();
                for (int i = 0; i < 64; i++) {
                  out.add(winner(false));
                }
                return out;
              }));
    }
  }
}
