package io.kyoto.runtime.annotation;

import io.kyoto.runtime.Flavor;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an asynchronous JUnit Jupiter test, as tokio's {@code #[tokio::test]}.
 *
 * <p>The method must be an instance method, neither {@code private} nor {@code abstract}, and
 * return an {@link io.kyoto.runtime.Future}; it may take parameters (see below). Its class, or for
 * an {@code abstract} class each concrete subclass (see below), must be extendable (not {@code
 * final}, {@code sealed} or {@code private}, top level or {@code static} nested) with a non-private
 * no-argument constructor.
 *
 * <p>The processor generates, in the same package, a subclass named after the (concrete) class
 * followed by {@code _AsyncTest} (for example {@code EchoTests_AsyncTest}), which matches Maven
 * Surefire's default {@code **}{@code /*Test.java} include. For each annotated method {@code m} it
 * declares a Jupiter test method {@code m_async}, a {@code @Test} (or the test template {@code m}
 * is, see below), with the parameters of {@code m}, displayed as JUnit would display {@code m}
 * ({@code m()}, {@code m(int, TestInfo)} by default; see <b>Display names</b>) and carrying the
 * annotations of {@code m} that JUnit and its extensions can see: those retained at run time
 * ({@code @Disabled}, {@code @Tag}, {@code @Timeout}, {@code @DisplayName}, argument sources, an
 * extension's own, or annotations composed of them), but not {@code java.lang}'s
 * ({@code @Deprecated}, {@code @SafeVarargs}). Each time JUnit runs it, it builds a fresh runtime
 * from these options with every driver enabled, {@linkplain io.kyoto.runtime.Runtime#blockOn blocks
 * on} {@code m(...)} (bounded by {@link #timeout()} through {@link
 * io.kyoto.runtime.Time#timeoutWithDump}), and shuts the runtime down (see <b>Blocking jobs at the
 * end of a test</b>). A failure is the user's own exception and stack trace. Being a subclass, the
 * generated class inherits the user's {@code @BeforeEach}, {@code @AfterEach}, {@code @BeforeAll},
 * {@code @AfterAll} methods, {@code @MethodSource} factories and {@code @FieldSource} fields, and
 * class-level extensions, and it carries the class's JUnit annotations that Java does not inherit
 * ({@code @Disabled}, {@code @DisplayName}); the user's method itself is not a test, so it runs
 * only through the generated one.
 *
 * <p><b>Parameters, parameterized and repeated tests.</b> The generated test declares the
 * parameters of {@code m}, with their types (type arguments included) and annotations
 * ({@code @TempDir}, {@code @ConvertWith}, {@code @AggregateWith}...), and passes them on, so a
 * plain {@code @AsyncTest} may take what JUnit resolves: {@code TestInfo}, {@code TestReporter}, a
 * {@code @TempDir Path}, a parameter an extension resolves. Combined with
 * {@code @ParameterizedTest} and any argument source ({@code @ValueSource}, {@code @CsvSource},
 * {@code @MethodSource}, {@code @EnumSource}, {@code @FieldSource}, {@code @ArgumentsSource},
 * {@code @NullAndEmptySource}, composed or repeated ones), with {@code @RepeatedTest} (whose {@code
 * RepetitionInfo} it may take), or with any other {@code @TestTemplate}, the generated test is that
 * template, copied as is ({@code name} pattern included), instead of a {@code @Test}, and every
 * invocation runs on a fresh runtime:
 *
 * <pre>
 * &#64;AsyncTest
 * &#64;ParameterizedTest(name = "echoes {0}")
 * &#64;ValueSource(ints = {1, 2, 3})
 * Future&lt;Void&gt; echoes(int n) { ... }           // three invocations, three runtimes
 *
 * &#64;AsyncTest(startPaused = true)
 * &#64;RepeatedTest(4)
 * Future&lt;Void&gt; ticks(RepetitionInfo info) { ... }
 *
 * &#64;AsyncTest(timeout = 5_000)
 * Future&lt;Void&gt; writes(TestInfo info, &#64;TempDir Path dir) { ... }
 * </pre>
 *
 * <p>A {@code @MethodSource} or {@code @FieldSource} without a name names the user's method, as it
 * would on the user's own test (written directly on {@code m}; one composed into another annotation
 * is copied as is, and would name {@code m_async}). {@code TestInfo} describes the generated test:
 * its display name is {@code m}'s, its method {@code m_async}. The generated class also overrides a
 * template method {@code m} without its annotations, delegating to it: JUnit would otherwise report
 * the inherited method as a test template that returns a value and will not run. A template method
 * may therefore not be {@code final}. The generated test cannot be of two kinds, nor a
 * {@code @Test} the user wrote (it generates its own) or a {@code @TestFactory}: the processor
 * reports these as errors.
 *
 * <p><b>Display names.</b> The generated class and its tests are displayed as JUnit would display
 * the user's class and its methods. The class by its {@code @DisplayName}, and otherwise the class
 * and the methods by the display name generator JUnit would use for the user's class: the first
 * {@code @DisplayNameGeneration} (or annotation composed of it, such as
 * {@code @IndicativeSentencesGeneration}) on the class, on the interfaces it implements or on its
 * superclasses, searched as JUnit searches them (not on enclosing classes, which JUnit searches
 * only for {@code @Nested} inner classes). The processor computes the names of JUnit's own
 * generators ({@code Standard}, {@code Simple}, {@code ReplaceUnderscores}, {@code
 * IndicativeSentences} with its separator, its fragment generator and {@code @SentenceFragment}s)
 * and writes them as the generated class's and tests' {@code @DisplayName}; a method's own
 * {@code @DisplayName} still wins. With {@code ReplaceUnderscores}, {@code adding_two_numbers()} is
 * displayed {@code adding two numbers}, as a plain JUnit test would be. A generator of the user's
 * own cannot run at compile time: the generated class and tests keep JUnit's standard names ({@code
 * Spec}, {@code m()}, {@code m(int)}) and the processor warns ({@code [KYOTO-TEST-019]}); put
 * {@code @DisplayName} on the methods, and on the class, to name them. Without
 * {@code @DisplayNameGeneration}, a class is named by the default generator: the one the
 * configuration parameter {@code junit.jupiter.displayname.generator.default} names in the {@code
 * junit-platform.properties} the processor finds in the compiler's class output or on its class
 * path (Maven copies the test resources into the test class output before compiling the tests), or
 * the processor option {@code -Akyoto.displayNameGenerator=<binary name>}, which overrides the file
 * (Gradle's test resources are on neither path); else JUnit's own, {@code Standard}. As JUnit, the
 * processor takes the binary name ({@code
 * org.junit.jupiter.api.DisplayNameGenerator$ReplaceUnderscores}) and falls back to {@code
 * Standard} for a value naming no generator JUnit can instantiate, with a warning ({@code
 * [KYOTO-TEST-020]}). Configuration parameters given to the launcher otherwise (system properties,
 * Surefire's {@code configurationParameters}) are not visible to the compiler.
 *
 * <p><b>Abstract bases and inheritance.</b> As JUnit runs the tests a class inherits, the
 * {@code @AsyncTest} methods a class inherits from its superclasses are tests of that class: an
 * {@code abstract} class with {@code @AsyncTest} methods gets no generated test of its own, and
 * every concrete (non-abstract) class compiled with it that extends it, directly or not, gets its
 * generated test {@code Sub_AsyncTest extends Sub}, which runs the inherited methods (and the
 * subclass's own) on an instance of {@code Sub}; this is how one suite tests several
 * implementations of an interface:
 *
 * <pre>
 * abstract class StoreContract&lt;T&gt; {
 *   abstract Store&lt;T&gt; create();
 *
 *   &#64;AsyncTest
 *   Future&lt;Void&gt; opens() { ... }             // runs once in MemoryStoreSpec_AsyncTest,
 * }                                          // once in DiskStoreSpec_AsyncTest
 *
 * class MemoryStoreSpec extends StoreContract&lt;String&gt; { ... }
 * class DiskStoreSpec extends StoreContract&lt;byte[]&gt; { ... }
 * </pre>
 *
 * <p>A generic base's methods are seen as members of the subclass ({@code stores(T value)} of
 * {@code StoreContract<String>} takes a {@code String}). An override in the subclass replaces the
 * inherited method: it is a test if it is itself an {@code @AsyncTest}, with its own options and
 * annotations. The errors of an inherited method are reported once, where it is declared. An
 * abstract class with {@code @AsyncTest} methods and no concrete subclass in the same compilation
 * gets a warning: its tests run nowhere. A concrete class that extends another concrete class with
 * {@code @AsyncTest} methods, compiled with it or separately (from a jar), gets a generated test
 * too, as does that class; methods the subclass does not inherit (package-private ones of another
 * package) are not part of it.
 *
 * <p>Name the user's class so that Surefire does not select it by itself (for example {@code
 * EchoSpec}, giving {@code EchoSpec_AsyncTest}); if it does match, it holds no Jupiter test and
 * runs nothing. A hanging test fails at its timeout with a {@link
 * io.kyoto.runtime.TimeoutWithDumpException} (a {@link java.util.concurrent.TimeoutException})
 * whose message names the test and lists the pending task's state: the description of the test's
 * future as it was when the deadline fired, and a {@linkplain io.kyoto.runtime.Handle#dumpTasks()
 * task dump} of every alive task (id, state, what its future waits for). For example:
 *
 * <pre>
 * &#64;AsyncTest EchoSpec.echoes() timed out after 5000 ms
 *   pending: Mpsc.recv[waiting for a message, senders=1]
 *   alive tasks (1):
 *     task 12 [idle] Notified{waiting for a notification}
 * </pre>
 *
 * <p>Without a timeout a hanging test hangs, as tokio's tests do.
 *
 * <p><b>Blocking jobs at the end of a test.</b> Shutting the runtime down cancels its tasks at
 * their next suspension point, and cancels the blocking jobs ({@code spawnBlocking}, and what runs
 * on the blocking pool: file system calls, DNS lookups...) that have not started; one that has
 * started cannot be interrupted, so the test waits for it, or not:
 *
 * <ul>
 *   <li>A test that passed {@linkplain io.kyoto.runtime.Runtime#close() closes} its runtime, which
 *       waits for every blocking job to end, without limit, as dropping a tokio runtime at the end
 *       of a {@code #[tokio::test]} does: when the test method returns, its blocking jobs have run
 *       to their end, and none outlives the test to touch the next one's state. A job that never
 *       ends makes a passing test hang, even with a {@link #timeout()} (which bounds the test's
 *       future, not the shutdown); make such a job end (a latch, a closed stream) before the test's
 *       future completes.
 *   <li>A test that failed, by its timeout or by any exception or assertion, waits at most 1 s
 *       ({@link io.kyoto.runtime.Runtime#shutdownTimeout}) for its blocking jobs, and leaves those
 *       still running behind, on their (daemon) threads, where they run to their end: a job that
 *       hangs, such as a read of a FIFO nobody writes or a long {@code Thread.sleep}, does not hold
 *       the failure, nor the build, so a test with a timeout fails about 1 s after it at the
 *       latest. The failure thrown is still the test's own ({@code TimeoutWithDumpException} with
 *       its dump, the assertion's error) with its message and cause; when jobs were left behind, it
 *       carries a suppressed {@code IllegalStateException}, {@code The runtime did not stop within
 *       1000 ms after the test failed: 1 blocking-pool thread(s) still running their jobs, left
 *       behind (a spawnBlocking job cannot be interrupted)}. This departs from tokio, whose test
 *       waits for them even after a panic: once the test has failed, waiting only hides why.
 * </ul>
 *
 * <p>Because the generated class also inherits any ordinary {@code @Test} methods, a concrete class
 * may not declare both (they would run twice, in the class and in its generated test); the
 * processor reports an error. Declare them in an {@code abstract} class whose concrete subclasses
 * Surefire does not select by name ({@code *Spec}): each subclass's generated test runs them once.
 * JUnit's {@code @Nested} inner classes cannot hold {@code @AsyncTest} methods (the generated class
 * is top level); use a {@code static} nested class, whose generated test runs on its own.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface AsyncTest {
  /** {@return the runtime flavor; current-thread by default, as tokio's test} */
  Flavor flavor() default Flavor.CURRENT_THREAD;

  /**
   * {@return the number of worker threads of a multi-thread runtime}
   *
   * <p>The default, 0, leaves the number to the runtime. Setting it explicitly requires {@link
   * Flavor#MULTI_THREAD} and a positive number: an explicit 0 is an error, as in tokio.
   */
  int workerThreads() default 0;

  /**
   * {@return whether the runtime's clock starts paused; requires {@link Flavor#CURRENT_THREAD}}
   *
   * <p>With a paused clock, time advances to the next timer whenever every task is idle, so sleeps
   * and timeouts take no real time.
   */
  boolean startPaused() default false;

  /**
   * {@return the test's time limit in milliseconds of real time; 0 (the default) for none}
   *
   * <p>Real time, as Kotlin's {@code runTest}, not the runtime's clock: the limit is there to catch
   * hangs, so with {@link #startPaused()} the clock's jumps do not count, and a test that sleeps an
   * hour of paused time passes a 10 s limit.
   *
   * <p>On expiry the test's future is described, the runtime's tasks are dumped, the future is
   * cancelled, the runtime is shut down waiting at most 1 s for the blocking jobs that have started
   * (see <b>Blocking jobs at the end of a test</b> in the class comment), and the test fails with a
   * {@link io.kyoto.runtime.TimeoutWithDumpException} (a {@link
   * java.util.concurrent.TimeoutException}) whose message starts with {@code @AsyncTest
   * <Class>.<method>(<parameter types>) timed out after <n> ms}, for example {@code @AsyncTest
   * EchoSpec.echoes(int) timed out after 5000 ms}; JUnit names the invocation that failed.
   */
  long timeout() default 0;
}
