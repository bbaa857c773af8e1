package io.dxmi.valuelearner;

import ai.djl.ndarray.NDManager;
import io.dxmi.core.dxmi.DxmiTrainer;
import io.dxmi.core.dxmi.IterationStats;
import io.dxmi.pipeline.JournaledEnergy;
import io.dxmi.pipeline.LearnerCheckpoints;
import io.dxmi.pipeline.ModelParts;
import io.dxmi.pipeline.PhaseTimes;
import io.dxmi.pipeline.RunTopics;
import io.dxmi.pipeline.ServiceOptions;
import io.dxmi.pipeline.SnapshotFollower;
import io.dxmi.pipeline.Snapshots;
import io.dxmi.pipeline.TrajectoryLearner;
import io.dxmi.pipeline.TrajectoryMessages;
import io.dxmi.pipeline.VersionJournal;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Policy evaluation and improvement. Iteration i learns its batch with EBM version i+1, the
 * energy after the ebm-learner's step on the same batch, in both modes (the EBM topic is
 * followed in sequence): the synchronous mode is then Algorithm 1 exactly. The ebm-learner's
 * step is the shorter one, so in the asynchronous mode the version is usually there already.
 * The EBM versions used since the newest checkpoint are kept in a journal in the learner's state
 * directory ({@link VersionJournal}), so that a restarted value-learner replays its batches with
 * the very versions they were learned with: it resumes exactly, like the ebm-learner. Each
 * published policy carries the trajectory offset up to which every record is handled: the
 * actors pace on it. With a policy gate in the plan, an iteration's policy step runs only when the
 * energy version it learns with carries a gap above the margin (as {@code DxmiTrainer.step} decides).
 */
public final class ValueLearnerVerticle
        extends TrajectoryLearner<SnapshotFollower.Versioned, ValueLearnerVerticle.Outcome> {

    private static final Logger LOG = LoggerFactory.getLogger(ValueLearnerVerticle.class);

    public static final String ROLE = "value-learner";
    /** Snapshot name of the value network (published at every evaluation and at the end). */
    public static final String VALUE = RunTopics.VALUE;

    private SnapshotFollower follower;
    private Snapshots snapshots;
    private long loadedEbmVersion = -1;
    private VersionJournal journal;
    /** EBM versions of the journal not replayed yet (restored learner), by version. */
    private final Map<Long, byte[]> replay = new ConcurrentHashMap<>();
    /** Energy gaps of the replayed versions (their snapshot record is not at hand), by version. */
    private final Map<Long, Double> replayedGaps = new ConcurrentHashMap<>();
    private CounterDataPoint gateClosed;
    private volatile long gateClosedCount;
    private volatile long gateDecisions;
    private CounterDataPoint gapMissing;
    private GaugeDataPoint policyVersion;
    private GaugeDataPoint ebmVersion;
    private GaugeDataPoint snapshotBytes;
    private DistributionDataPoint staleness;
    private GaugeDataPoint[] sigmaGauges;
    private GaugeDataPoint[] drawnSigmaGauges;
    private GaugeDataPoint[] velocityScaleGauges;
    private volatile long maxStaleness;
    private volatile long pacingViolations;
    private CounterDataPoint pacingViolationsCounter;
    private final Map<String, Long> lastOffsetByActor = new HashMap<>();
    private volatile double stalenessSum;

    public ValueLearnerVerticle(ServiceOptions options) {
        super(options);
    }

    /** The largest staleness seen: policy versions between a batch's policy and the learner's. */
    public long maxStaleness() {
        return maxStaleness;
    }

    /**
     * Batches rolled out with a policy older than their actor's pacing allows (its previous
     * batch's offset + 1 − K): always 0 unless an actor misbehaves. This, not a bound on
     * staleness, is what {@code --max-staleness} guarantees: a batch's staleness also depends on
     * how many batches other actors send between an actor's taking a policy and its send.
     */
    public long pacingViolations() {
        return pacingViolations;
    }

    /** Iterations whose policy step the policy gate skipped in this instance (0 without a gate). */
    public long policyGateClosed() {
        return gateClosedCount;
    }

    /** Mean staleness over the batches learned by this instance. */
    public double meanStaleness() {
        long n = trainer == null ? 0 : trainer.iteration();
        return n == 0 ? 0 : stalenessSum / n;
    }

    @Override
    protected String role() {
        return ROLE;
    }

    @Override
    protected long otherVersion() {
        return loadedEbmVersion;
    }

    @Override
    protected void initialise(LearnerCheckpoints.Position restored) throws Exception {
        var m = options.metrics();
        policyVersion = m.gauge("dxmi_policy_version", "Newest policy version published");
        ebmVersion = m.gauge("dxmi_ebm_version", "EBM version in use");
        snapshotBytes = m.gaugeFamily("dxmi_snapshot_bytes", "Size of the newest snapshot", "model").labels("policy");
        pacingViolationsCounter = m.counter("dxmi_pacing_violations_total",
                "Batches rolled out with an older policy than their actor's pacing allows");
        staleness = m.histogram("dxmi_staleness_versions",
                "Policy versions between a batch's policy and the learner's", 0, 1, 2, 4, 8, 16, 32);
        int steps = plan.spec().config().samplerSteps();
        sigmaGauges = new GaugeDataPoint[steps];
        var sigmaFamily = m.gaugeFamily("dxmi_sigma", "The policy's noise scale per step", "step");
        drawnSigmaGauges = new GaugeDataPoint[steps];
        var drawnFamily = m.gaugeFamily("dxmi_sigma_drawn",
                "Geometric mean over the batch of the noise scale each state drew per step (sigma_t times the sigma network's factor)",
                "step");
        velocityScaleGauges = new GaugeDataPoint[steps];
        var velocityFamily = m.gaugeFamily("dxmi_velocity_scale_squared",
                "AVR's s_t^2 per step: running mean of the squared step (x_{t+1} - x_t)^2, per dimension", "step");
        for (int k = 0; k < steps; k++) {
            sigmaGauges[k] = sigmaFamily.labels(Integer.toString(k));
            drawnSigmaGauges[k] = drawnFamily.labels(Integer.toString(k));
            velocityScaleGauges[k] = velocityFamily.labels(Integer.toString(k));
        }
        journal = new VersionJournal(stateDir().resolve("ebm-versions.journal"));
        gateClosed = m.counter("dxmi_policy_gate_closed_total",
                "Iterations whose policy step the policy gate skipped (the samples' energy not above the data's)");
        gapMissing = m.counter("dxmi_policy_gate_gap_missing_total",
                "Gated iterations whose energy version carried no gap (the gate stayed closed)");
        if (restored != null) {
            replay.putAll(journal.read());
            LOG.info("{} EBM versions in the journal to replay with ({})", replay.size(), replay.isEmpty() ? "none"
                    : "v" + Collections.min(replay.keySet()) + " to v" + Collections.max(replay.keySet()));
        } else {
            journal.reset();
        }
        // The energy only, in sequence (this learner is the policy's source, so it does not follow it).
        follower = SnapshotFollower.builder().setContext(context).setModels(Set.of(RunTopics.EBM)).optPlan(plan)
                .optLayout(RunTopics.EBM, training.submit(() -> ModelParts.weights(model, RunTopics.EBM)).get())
                .optSequence(RunTopics.EBM, -1).build().start();
        snapshots = context.snapshots(plan);
        if (restored == null) {
            // The initial policy (the pretrained sampler) is published by whoever submitted the run.
            SnapshotFollower.Versioned v0;
            try (SnapshotFollower initial = SnapshotFollower.builder().setContext(context)
                    .setModels(Set.of(RunTopics.POLICY)).optPlan(plan)
                    .optLayout(RunTopics.POLICY, training.submit(model::policyWeights).get()).build().start()) {
                v0 = initial.await(RunTopics.POLICY, 0).get(options.planTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
            training.submit(() -> {
                model.loadPolicyWeights(v0.weights());
                return null;
            }).get();
        } else {
            // The checkpoint may be newer than the last policy that went out before the crash (a checkpoint
            // is taken with its step, before publishing): the actors would wait for it. Followers ignore it
            // when they already hold a newer version.
            long version = trainer.iteration();
            Map<String, float[]> weights = training.submit(model::policyWeights).get();
            snapshots.publish(RunTopics.POLICY, version, version, version - 1, weights, nextOffset())
                    .toCompletionStage().toCompletableFuture().get();
            LOG.info("resumed at iteration {}; published policy v{}", version, version);
        }
        policyVersion.set(trainer.iteration());
    }

    /** One step's results: the policy after it, its pacing position and, at evaluations, the value network. */
    record Outcome(long version, Map<String, float[]> policy, Map<String, float[]> value, long nextTrajectoryOffset,
            long steppedAtNanos) {}

    /** On the training thread: loads the energy of this iteration, noting it in the journal. */
    private void useEnergy(SnapshotFollower.Versioned ebm) {
        if (ebm.version() != loadedEbmVersion) {
            ModelParts.load(model, RunTopics.EBM, ebm.weights());
            loadedEbmVersion = ebm.version();
            if (ebm.meta() != null) { // not replayed from the journal itself
                try {
                    journal.append(ebm.version(),
                            new JournaledEnergy(ebm.weights(), ebm.meta().getEnergyGap()).encode());
                } catch (IOException e) {
                    LOG.warn("could not journal EBM v{} ({}): a restart before the next checkpoint would not"
                            + " replay exactly", ebm.version(), e.toString());
                }
            }
        }
    }

    @Override
    protected void checkpointed() throws IOException {
        journal.reset();
    }

    @Override
    protected Outcome skip(TrajectoryMessages.Decoded batch, SnapshotFollower.Versioned awaited) {
        useEnergy(awaited);
        int steps = plan.spec().config().samplerSteps();
        IterationStats last = lastStats();
        IterationStats stats = trainer.completeIteration(null, new DxmiTrainer.PolicyStep(Double.NaN, Double.NaN,
                last == null ? new double[steps] : last.velocityScales(), 1));
        record(stats, Map.of());
        return new Outcome(trainer.iteration(), model.policyWeights(), null, stepNextOffset(),
                System.nanoTime());
    }

    @Override
    protected CompletableFuture<SnapshotFollower.Versioned> inputs(TrajectoryMessages.Decoded batch, long iteration) {
        long version = iteration + 1;
        byte[] entry = replay.remove(version);
        if (entry != null) {
            JournaledEnergy journaled = JournaledEnergy.decode(entry, "journaled EBM v" + version);
            if (journaled.gap() != null) {
                replayedGaps.put(version, journaled.gap());
            }
            return CompletableFuture.completedFuture(new SnapshotFollower.Versioned(RunTopics.EBM, version, null,
                    journaled.weights(), -1));
        }
        if (!replay.isEmpty()) {
            replay.keySet().removeIf(v -> v < version);
        }
        return follower.version(RunTopics.EBM, version);
    }

    @Override
    protected Outcome step(TrajectoryMessages.Decoded batch, SnapshotFollower.Versioned awaited) {
        long s0 = System.nanoTime();
        long cpu0 = PhaseTimes.threadCpuNanos();
        long batchPolicy = batch.message().getPolicyVersion();
        checkPacing(batch.message().getActorId().toString(), trainer.iteration(), batchPolicy);
        useEnergy(awaited);
        boolean policyOpen = policyGateOpen(awaited);
        IterationStats stats;
        try (NDManager scope = model.manager().newSubManager()) {
            DxmiTrainer.PolicyStep p = trainer.valueAndPolicyStep(batch.toArrays(scope), scope, policyOpen);
            stats = trainer.completeIteration(null, p);
        }
        // The value network goes out at the evaluation cadence too, for the evaluator's V(x, t) figure.
        long version = trainer.iteration();
        boolean valueDue = plan.evalEvery() > 0 && version % plan.evalEvery() == 0 && version < plan.iterations();
        Outcome out = new Outcome(version, model.policyWeights(), valueDue ? model.valueWeights() : null,
                stepNextOffset(), System.nanoTime());
        phases.record("value.step", out.steppedAtNanos() - s0);
        phases.record("value.step_cpu", PhaseTimes.threadCpuNanos() - cpu0);

        long lag = Math.max(0, version - 1 - batchPolicy);
        staleness.observe(lag);
        maxStaleness = Math.max(maxStaleness, lag);
        stalenessSum += lag;
        Map<String, Double> losses = new LinkedHashMap<>();
        losses.put("value", stats.valueLoss());
        losses.put("policy", stats.policyLoss());
        record(stats, losses);
        for (int k = 0; k < sigmaGauges.length; k++) {
            sigmaGauges[k].set(stats.sigmas()[k]);
            drawnSigmaGauges[k].set(stats.drawnSigmas()[k]);
            velocityScaleGauges[k].set(stats.velocityScales()[k]);
        }
        ebmVersion.set(loadedEbmVersion);
        return out;
    }

    /** The policy gate's decision for the iteration that learns with energy version {@code ebm}. */
    private boolean policyGateOpen(SnapshotFollower.Versioned ebm) {
        Double gap = ebm.meta() != null ? ebm.meta().getEnergyGap() : replayedGaps.remove(ebm.version());
        if (plan.spec().config().policyGate() == null || plan.spec().config().policyHeldAt(trainer.iteration())) {
            return true; // no gate, or a policy held by the schedule anyway: nothing for the gate to decide
        }
        if (gap == null) {
            gapMissing.inc();
            LOG.warn("EBM v{} carries no energy gap (written by an older ebm-learner?): the policy gate stays closed"
                    + " for this iteration", ebm.version());
            return false;
        }
        boolean open = trainer.policyGateOpen(gap);
        gateDecisions++;
        if (!open) {
            gateClosed.inc();
            gateClosedCount++;
        }
        return open;
    }

    @Override
    protected CompletableFuture<Void> publish(Outcome out) {
        long version = out.version();
        if (out.value() != null) {
            snapshots.publish(VALUE, version, version, -1, out.value()).onFailure(
                    e -> LOG.warn("value snapshot v{} not published: {}", version, e.toString()));
        }
        return snapshots.publish(RunTopics.POLICY, version, version, version - 1, out.policy(),
                out.nextTrajectoryOffset()).toCompletionStage().toCompletableFuture().thenAccept(manifest -> {
                    phases.record("value.publish", System.nanoTime() - out.steppedAtNanos());
                    policyVersion.set(version);
                    snapshotBytes.set(manifest.size());
                });
    }

    /** One partition: a batch's offset is the iteration that learns it. Called in order, on one thread. */
    private void checkPacing(String actor, long offset, long policy) {
        Long previous = lastOffsetByActor.put(actor, offset);
        if (!plan.sync() && previous != null && policy < previous + 1 - plan.maxStaleness()) {
            pacingViolations++;
            pacingViolationsCounter.inc();
        }
    }

    @Override
    protected CompletableFuture<Void> onFinish() {
        if (plan.spec().config().policyGate() != null) {
            // The counts are this instance's: a restarted value-learner starts them again.
            LOG.info("policy gate (margin {}): closed on {} of the {} iterations it decided in this instance",
                    plan.spec().config().policyGate(), gateClosedCount, gateDecisions);
        }
        return training.submit(model::valueWeights).thenCompose(w -> snapshots
                .publish(VALUE, trainer.iteration(), trainer.iteration(), -1, w).toCompletionStage()
                .thenApply(m -> (Void) null));
    }

    @Override
    protected void closeResources() {
        if (follower != null) {
            follower.close();
        }
        if (journal != null) {
            try {
                journal.close();
            } catch (IOException e) {
                LOG.warn("closing the EBM journal: {}", e.toString());
            }
        }
    }
}
