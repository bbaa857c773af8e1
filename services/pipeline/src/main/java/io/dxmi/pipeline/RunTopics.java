package io.dxmi.pipeline;

import io.dxmi.platform.broker.Topics;
import org.apache.kafka.clients.admin.Admin;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The topics of one run, all named {@code dxmi.<run>.<kind>}. Trajectories and rewards have one
 * partition: both learners must see the batches in the same order (the offset is the batch's
 * global sequence number, which also makes redeliveries detectable).
 */
public record RunTopics(String run) {

    private static final Pattern RUN_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    /** Snapshot name of the policy (sampler network and log σ). */
    public static final String POLICY = "policy";
    /** Snapshot name of the energy (and its EMA copy). */
    public static final String EBM = "ebm";
    /** Snapshot name of the value network (the value-learner's; at evaluations and at the end). */
    public static final String VALUE = "value";

    public RunTopics {
        if (run == null || !RUN_NAME.matcher(run).matches()) {
            throw new IllegalArgumentException("a run name is 1-100 letters, digits, '.', '_' or '-', got '" + run + "'");
        }
    }

    public String spec() {
        return name("spec");
    }

    public String trajectories() {
        return name("trajectories");
    }

    public String rewards() {
        return name("rewards");
    }

    public String snapshots() {
        return name("snapshots");
    }

    public String snapshotChunks() {
        return name("snapshot-chunks");
    }

    public String evaluations() {
        return name("evaluations");
    }

    public String deadLetters() {
        return name("dead-letters");
    }

    /** Every topic of the run (what {@link #ensureAll} creates and {@code dxmi runs delete} removes). */
    public List<String> all() {
        return List.of(spec(), trajectories(), rewards(), snapshots(), snapshotChunks(), evaluations(),
                deadLetters());
    }

    /** The run a topic belongs to when it is some run's spec topic ({@code dxmi.RUN.spec}), else empty. */
    public static Optional<String> runOfSpecTopic(String topic) {
        if (topic.startsWith("dxmi.") && topic.endsWith(".spec") && topic.length() > "dxmi..spec".length()) {
            String run = topic.substring("dxmi.".length(), topic.length() - ".spec".length());
            return RUN_NAME.matcher(run).matches() ? Optional.of(run) : Optional.empty();
        }
        return Optional.empty();
    }

    private String name(String kind) {
        return "dxmi." + run + "." + kind;
    }

    /** Creates every topic of the run that does not exist yet (idempotent). */
    public void ensureAll(Admin admin) {
        Map<String, String> compact = Map.of("cleanup.policy", "compact");
        Map<String, String> none = Map.of();
        Topics.ensure(admin, spec(), 1, compact);
        Topics.ensure(admin, trajectories(), 1, none);
        Topics.ensure(admin, rewards(), 1, none);
        Topics.ensure(admin, evaluations(), 1, none);
        Topics.ensure(admin, deadLetters(), 1, none);
        // Snapshots are published every iteration in the synchronous mode: keep the chunk log's
        // size bounded (small segments, so that retention can act) — only recent versions matter.
        Topics.ensure(admin, snapshotChunks(), 1, Map.of("max.message.bytes", "2097152",
                "segment.bytes", Integer.toString(64 << 20), "retention.bytes", Long.toString(512L << 20),
                "retention.ms", Long.toString(7L * 24 * 3600 * 1000)));
        Topics.ensure(admin, snapshots(), 1, compact);
    }
}
