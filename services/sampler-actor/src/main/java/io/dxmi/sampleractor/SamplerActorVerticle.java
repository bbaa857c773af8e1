package io.dxmi.sampleractor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.dxmi.core.dxmi.DxmiTrainer;
import io.dxmi.core.random.Rng;
import io.dxmi.pipeline.PhaseTimes;
import io.dxmi.pipeline.RunTopics;
import io.dxmi.pipeline.ServiceOptions;
import io.dxmi.pipeline.SnapshotFollower;
import io.dxmi.pipeline.SnapshotLoopService;
import io.dxmi.pipeline.TrajectoryMessages;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Rolls out batches with the newest policy on its own thread (inference only: no gradient
 * collector, so it may run beside the learners' training threads).
 *
 * <p>Pacing: every policy carries the trajectory offset up to which the value-learner has
 * handled every record (learned or refused). The actor rolls out its next batch only with a
 * policy whose position is at most {@code maxStaleness} records behind its own previous batch.
 * In the synchronous mode (staleness 0, one actor) that is Algorithm 1's lockstep; the first
 * actor ("0") then draws exactly the single-process trainer's rollout noise. Records that are
 * not batches (refused) never hold an actor up: its own batches always move the position.
 *
 * <p>Restart: each batch carries the actor's rollout stream after it, and a starting actor
 * continues after its newest batch on the trajectory topic (its stream and its pacing position),
 * as if it had never stopped; so a stopped and resumed synchronous run draws exactly the noise of
 * one never stopped. A fresh actor (none of its batches on the topic) starts from the seed.
 *
 * <p>A send that fails is retried through a broker outage; the actor stops loudly only when the
 * retry gives up.
 */
public final class SamplerActorVerticle extends SnapshotLoopService {

    private static final Logger LOG = LoggerFactory.getLogger(SamplerActorVerticle.class);

    public static final String ROLE = "sampler-actor";
    /** How long reading back the trajectory topic's tail for this actor's newest batch may take. */
    private static final Duration READ_BACK_TIMEOUT = Duration.ofMinutes(1);

    private volatile long produced;
    private PhaseTimes phases;

    public SamplerActorVerticle(ServiceOptions options) {
        super(options);
    }

    @Override
    protected String role() {
        return ROLE;
    }

    @Override
    protected Set<String> follows() {
        return Set.of(RunTopics.POLICY);
    }

    /** Where this actor's time went (mean milliseconds per phase). */
    public Map<String, Double> phaseMillis() {
        return phases == null ? Map.of() : phases.meanMillis();
    }

    public long produced() {
        return produced;
    }

    private Rng rolloutStream() {
        long seed = plan.spec().config().seed();
        if ("0".equals(options.instanceId())) {
            return DxmiTrainer.randomStreams(seed)[0];
        }
        return new Rng(seed ^ (0x9E3779B97F4A7C15L * (options.instanceId().hashCode() + 1L)));
    }

    /** The newest policy once every record before offset {@code need} is handled (or the run's last). */
    private SnapshotFollower.Versioned pacedPolicy(long need) throws Exception {
        long min = 0;
        while (true) {
            SnapshotFollower.Versioned policy = follower.await(RunTopics.POLICY, min).get(1, TimeUnit.DAYS);
            if (policy.meta().getNextTrajectoryOffset() >= need || policy.version() >= plan.iterations()) {
                return policy;
            }
            min = policy.version() + 1;
        }
    }

    @Override
    protected void loop() throws Exception {
        var m = options.metrics();
        CounterDataPoint rollouts = m.counter("dxmi_iterations_total", "Rollouts (actors)");
        GaugeDataPoint version = m.gauge("dxmi_policy_version", "Policy version the actor samples with");
        phases = new PhaseTimes(m);
        Rng rng = rolloutStream();
        int batch = plan.spec().config().batchSize();
        long total = plan.iterations();
        long loaded = -1;
        long lastOffset = -1;
        // Without this a restarted actor (a resumed run) would draw its noise from the seed again and pace from
        // offset 0: its batches would differ from those of a run never stopped, and the run would drift.
        var left = TrajectoryMessages.newestOf(context, options.instanceId(), READ_BACK_TIMEOUT);
        if (left.isPresent()) {
            lastOffset = left.get().offset();
            if (left.get().rolloutState() != null) {
                rng = Rng.fromState(left.get().rolloutState());
                LOG.info("{} {} continues after its batch at offset {} (policy v{})", role(), options.instanceId(),
                        lastOffset, left.get().policyVersion());
            } else {
                LOG.warn("{} {}: its batch at offset {} does not record the rollout stream; it paces from there but"
                        + " draws from the seed again", role(), options.instanceId(), lastOffset);
            }
        }
        while (true) {
            long need = lastOffset + 1 - plan.maxStaleness();
            long t0 = System.nanoTime();
            SnapshotFollower.Versioned policy = pacedPolicy(need);
            long t1 = System.nanoTime();
            phases.record("actor.wait_policy", t1 - t0);
            if (policy.version() >= total) {
                return;
            }
            if (policy.version() != loaded) {
                model.loadPolicyWeights(policy.weights());
                loaded = policy.version();
                version.set(loaded);
            }
            byte[] message;
            long t2 = System.nanoTime();
            try (NDManager scope = model.manager().newSubManager()) {
                NDArray[] states = model.sampler().rollout(batch, rng, scope);
                message = TrajectoryMessages.encode(options.run(), options.instanceId(), loaded, states, rng.getState());
            }
            long t3 = System.nanoTime();
            phases.record("actor.rollout", t3 - t2);
            byte[] record = message;
            lastOffset = context.retry().until("trajectories", "batch of policy v" + loaded, () -> context.producer()
                    .send(context.topics().trajectories(), options.instanceId(), record)).toCompletionStage()
                    .toCompletableFuture().get().offset();
            phases.record("actor.send", System.nanoTime() - t3);
            produced++;
            rollouts.inc();
        }
    }
}
