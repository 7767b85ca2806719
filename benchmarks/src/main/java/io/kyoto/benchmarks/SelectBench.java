package io.kyoto.benchmarks;

import io.kyoto.runtime.Context;
import io.kyoto.runtime.Future;
import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Poll;
import io.kyoto.runtime.Select;
import io.kyoto.runtime.ThrowingFunction;
import io.kyoto.runtime.Waker;
import io.kyoto.runtime.annotation.Branch;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntToLongFunction;

/**
 * Select over four branches of which one is ready, three ways in one run: the runtime {@link
 * Select} (built and polled per operation, as in a loop), a hand-written poll loop with the same
 * semantics (random start, losers cancelled), and {@link CompletableFuture#anyOf} of four futures
 * with one completed, and the select the processor generates from {@code @Select} ({@link Four}).
 * Prints ns/op and heap bytes/op of the last of several rounds.
 *
 * <p>Run: {@code java -cp benchmarks/target/kyoto-benchmarks.jar io.kyoto.benchmarks.SelectBench
 * [iterations] [rounds]}.
 */
public final class SelectBench {
  private SelectBench() {}

  private static final Context CX = new Context(Waker.noop());

  /** A branch future that is never ready and registers nothing. */
  private static final Future<Integer> NEVER = cx -> Poll.pending();

  private static final ThrowingFunction<Integer, Integer> PLUS_ONE = v -> v + 1;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

  /**
   * Runs the cases.
   *
   * @param args optional: iterations per round (default 5,000,000) and rounds (default 5)
   * @throws Exception if a case fails
   */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 5_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String[] names = {
      "Select.builder() 4 branches",
      "hand-written poll loop",
      "CompletableFuture.anyOf",
      "generated @Select"
    };
    List<IntToLongFunction> cases =
        List.of(
            SelectBench::runtimeSelect,
            SelectBench::handWritten,
            SelectBench::anyOf,
            SelectBench::generated);
    double[] ns = new double[cases.size()];
    double[] bytes = new double[cases.size()];
    long sink = 0;
    for (int round = 0; round < rounds; round++) {
      for (int c = 0; c < cases.size(); c++) {
        long b0 = THREADS.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          sink += cases.get(c).applyAsLong(i);
        }
        ns[c] = (System.nanoTime() - t0) / (double) n;
        bytes[c] = (THREADS.getCurrentThreadAllocatedBytes() - b0) / (double) n;
      }
    }
    System.out.printf("select of 4, one ready: %,d ops x %d rounds (last round)%n", n, rounds);
    System.out.printf("%-30s %10s %10s%n", "case", "ns/op", "B/op");
    for (int c = 0; c < cases.size(); c++) {
      System.out.printf("%-30s %10.1f %10.0f%n", names[c], ns[c], bytes[c]);
    }
    System.out.println("(checksum " + sink + ")");
  }

  static long runtimeSelect(int i) {
    try {
      Future<Integer> select =
          Select.<Integer>builder()
              .branch(NEVER, PLUS_ONE)
              .branch(NEVER, PLUS_ONE)
              .branch(Futures.ready(i & 1023), PLUS_ONE)
              .branch(NEVER, PLUS_ONE)
              .build();
      return select.poll(CX).value();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static long handWritten(int i) {
    try {
      return new HandSelect(NEVER, NEVER, Futures.ready(i & 1023), NEVER).poll(CX).value();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Four branches, each adding one: the processor generates {@code SelectBench_Four_Select}. */
  @io.kyoto.runtime.annotation.Select
  static final class Four {
    static final Four INSTANCE = new Four();

    @Branch
    Integer b0(Integer v) {
      return v + 1;
    }

    @Branch
    Integer b1(Integer v) {
      return v + 1;
    }

    @Branch
    Integer b2(Integer v) {
      return v + 1;
    }

    @Branch
    Integer b3(Integer v) {
      return v + 1;
    }
  }

  static long generated(int i) {
    try {
      return SelectBench_Four_Select.of(Four.INSTANCE, NEVER, NEVER, Futures.ready(i & 1023), NEVER)
          .poll(CX)
          .value();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static long anyOf(int i) {
    CompletableFuture<Object> any =
        CompletableFuture.anyOf(
            new CompletableFuture<Integer>(),
            new CompletableFuture<Integer>(),
            CompletableFuture.completedFuture(i & 1023),
            new CompletableFuture<Integer>());
    return (Integer) any.join() + 1;
  }

  /** What a select over four fixed branches looks like written by hand. */
  private static final class HandSelect implements Future<Integer> {
    private Future<Integer> f0;
    private Future<Integer> f1;
    private Future<Integer> f2;
    private Future<Integer> f3;
    private int disabled;

    HandSelect(Future<Integer> f0, Future<Integer> f1, Future<Integer> f2, Future<Integer> f3) {
      this.f0 = f0;
      this.f1 = f1;
      this.f2 = f2;
      this.f3 = f3;
    }

    @Override
    public Poll<Integer> poll(Context cx) throws Exception {
      if (!cx.hasBudgetRemaining()) {
        cx.waker().wake();
        return Poll.pending();
      }
      int start = Select.randomStart(4);
      for (int k = 0; k < 4; k++) {
        int b = (start + k) & 3;
        if ((disabled & (1 << b)) != 0) {
          continue;
        }
        Future<Integer> f =
            switch (b) {
              case 0 -> f0;
              case 1 -> f1;
              case 2 -> f2;
              default -> f3;
            };
        Poll<Integer> p = f.poll(cx);
        if (p.isReady()) {
          disabled |= 1 << b;
          switch (b) {
            case 0 -> f0 = null;
            case 1 -> f1 = null;
            case 2 -> f2 = null;
            default -> f3 = null;
          }
          cancel();
          return Poll.ready(p.value() + 1);
        }
      }
      return Poll.pending();
    }

    @Override
    public void cancel() {
      if (f0 != null) {
        f0.cancel();
        f0 = null;
      }
      if (f1 != null) {
        f1.cancel();
        f1 = null;
      }
      if (f2 != null) {
        f2.cancel();
        f2 = null;
      }
      if (f3 != null) {
        f3.cancel();
        f3 = null;
      }
    }
  }
}
