package io.kyoto.runtime.signal;

/** The signals Kyoto can wait for. */
public enum SignalKind {
  /** {@code SIGINT}: Ctrl-C in a terminal. */
  INTERRUPT("INT"),
  /** {@code SIGTERM}: the polite request to stop (sent by {@code kill}, systemd, Kubernetes). */
  TERMINATE("TERM"),
  /** {@code SIGHUP}: the terminal went away; by convention, "reload configuration". */
  HANGUP("HUP");

  private final String osName;

  SignalKind(String osName) {
    this.osName = osName;
  }

  /** {@return the signal's name without the {@code SIG} prefix, as the JVM names it} */
  public String osName() {
    return osName;
  }
}
