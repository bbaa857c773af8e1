package io.dxmi.cli;

import io.dxmi.platform.broker.EmbeddedKafkaBroker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code dxmi broker}: a single-node Kafka (KRaft) broker, for services in separate processes. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Start a single-node Kafka broker (KRaft, in this JVM) and run until SIGTERM or Ctrl-C.")
final class BrokerCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "9092", description = "Client port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "The broker's log directory.")
    Path dataDir;

    @Option(names = "--advertised-host", description = "Host name clients use (default: localhost).")
    String advertisedHost;

    @Override
    public Integer call() throws Exception {
        EmbeddedKafkaBroker.Builder b = EmbeddedKafkaBroker.builder().setDataDir(dataDir).optPort(port);
        if (advertisedHost != null) {
            b.optAdvertisedHost(advertisedHost);
        }
        EmbeddedKafkaBroker broker = b.build().start();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stop.countDown();
        }));
        System.out.println("broker listening on " + broker.bootstrapServers() + " (data in " + dataDir + ")");
        stop.await();
        return 0;
    }
}
