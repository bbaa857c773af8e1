package io.dxmi.platform.broker;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs an {@link EmbeddedKafkaBroker} as a process until SIGTERM (or Ctrl-C):
 * {@code java -cp ... io.dxmi.platform.broker.BrokerMain --port 9092 --data-dir /var/lib/kafka
 * [--controller-port P] [--host H] [--advertised-host A] [--prop key=value ...]}.
 */
public final class BrokerMain {

  private BrokerMain() {
  }

  /** Entry point; exit code 2 on bad arguments. */
  public static void main(String[] args) throws InterruptedException {
    EmbeddedKafkaBroker.Builder b = EmbeddedKafkaBroker.builder();
    Map<String, String> props = new LinkedHashMap<>();
    boolean hasDir = false;
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("Missing value after " + a);
        }
        String v = args[++i];
        switch (a) {
          case "--port" -> b.optPort(Integer.parseInt(v));
          case "--controller-port" -> b.optControllerPort(Integer.parseInt(v));
          case "--data-dir" -> {
            b.setDataDir(Path.of(v));
            hasDir = true;
          }
          case "--host" -> b.optHost(v);
          case "--advertised-host" -> b.optAdvertisedHost(v);
          case "--prop" -> {
            int eq = v.indexOf('=');
            if (eq <= 0) {
              throw new IllegalArgumentException("--prop expects key=value, got '" + v + "'");
            }
            props.put(v.substring(0, eq), v.substring(eq + 1));
          }
          default -> throw new IllegalArgumentException("Unknown argument " + a);
        }
      }
      if (!hasDir) {
        throw new IllegalArgumentException("--data-dir is required");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("BrokerMain: " + e.getMessage());
      System.err.println("usage: BrokerMain --data-dir DIR [--port P] [--controller-port P] [--host H]"
          + " [--advertised-host A] [--prop key=value]...");
      System.exit(2);
      return;
    }
    EmbeddedKafkaBroker broker = b.optProperties(props).build().start();
    CountDownLatch stopped = new CountDownLatch(1);
    // The JVM runs shutdown hooks on SIGTERM/SIGINT: close the broker cleanly so that the next start needs no
    // log recovery, then let main return.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      broker.close();
      stopped.countDown();
    }, "broker-shutdown"));
    System.out.println("BROKER_READY " + broker.bootstrapServers());
    stopped.await();
  }
}
