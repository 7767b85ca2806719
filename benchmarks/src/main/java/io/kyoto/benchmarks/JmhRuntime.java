package io.kyoto.benchmarks;

import io.kyoto.runtime.Runtime;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** The JMH state the runtime benchmarks share: a 2-worker runtime per trial, as rtbench's. */
@State(Scope.Benchmark)
public abstract class JmhRuntime {
  /** The runtime, built before the trial and closed after it. */
  protected Runtime rt;

  /** Creates the state. */
  protected JmhRuntime() {}

  /** Builds the runtime. */
  @Setup
  public void setUp() {
    rt = Runtime.builder().multiThread().workerThreads(2).enableAll().name("jmh").build();
  }

  /** Shuts the runtime down. */
  @TearDown
  public void tearDown() {
    rt.close();
  }
}
