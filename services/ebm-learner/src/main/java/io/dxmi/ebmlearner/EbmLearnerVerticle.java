package io.dxmi.ebmlearner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.dxmi.core.dxmi.DxmiTrainer;
import io.dxmi.core.dxmi.IterationStats;
import io.dxmi.pipeline.LearnerCheckpoints;
import io.dxmi.pipeline.ModelParts;
import io.dxmi.pipeline.PhaseTimes;
import io.dxmi.pipeline.RunTopics;
import io.dxmi.pipeline.ServiceOptions;
import io.dxmi.pipeline.SnapshotFollower;
import io.dxmi.pipeline.Snapshots;
import io.dxmi.pipeline.TrajectoryLearner;
import io.dxmi.pipeline.TrajectoryMessages;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The energy's learner: one step per batch, then the energy's snapshot ({@link RunTopics#EBM}),
 * and at the evaluation cadence its EMA ({@link RunTopics#EMA}). It also reports the bad records
 * of the policy, EMA and value topics (it reads every version, verifies it, and dead-letters what
 * it refuses), so that each is dead-lettered once whatever the number of their followers.
 */
public final class EbmLearnerVerticle extends TrajectoryLearner<Void, EbmLearnerVerticle.Outcome> {

    public static final String ROLE = "ebm-learner";

    private Snapshots snapshots;
    private SnapshotFollower auditor;
    private GaugeDataPoint ebmVersion;
    private GaugeDataPoint snapshotBytes;

    public EbmLearnerVerticle(ServiceOptions options) {
        super(options);
    }

    @Override
    protected String role() {
        return ROLE;
    }

    @Override
    protected void initialise(LearnerCheckpoints.Position restored) throws Exception {
        var m = options.metrics();
        ebmVersion = m.gauge("dxmi_ebm_version", "Newest EBM version published");
        snapshotBytes = m.gaugeFamily("dxmi_snapshot_bytes", "Size of the newest snapshot", "model").labels("ebm");
        snapshots = context.snapshots(plan);
        var audited = SnapshotFollower.builder().setContext(context).optPlan(plan);
        Set<String> parts = new LinkedHashSet<>(List.of(RunTopics.POLICY, RunTopics.VALUE));
        if (model.emaValues() != null) {
            parts.add(RunTopics.EMA);
        }
        for (String part : parts) {
            audited.optLayout(part, training.submit(() -> ModelParts.weights(model, part)).get());
        }
        auditor = audited.setModels(parts).build().start();
        // Publish the current energy (and EMA) so that a late or restarted value-learner or evaluator
        // always finds one (version 0 is the initial energy, identical to the single-process trainer's).
        long version = trainer.iteration();
        Outcome now = training.submit(() -> outcome(version, true, System.nanoTime())).get();
        publish(now).get();
    }

    /**
     * One step's results: the energy after it with the gap its step saw (what the value-learner's policy gate reads)
     * and, when due, its EMA.
     */
    record Outcome(long version, Map<String, float[]> energy, double energyGap, Map<String, float[]> ema,
            long steppedAtNanos) {}

    /** On the training thread: what goes out after {@code version}. */
    private Outcome outcome(long version, boolean withEma, long steppedAtNanos) {
        boolean emaDue = withEma || version == plan.iterations()
                || (plan.evalEvery() > 0 && version % plan.evalEvery() == 0);
        return new Outcome(version, ModelParts.weights(model, RunTopics.EBM), trainer.lastEnergyGap(),
                emaDue && model.emaValues() != null ? ModelParts.weights(model, RunTopics.EMA) : null, steppedAtNanos);
    }

    @Override
    protected CompletableFuture<Void> inputs(TrajectoryMessages.Decoded batch, long iteration) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    protected Outcome step(TrajectoryMessages.Decoded batch, Void unused) {
        int steps = plan.spec().config().samplerSteps();
        long s0 = System.nanoTime();
        long cpu0 = PhaseTimes.threadCpuNanos();
        IterationStats stats;
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray[] x = batch.toArrays(scope);
            DxmiTrainer.EnergyStep e = trainer.energyStep(x[steps], scope);
            stats = trainer.completeIteration(e, null);
        }
        long done = System.nanoTime();
        phases.record("ebm.step", done - s0);
        phases.record("ebm.step_cpu", PhaseTimes.threadCpuNanos() - cpu0);
        Map<String, Double> losses = new LinkedHashMap<>();
        losses.put("energy", stats.energyLoss());
        losses.put("energy_data", stats.energyData());
        losses.put("energy_samples", stats.energySamples());
        record(stats, losses);
        return outcome(trainer.iteration(), false, done);
    }

    @Override
    protected Outcome skip(TrajectoryMessages.Decoded batch, Void unused) {
        IterationStats stats = trainer.completeIteration(
                new DxmiTrainer.EnergyStep(Double.NaN, Double.NaN, Double.NaN, 1), null);
        record(stats, Map.of());
        return outcome(trainer.iteration(), false, System.nanoTime());
    }

    @Override
    protected CompletableFuture<Void> publish(Outcome out) {
        long v = out.version();
        CompletableFuture<Void> energy = snapshots.publishEnergy(RunTopics.EBM, v, out.energy(), out.energyGap())
                .toCompletionStage().toCompletableFuture().thenAccept(ref -> {
                    snapshotBytes.set(ref.size());
                    ebmVersion.set(v);
                    phases.record("ebm.publish", System.nanoTime() - out.steppedAtNanos());
                });
        // The EMA after the energy: the value-learner waits for the energy only.
        return out.ema() == null ? energy : energy.thenCompose(x -> snapshots.publish(RunTopics.EMA, v, v, v - 1,
                out.ema()).toCompletionStage().toCompletableFuture().thenAccept(ref -> {}));
    }

    @Override
    protected void closeResources() {
        if (auditor != null) {
            auditor.close();
        }
    }
}
