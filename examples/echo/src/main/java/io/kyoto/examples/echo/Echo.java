package io.kyoto.examples.echo;

import io.kyoto.runtime.Future;
import io.kyoto.runtime.Task;
import io.kyoto.runtime.annotation.AsyncMain;
import io.kyoto.runtime.io.Io;
import io.kyoto.runtime.net.TcpListener;
import io.kyoto.runtime.net.TcpStream;

/**
 * A TCP echo server on the Kyoto runtime: one task per connection, {@link Io#copy} from the
 * connection to itself. The first program a tokio user writes.
 *
 * <pre>java -jar examples/echo/target/echo.jar [host:port]   (default 127.0.0.1:7001)</pre>
 */
public final class Echo {
  private Echo() {}

  /**
   * Accepts connections forever, echoing each on its own task.
   *
   * @param listener the bound listener
   * @return a future that fails only if accepting fails
   */
  public static Future<Void> serve(TcpListener listener) {
    return listener.incoming().forEach(conn -> Task.spawn(echo(conn)));
  }

  /** {@return a future that echoes {@code conn} until the peer closes it, then closes it} */
  static Future<Long> echo(TcpStream conn) {
    return Io.copy(conn, conn)
        .handle(
            (bytes, error) -> {
              conn.close(); // a reset peer ends its connection, nothing else
              return bytes == null ? -1L : bytes;
            });
  }

  /**
   * Binds and serves, as the program's asynchronous entry point: the processor turns
   * {@code @AsyncMain} into the launcher {@code Echo_Main}, which runs this on a multi-thread
   * runtime named "echo".
   *
   * @param args optional {@code host:port}
   * @return a future that fails if binding or accepting fails
   */
  @AsyncMain(name = "echo")
  static Future<Void> run(String[] args) {
    String address = args.length > 0 ? args[0] : "127.0.0.1:7001";
    return TcpListener.bind(address)
        .flatMap(
            listener -> {
              System.out.println("echo listening on " + listener.localAddress());
              return serve(listener);
            });
  }

  /**
   * Starts the server through the generated launcher ({@code java -jar echo.jar} or {@code java -cp
   * echo.jar io.kyoto.examples.echo.Echo_Main}).
   *
   * @param args optional {@code host:port}
   */
  public static void main(String[] args) {
    Echo_Main.main(args);
  }
}
