import java.io.IOException;
import java.lang.reflect.Field;

/**
 * Starts Amazon's DynamoDB Local (its jar on the class path) for the local harness. A single file with no
 * compile-time dependencies: the harness compiles it with the `java` it runs (jdk.compiler) into its cache at the
 * first start, so nothing is built ahead or committed as a binary.
 *
 * It dies with the harness: the harness holds this process's stdin pipe and never writes to it; when the
 * harness exits, however it exits (SIGKILL included), the kernel closes that pipe, the read below sees end
 * of file and the JVM halts. No pid polling, no orphan serving the port after a crash.
 *
 * It listens on 127.0.0.1 only (see bindToLoopback). Arguments are DynamoDB Local's own (-inMemory, -port ...).
 */
public final class DynamoDbLocalLauncher {
  public static void main(String[] args) throws Exception {
    Thread watchdog = new Thread(DynamoDbLocalLauncher::haltWhenStdinCloses, "harness-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();

    // Reflection keeps this file free of compile-time dependencies on the jar's classes.
    Class<?> runner = Class.forName("software.amazon.dynamodb.services.local.main.ServerRunner");
    Object server = runner.getMethod("createServerFromCommandLineArgs", String[].class).invoke(null, (Object) args);
    bindToLoopback(server);
    server.getClass().getMethod("start").invoke(server);
    System.out.println("DynamoDbLocalLauncher: started");
    server.getClass().getMethod("join").invoke(server);
  }

  /**
   * DynamoDB Local has no host option: its Jetty server (`new Server(port)`) listens on every interface.
   * Before it starts, its connector is told to listen on 127.0.0.1 only, so the database is reachable from
   * this machine alone. If DynamoDB Local's internals change, this fails loudly rather than listen openly.
   */
  private static void bindToLoopback(Object proxyServer) throws Exception {
    Field jettyField = proxyServer.getClass().getDeclaredField("server");
    jettyField.setAccessible(true);
    Object jetty = jettyField.get(proxyServer);
    Object[] connectors = (Object[]) jetty.getClass().getMethod("getConnectors").invoke(jetty);
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local has no connector to bind");
    for (Object connector : connectors) {
      connector.getClass().getMethod("setHost", String.class).invoke(connector, "127.0.0.1");
    }
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
