package io.dxmi.platform.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
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
        Admin admin = Admin.create(props);
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

    private static String seconds(Duration d) {
        long s = d.toSeconds();
        return s >= 1 ? s + " s" : d.toMillis() + " ms";
    }
}
