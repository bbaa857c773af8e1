package io.dxmi.platform.broker;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Explicit topic creation. Brokers run with {@code auto.create.topics.enable=false} so that a typo in a topic
 * name fails loudly instead of creating a stray topic; services call {@link #ensure} at start.
 */
public final class Topics {

    private Topics() {
    }

    /** Whether a topic exists (blocking). */
    public static boolean exists(Admin admin, String name) {
        try {
            return admin.listTopics().names().get(60, TimeUnit.SECONDS).contains(name);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not list topics: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Timed out listing topics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while listing topics", e);
        }
    }

    /**
     * Creates the topic if it does not exist (idempotent; an existing topic is left as it is, its configuration is
     * not changed). Blocking: call it from a worker thread or at start-up.
     *
     * @param partitions number of partitions for a new topic
     * @param configs topic configurations for a new topic (for example {@code cleanup.policy=compact})
     * @return true if this call created the topic
     */
    public static boolean ensure(Admin admin, String name, int partitions, Map<String, String> configs) {
        if (partitions < 1) {
            throw new IllegalArgumentException("Topic '" + name + "' needs at least one partition, got " + partitions);
        }
        // Empty replication factor: the broker's default.replication.factor applies (1 on a single node).
        NewTopic topic = new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(configs);
        try {
            admin.createTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw new IllegalStateException("Could not create topic '" + name + "': " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Timed out creating topic '" + name + "'", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic '" + name + "'", e);
        }
    }
}
