import java.io.IOException;

/**
 * Starts Amazon's DynamoDB Local (its jar on the class path) for the local harness, run as a single-file
 * source program (`java DynamoDbLocalLauncher.java ...`), so nothing is compiled ahead or committed as a binary.
 *
 * It dies with the harness: the harness holds this process's stdin pipe and never writes to it; when the
 * harness exits, however it exits (SIGKILL included), the kernel closes that pipe, the read below sees end
 * of file and the JVM halts. No pid polling, no orphan serving the port after a crash.
 *
 * Arguments are DynamoDB Local's own (-inMemory, -port ...).
 */
public final class DynamoDbLocalLauncher {
  public static void main(String[] args) throws Exception {
    Thread watchdog = new Thread(DynamoDbLocalLauncher::haltWhenStdinCloses, "harness-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();

    // Reflection keeps this file free of compile-time dependencies on the jar's classes.
    Class<?> runner = Class.forName("software.amazon.dynamodb.services.local.main.ServerRunner");
    Object server = runner.getMethod("createServerFromCommandLineArgs", String[].class).invoke(null, (Object) args);
    server.getClass().getMethod("start").invoke(server);
    System.out.println("DynamoDbLocalLauncher: started");
    server.getClass().getMethod("join").invoke(server);
  }

  private static void haltWhenStdinCloses() {
    try {
      while (System.in.read() != -1) {
        // The harness never writes; anything read is ignored.
      }
    } catch (IOException closed) {
      // A broken pipe means the same as end of file: the harness is gone.
    }
    Runtime.getRuntime().halt(0);
  }
}
