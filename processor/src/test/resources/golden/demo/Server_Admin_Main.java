package demo;

import io.kyoto.runtime.Futures;
import io.kyoto.runtime.Runtime;
import java.lang.Integer;
import java.lang.Object;
import java.lang.String;
import java.lang.SuppressWarnings;
import java.lang.System;
import java.lang.Throwable;
import javax.annotation.processing.Generated;

/**
 * The launcher of {@link Server.Admin}'s {@code @AsyncMain} method: run it with {@code java demo.Server_Admin_Main}.
 */
@Generated("io.kyoto.processor.AsyncMainProcessor")
@SuppressWarnings({"deprecation", "removal"})
public final class Server_Admin_Main {
  /**
   * Not instantiable.
   */
  private Server_Admin_Main() {
  }

  /**
   * Runs {@link Server.Admin#run()} to completion on a new runtime, then exits with status 1 if it failed, or with its value if that is an {@link Integer}.
   *
   * @param args the command-line arguments
   */
  public static void main(String[] args) {
    Object result;
    try (Runtime runtime = Runtime.builder().currentThread().startPaused(true).enableAll().build()) {
      result = runtime.blockOn(Futures.lazy(() -> Server.Admin.run()));
    } catch (Throwable failure) {
      failure.printStackTrace();
      System.exit(1);
      return;
    }
    if (result instanceof Integer status) {
      System.exit(status);
    }
  }
}
