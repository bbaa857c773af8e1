package io.dxmi.pipeline;

import io.dxmi.platform.broker.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.TopicConfig;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The topics of one run, all named {@code dxmi.<run>.<kind>}, each with one partition (the
 * trajectories' offset orders the batches for both learners; a snapshot topic orders one
 * model's versions and their chunks). Only {@code submit} creates them ({@link #create}), sized
 * from the plan; a service given a mistyped run name waits for a plan that never comes and
 * creates nothing.
 *
 * <p>Disk: every topic is bounded on purpose. The spec is compacted (one plan). Trajectories
 * and snapshots are deleted by size, never by age ({@code retention.ms=-1}, so a paused run loses
 * nothing). Trajectories keep what a restarted learner re-reads (twice the records since the
 * learners' older checkpoint); each snapshot topic keeps a few versions (a late follower takes
 * the newest, which the active segment, never deleted, always holds; the value-learner keeps the
 * EBM versions it replays with in its own state). Evaluations and dead letters are small and
 * kept up to 64 MiB. Deleted segments leave the disk after 1 s ({@code file.delete.delay.ms}).
 */
public record RunTopics(String run) {

    private static final Pattern RUN_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    /** Snapshot name of the policy (sampler network and log σ). */
    public static final String POLICY = "policy";
    /** Snapshot name of the energy network alone (every iteration: the value-learner learns against it). */
    public static final String EBM = "ebm";
    /** Snapshot name of the energy's evaluation EMA (at the evaluation cadence, at the start and at the end). */
    public static final String EMA = "ema";
    /** Snapshot name of the value network (the value-learner's; at evaluations and at the end). */
    public static final String VALUE = "value";
    /** Every snapshot name. */
    public static final List<String> MODELS = List.of(POLICY, EBM, EMA, VALUE);

    /** The record limit of trajectory and snapshot topics (the embedded broker's message.max.bytes). */
    static final int MAX_MESSAGE_BYTES = 2 << 20;
    private static final long MIB = 1 << 20;

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

    /** The topic of one model's snapshots (records keyed by the model; chunks keyed model/version). */
    public String snapshots(String model) {
        if (!MODELS.contains(model)) {
            throw new IllegalArgumentException("unknown snapshot '" + model + "'; snapshots: " + MODELS);
        }
        return name("snapshots." + model);
    }

    public String evaluations() {
        return name("evaluations");
    }

    public String deadLetters() {
        return name("dead-letters");
    }

    /** Every topic of the run. */
    public List<String> all() {
        return List.of(spec(), trajectories(), snapshots(POLICY), snapshots(EBM), snapshots(EMA), snapshots(VALUE),
                evaluations(), deadLetters());
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

    /**
     * The configuration of every topic for a plan whose snapshots encode to {@code snapshotBytes}
     * (by model) and whose trajectory batches to {@code batchBytes}.
     */
    public Map<String, Map<String, String>> configs(RunPlan plan, long batchBytes, Map<String, Long> snapshotBytes) {
        // Records since the older learner checkpoint, plus what actors and the faster learner may hold
        // beyond it, twice over: the window a restarted learner re-reads.
        long window = 2L * (plan.checkpointEvery() + 64);
        Map<String, Map<String, String>> c = new LinkedHashMap<>();
        c.put(spec(), Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.SEGMENT_BYTES_CONFIG, Long.toString(MIB)));
        c.put(trajectories(), bySize(window * batchBytes));
        for (String model : MODELS) {
            c.put(snapshots(model), bySize(8 * snapshotBytes.getOrDefault(model, 0L)));
        }
        c.put(evaluations(), bySize(64 * MIB));
        c.put(deadLetters(), bySize(64 * MIB));
        return c;
    }

    /**
     * The most disk these topics take on one replica: what each deletes down to plus the segment it writes
     * meanwhile (a segment is deleted only whole, once the next one is rolled); a compacted topic is counted at
     * two segments (its records are overwritten, not accumulated). Indexes and the broker's own files come on top.
     */
    public static long diskBound(Map<String, Map<String, String>> configs) {
        long sum = 0;
        for (Map<String, String> c : configs.values()) {
            long segment = Long.parseLong(c.getOrDefault(TopicConfig.SEGMENT_BYTES_CONFIG, Long.toString(MIB)));
            boolean compacted = TopicConfig.CLEANUP_POLICY_COMPACT.equals(c.get(TopicConfig.CLEANUP_POLICY_CONFIG));
            sum += compacted ? 2 * segment
                    : Long.parseLong(c.getOrDefault(TopicConfig.RETENTION_BYTES_CONFIG, "0")) + segment;
        }
        return sum;
    }

    /** Creates every topic of the run that does not exist yet (idempotent; blocking). */
    public void create(Admin admin, Map<String, Map<String, String>> configs) {
        configs.forEach((topic, config) -> Topics.ensure(admin, topic, 1, config));
    }

    /** Deleted by size only (at least 2 MiB kept), in segments of a quarter of it (Kafka's least, 1 MiB, to 64 MiB). */
    private static Map<String, String> bySize(long keepBytes) {
        long keep = Math.max(2 * MIB, keepBytes);
        long segment = Math.max(MIB, Math.min(64 * MIB, keep / 4));
        return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, "-1",
                TopicConfig.RETENTION_BYTES_CONFIG, Long.toString(keep),
                TopicConfig.SEGMENT_BYTES_CONFIG, Long.toString(segment),
                TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, "1000",
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_MESSAGE_BYTES));
    }
}
