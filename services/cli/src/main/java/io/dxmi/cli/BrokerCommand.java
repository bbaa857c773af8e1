package io.dxmi.cli;

import io.dxmi.platform.broker.EmbeddedKafkaBroker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code dxmi broker}: a single-node Kafka (KRaft) broker, for services in separate processes and on other machines.
 * It listens on {@code --listen} (loopback by default) and tells clients to connect to {@code --advertised-host}.
 */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Start a single-node Kafka broker (KRaft, in this JVM) and run until SIGTERM or Ctrl-C.",
            "For other machines: --listen 0.0.0.0 (or this machine's address) --advertised-host NAME-THEY-RESOLVE."})
final class BrokerCommand implements Callable<Integer> {

    /** The default interface: this machine only. */
    static final String DEFAULT_LISTEN = "127.0.0.1";

    @Option(names = "--port", defaultValue = "9092", paramLabel = "PORT",
            description = "Client port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "The broker's log directory.")
    Path dataDir;

    @Option(names = "--listen", defaultValue = DEFAULT_LISTEN, paramLabel = "ADDRESS",
            description = "Interface to listen on: an address of this machine, or 0.0.0.0 for every interface"
                    + " (default: ${DEFAULT-VALUE}, this machine only).")
    String listen;

    @Option(names = "--advertised-host", paramLabel = "HOST",
            description = "The name or address clients are told to connect to; other machines must reach it"
                    + " (default: the --listen address; required with 0.0.0.0).")
    String advertisedHost;

    @Option(names = "--property", paramLabel = "KEY=VALUE",
            description = "A Kafka broker setting that overrides this broker's own (repeatable), e.g."
                    + " add.partitions.to.txn.retry.backoff.ms=5.")
    Map<String, String> properties = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        Checks.atLeast("--port", port, 1);
        Checks.port("--port", port);
        boolean wildcard = "0.0.0.0".equals(listen) || "::".equals(listen) || "[::]".equals(listen);
        if (wildcard && advertisedHost == null) {
            throw new UsageError("--listen " + listen + " needs --advertised-host: clients cannot connect to "
                    + listen + "; give the name or address other machines use for this one");
        }
        if (!wildcard) {
            try {
                if (InetAddress.getByName(listen).isAnyLocalAddress()) {
                    throw new UsageError("--listen " + listen + " needs --advertised-host");
                }
            } catch (UnknownHostException e) {
                throw new UsageError("--listen " + listen + ": unknown host");
            }
        }
        OutputDirectory.prepare(dataDir, "--data-dir");
        EmbeddedKafkaBroker.Builder b = EmbeddedKafkaBroker.builder().setDataDir(dataDir).optPort(port).optHost(listen)
                .optProperties(properties);
        if (advertisedHost != null) {
            b.optAdvertisedHost(advertisedHost);
        }
        EmbeddedKafkaBroker broker;
        try {
            broker = b.build().start();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("the broker did not start on " + listen + ":" + port + ": "
                    + rootMessage(e), e);
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stop.countDown();
        }));
        System.out.println("broker listening on " + listen + ":" + broker.port() + ", clients connect to "
                + broker.bootstrapServers() + " (data in " + dataDir + ")");
        stop.await();
        return ExitCode.OK;
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }
}
