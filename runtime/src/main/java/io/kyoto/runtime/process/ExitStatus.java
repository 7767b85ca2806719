package io.kyoto.runtime.process;

/**
 * How a child process ended: tokio's {@code ExitStatus}.
 *
 * @param code the exit code as the JDK reports it: the process's own code, or 128 + N for a process
 *     killed by signal N (137 after {@link Child#kill()})
 */
public record ExitStatus(int code) {
  /** {@return whether the process exited with code 0} */
  public boolean success() {
    return code == 0;
  }
}
