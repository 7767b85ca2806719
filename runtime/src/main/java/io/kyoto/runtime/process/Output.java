package io.kyoto.runtime.process;

import java.nio.charset.StandardCharsets;

/**
 * A finished child's status and everything it wrote: tokio's {@code Output}, from {@link
 * Command#output()} or {@link Child#waitWithOutput()}.
 *
 * @param status how the process ended
 * @param stdout its standard output (empty if that was not piped)
 * @param stderr its standard error (empty if that was not piped)
 */
public record Output(ExitStatus status, byte[] stdout, byte[] stderr) {
  /** {@return the standard output decoded as UTF-8} */
  public String stdoutText() {
    return new String(stdout, StandardCharsets.UTF_8);
  }

  /** {@return the standard error decoded as UTF-8} */
  public String stderrText() {
    return new String(stderr, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "Output[status="
        + status
        + ", stdout="
        + stdout.length
        + " bytes, stderr="
        + stderr.length
        + " bytes]";
  }
}
