package io.dxmi.platform.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, {@code process.roles=broker,controller}) running inside this JVM,
 * built only from the Maven Central artifacts: no Kafka distribution, no Docker.
 *
 * <p>Lifetime: {@link #start()} formats the storage if (and only if) the data directory is not formatted yet,
 * then starts the server and returns once a client can reach it; {@link #close()} shuts it down and waits.
 * Restarting on the same data directory keeps topics and messages. One instance starts at most once.
 *
 * <p>Defaults suited to one node: all replication factors 1, {@code auto.create.topics.enable=false} (topics are
 * created explicitly with {@link Topics#ensure}), {@code message.max.bytes} {@value #MESSAGE_MAX_BYTES} (2 MiB,
 * so ~1 MB records fit), no initial rebalance delay. {@link Builder#optProperties} overrides any of them.
 *
 * <p>Kafka ends the whole process on a fatal fault, for example when every log directory has failed (most often a
 * full disk). In this JVM that process is the user's, so a started broker first installs halt and exit procedures
 * that say so in one log line, with each live broker's data directory and its free space, before the process ends.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    /** Broker-side record batch limit (Kafka's default is about 1 MB). */
    public static final int MESSAGE_MAX_BYTES = 2_097_152;

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_HOST = "127.0.0.1";
    private static final Set<Path> LIVE_DATA_DIRS = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HALT_EXPLAINED = new AtomicBoolean();

    private final String host;
    private final String advertisedHost;
    private final int requestedPort;
    private final int requestedControllerPort;
    private final Path dataDir;
    private final Map<String, String> overrides;

    private KafkaRaftServer server;
    private int port;
    private boolean started;

    private EmbeddedKafkaBroker(Builder b) {
        this.host = b.host;
        this.advertisedHost = b.advertisedHost != null ? b.advertisedHost : b.host;
        this.requestedPort = b.port;
        this.requestedControllerPort = b.controllerPort;
        this.dataDir = b.dataDir;
        this.overrides = new LinkedHashMap<>(b.properties);
    }

    /** Returns a new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the storage when needed, starts the broker and waits until it answers.
     *
     * @throws IllegalStateException if already started, or if the broker did not start
     */
    public synchronized EmbeddedKafkaBroker start() {
        if (started) {
            throw new IllegalStateException("EmbeddedKafkaBroker already started");
        }
        started = true;
        try {
            Path logDir = dataDir.resolve("logs");
            Files.createDirectories(logDir);
            int[] ports = ports(host, requestedPort, requestedControllerPort);
            port = ports[0];
            int controllerPort = ports[1];
            Properties props = brokerProperties(logDir, port, controllerPort);
            Path config = dataDir.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(config)) {
                props.store(out, "written by EmbeddedKafkaBroker on each start");
            }
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(config);
            }
            explainHalts();
            LIVE_DATA_DIRS.add(dataDir);
            server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            awaitReady();
            LOG.info("Kafka broker up at {} (data {})", bootstrapServers(), dataDir);
            return this;
        } catch (IOException e) {
            closeQuietly();
            throw new IllegalStateException("Could not start the embedded Kafka broker in " + dataDir + ": " + e, e);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    /** {@code host:port} of the client listener; valid after {@link #start()}. */
    public String bootstrapServers() {
        if (server == null) {
            throw new IllegalStateException("EmbeddedKafkaBroker not started");
        }
        return advertisedHost + ":" + port;
    }

    /** The bound client port; valid after {@link #start()}. */
    public int port() {
        return port;
    }

    /** The data directory (log dirs live in {@code <dataDir>/logs}). */
    public Path dataDir() {
        return dataDir;
    }

    /** Shuts the broker down and waits for it; idempotent. */
    @Override
    public synchronized void close() {
        LIVE_DATA_DIRS.remove(dataDir);
        if (server != null) {
            KafkaRaftServer s = server;
            server = null;
            s.shutdown();
            s.awaitShutdown();
            LOG.info("Kafka broker at {}:{} stopped", advertisedHost, port);
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            LOG.warn("Error while stopping a broker that failed to start", e);
        }
    }

    private Properties brokerProperties(Path logDir, int brokerPort, int controllerPort) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        // Static voters: a one-node quorum needs no --standalone/--initial-controllers at format time.
        // The controller serves this process only: loopback, whatever interface the clients' listener uses.
        p.put("controller.quorum.voters", NODE_ID + "@" + CONTROLLER_HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + host + ":" + brokerPort + ",CONTROLLER://" + CONTROLLER_HOST + ":"
                + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + advertisedHost + ":" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toAbsolutePath().toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        // 50 partitions (the default) cost seconds at first group join on two cores and buy nothing on one node.
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("message.max.bytes", Integer.toString(MESSAGE_MAX_BYTES));
        // Followers (none here, but also the controller's fetch path) must fetch at least one maximal batch.
        p.put("replica.fetch.max.bytes", Integer.toString(MESSAGE_MAX_BYTES + 65_536));
        p.put("group.initial.rebalance.delay.ms", "0");
        // Few threads: the broker shares small machines with the services.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
        // Size-bounded topics (the run's topics set retention.bytes) are trimmed every 2 s instead of Kafka's
        // 5 minutes, and deleted segments leave the disk after 1 s instead of 60 s: a 2D sync run writes about
        // 10 MB/s of snapshots, which would otherwise pile up between two checks.
        p.put("log.retention.check.interval.ms", "2000");
        p.put("log.segment.delete.delay.ms", "1000");
        p.putAll(overrides);
        Properties props = new Properties();
        props.putAll(p);
        return props;
    }

    private void format(Path config) {
        // StorageTool.execute returns an exit code; StorageTool.main would call System.exit and end this JVM.
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc;
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[] {"format", "--config", config.toString(), "--cluster-id",
                    Uuid.randomUuid().toString(), "--ignore-formatted"}, out);
        }
        String text = buf.toString(StandardCharsets.UTF_8).trim();
        if (rc != 0) {
            throw new IllegalStateException("Kafka storage format failed (exit " + rc + "): " + text);
        }
        LOG.info("Formatted Kafka storage: {}", text);
    }

    private void awaitReady() {
        String local = "0.0.0.0".equals(host) || "::".equals(host) ? CONTROLLER_HOST : host;
        Map<String, Object> conf = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, local + ":" + port,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin admin = Admin.create(conf)) {
            admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Embedded Kafka broker did not answer within 30 s: " + e, e);
        }
    }

    /**
     * The client and controller ports: the requested ones, or free ones where 0 was requested. Kafka needs both in
     * its config before binding, so free ports are chosen here (the tiny window between close and bind is
     * acceptable for a development broker). The two must differ even on different hosts (Kafka refuses two
     * listeners on one port number), so every socket chosen stays open until both are known: two ports picked
     * one after the other can be the same one, closed and handed out again.
     */
    static int[] ports(String host, int requestedPort, int requestedControllerPort) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int port = requestedPort != 0 ? requestedPort : hold(held, host);
            int controllerPort = requestedControllerPort;
            while (controllerPort == 0 || controllerPort == port) {
                if (requestedControllerPort != 0) {
                    throw new IllegalArgumentException("the controller port must differ from the client port "
                            + port);
                }
                controllerPort = hold(held, CONTROLLER_HOST);
            }
            return new int[] {port, controllerPort};
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }

    private static int hold(List<ServerSocket> held, String host) throws IOException {
        ServerSocket s = new ServerSocket();
        held.add(s);
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(host, 0));
        return s.getLocalPort();
    }

    /**
     * Installs, once per process, halt and exit procedures that explain Kafka's ending of the process before it
     * happens (Kafka's fatal-fault handlers call one or the other).
     */
    private static void explainHalts() {
        if (HALT_EXPLAINED.compareAndSet(false, true)) {
            Exit.setHaltProcedure((status, message) -> {
                LOG.error(haltMessage(status, message, LIVE_DATA_DIRS));
                System.err.flush();
                Runtime.getRuntime().halt(status);
            });
            Exit.setExitProcedure((status, message) -> {
                LOG.error(haltMessage(status, message, LIVE_DATA_DIRS));
                System.err.flush();
                Runtime.getRuntime().exit(status);
            });
        }
    }

    /** The line logged when Kafka halts the process: why, where, and how to continue. */
    static String haltMessage(int status, String message, Collection<Path> dataDirs) {
        StringBuilder sb = new StringBuilder("the embedded Kafka broker ends this process (status ").append(status)
                .append(')');
        if (message != null && !message.isBlank()) {
            sb.append(": ").append(message);
        }
        for (Path dir : dataDirs) {
            sb.append("; data directory ").append(dir).append(" has ").append(freeMiB(dir)).append(" MiB free");
        }
        return sb.append(". Kafka does so on a fatal fault (logged above), for example when every log directory has")
                .append(" failed, most often because the disk is full; what was written before is kept: fix the cause")
                .append(" (make room), then restart on the same data directory").toString();
    }

    private static String freeMiB(Path dir) {
        try {
            return Long.toString(Files.getFileStore(dir).getUsableSpace() >> 20);
        } catch (IOException | RuntimeException e) {
            return "an unknown number of";
        }
    }

    /** Builder: {@code setX} for required values, {@code optX} for optional ones. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private String advertisedHost;
        private int port;
        private int controllerPort;
        private Path dataDir;
        private final Map<String, String> properties = new LinkedHashMap<>();

        private Builder() {
        }

        /** Required: the directory that holds the broker's logs and generated configuration. */
        public Builder setDataDir(Path dir) {
            this.dataDir = Objects.requireNonNull(dir, "dataDir");
            return this;
        }

        /** Optional: client port (default 0 = a free port). */
        public Builder optPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("Invalid broker port " + port);
            }
            this.port = port;
            return this;
        }

        /** Optional: controller (KRaft quorum) port (default 0 = a free port). */
        public Builder optControllerPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("Invalid controller port " + port);
            }
            this.controllerPort = port;
            return this;
        }

        /** Optional: interface to bind (default 127.0.0.1; 0.0.0.0 for other machines, with an advertised host). */
        public Builder optHost(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Optional: the host name clients are told to use (default: the bind host). */
        public Builder optAdvertisedHost(String host) {
            this.advertisedHost = host;
            return this;
        }

        /** Optional: broker properties that override the defaults. */
        public Builder optProperties(Map<String, String> props) {
            this.properties.putAll(props);
            return this;
        }

        /** Builds a broker (not started). */
        public EmbeddedKafkaBroker build() {
            if (dataDir == null) {
                throw new IllegalArgumentException("EmbeddedKafkaBroker needs setDataDir(...)");
            }
            if ("0.0.0.0".equals(host) && advertisedHost == null) {
                throw new IllegalArgumentException("Binding 0.0.0.0 needs optAdvertisedHost(...): clients cannot dial 0.0.0.0");
            }
            return new EmbeddedKafkaBroker(this);
        }
    }
}
