package io.dxmi.platform.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * Checks, before a process starts any work, that the Kafka cluster answers: a client whose bootstrap servers do
 * not answer otherwise retries quietly for minutes. {@link #check} returns within its timeout, with the cluster's
 * description or an {@link Unreachable} that says why in one line.
 */
public final class ClusterProbe {

    /** What the cluster told the probe. */
    public record Cluster(String clusterId, int brokers) {}

    /** The cluster did not answer, or refused these credentials. */
    public static final class Unreachable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The client could not even be created from these settings (a malformed property): the user's configuration,
     * not the cluster. The message names the setting but never quotes Kafka's own, which may quote its value.
     */
    public static final class InvalidSettings extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public InvalidSettings(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final String KAFKA = "org.apache.kafka.";
    private static final String SECURITY = KAFKA + "common.security.";
    private static final Pattern CONFIG_NAME =
            Pattern.compile("for configuration ([A-Za-z0-9._-]+)|configuration \"([A-Za-z0-9._-]+)\"");

    private ClusterProbe() {
    }

    /**
     * Asks the cluster for its id and brokers, waiting at most {@code timeout}.
     *
     * @throws Unreachable naming the bootstrap servers and the reason (no answer, authentication failed, ...)
     */
    public static Cluster check(KafkaSettings settings, Duration timeout) {
        Map<String, Object> props = new HashMap<>(settings.adminProperties());
        int ms = (int) Math.max(1000, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(ms, 30_000));
        String where = settings.bootstrapServers();
        Admin admin;
        try {
            admin = Admin.create(props);
        } catch (KafkaException e) {
            throw new InvalidSettings("the Kafka client settings are invalid: " + whatIsWrong(e), e);
        }
        try {
            DescribeClusterResult r = admin.describeCluster();
            int brokers = r.nodes().get(ms, TimeUnit.MILLISECONDS).size();
            return new Cluster(r.clusterId().get(ms, TimeUnit.MILLISECONDS), brokers);
        } catch (TimeoutException e) {
            throw new Unreachable("the Kafka cluster at " + where + " did not answer within " + seconds(timeout)
                    + " (is the broker running and reachable from here? check --bootstrap)", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof AuthenticationException) {
                throw new Unreachable("the Kafka cluster at " + where + " refused to authenticate this client: "
                        + c.getMessage(), c);
            }
            if (c instanceof AuthorizationException) {
                throw new Unreachable("the Kafka cluster at " + where + " denied access: " + c.getMessage(), c);
            }
            // qualified: clashes with java.util.concurrent.TimeoutException, caught above
            if (c instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw new Unreachable("the Kafka cluster at " + where + " did not answer within " + seconds(timeout)
                        + " (is the broker running and reachable from here? check --bootstrap)", c);
            }
            throw new Unreachable("the Kafka cluster at " + where + " cannot be used: " + c, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted while contacting the Kafka cluster at " + where, e);
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    /**
     * Which setting a client could not be created from, told by the kind and origin of the causes only: Kafka's
     * messages may quote a value, and a JAAS line holds a password.
     */
    static String whatIsWrong(KafkaException e) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        if (thrownIn(chain, SECURITY + "JaasConfig")) {
            return SaslConfigs.SASL_JAAS_CONFIG + " could not be parsed";
        }
        if (thrownIn(chain, SECURITY + "JaasContext")) {
            return SaslConfigs.SASL_JAAS_CONFIG + " is missing or unusable (a SASL client needs one)";
        }
        for (Throwable t : chain) {
            String name = t instanceof ConfigException ? configName(t.getMessage()) : null;
            if (name != null) {
                return name + " has an invalid value";
            }
        }
        if (thrownIn(chain, SECURITY + "ssl.")) {
            return "the ssl.* settings could not be used (the keystore, the truststore or their passwords)";
        }
        if (thrownIn(chain, SECURITY)) {
            return "the sasl.* settings could not be used (" + SaslConfigs.SASL_MECHANISM + " and its login)";
        }
        return "the client could not be created from them";
    }

    /** True when one of the exceptions was thrown by Kafka's code in a class whose name starts with {@code prefix}. */
    private static boolean thrownIn(List<Throwable> chain, String prefix) {
        for (Throwable t : chain) {
            for (StackTraceElement f : t.getStackTrace()) {
                if (f.getClassName().startsWith(KAFKA)) {
                    if (f.getClassName().startsWith(prefix)) {
                        return true;
                    }
                    break; // the innermost Kafka frame is where Kafka threw it
                }
            }
        }
        return false;
    }

    /** The setting a ConfigException names ("... for configuration NAME: ...", "configuration \"NAME\" ..."). */
    private static String configName(String message) {
        if (message == null) {
            return null;
        }
        Matcher m = CONFIG_NAME.matcher(message);
        String name = null;
        while (m.find()) {
            name = m.group(1) != null ? m.group(1) : m.group(2);
        }
        return name;
    }

    private static String seconds(Duration d) {
        long s = d.toSeconds();
        return s >= 1 ? s + " s" : d.toMillis() + " ms";
    }
}
