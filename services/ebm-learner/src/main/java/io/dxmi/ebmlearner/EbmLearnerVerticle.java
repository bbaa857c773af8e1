package io.dxmi.ebmlearner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.dxmi.core.dxmi.DxmiTrainer;
import io.dxmi.core.dxmi.IterationStats;
import io.dxmi.pipeline.LearnerCheckpoints;
import io.dxmi.pipeline.PhaseTimes;
import io.dxmi.pipeline.RunTopics;
import io.dxmi.pipeline.ServiceOptions;
import io.dxmi.pipeline.SnapshotFollower;
import io.dxmi.pipeline.Snapshots;
import io.dxmi.pipeline.TrajectoryLearner;
import io.dxmi.pipeline.TrajectoryMessages;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The energy's learner: one step per batch, then the EBM snapshot. It also reports the bad
 * records of the policy and value topics (it reads every version, verifies it, and dead-letters
 * what it refuses), so that each is dead-lettered once whatever the number of their followers.
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
        auditor = SnapshotFollower.builder().setContext(context).setModels(Set.of(RunTopics.POLICY, RunTopics.VALUE))
                .optPlan(plan).optLayout(RunTopics.POLICY, training.submit(model::policyWeights).get())
                .optLayout(RunTopics.VALUE, training.submit(model::valueWeights).get()).build().start();
        // Publish the current energy so that a late or restarted value-learner always finds one
        // (version 0 is the initial energy, identical to the single-process trainer's).
        long version = trainer.iteration();
        Map<String, float[]> weights = training.submit(model::energyWeights).get();
        snapshots.publish(RunTopics.EBM, version, version, version - 1, weights).toCompletionStage()
                .toCompletableFuture().get();
        ebmVersion.set(version);
    }

    /** One step's results: the energy after it. */
    record Outcome(long version, Map<String, float[]> weights, long steppedAtNanos) {}

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
        return new Outcome(trainer.iteration(), model.energyWeights(), done);
    }

    @Override
    protected Outcome skip(TrajectoryMessages.Decoded batch, Void unused) {
        IterationStats stats = trainer.completeIteration(
                new DxmiTrainer.EnergyStep(Double.NaN, Double.NaN, Double.NaN, 1), null);
        record(stats, Map.of());
        return new Outcome(trainer.iteration(), model.energyWeights(), System.nanoTime());
    }

    @Override
    protected CompletableFuture<Void> publish(Outcome out) {
        return snapshots.publish(RunTopics.EBM, out.version(), out.version(), out.version() - 1, out.weights())
                .toCompletionStage().toCompletableFuture().thenAccept(ref -> {
                    snapshotBytes.set(ref.size());
                    ebmVersion.set(out.version());
                    phases.record("ebm.publish", System.nanoTime() - out.steppedAtNanos());
                });
    }

    @Override
    protected void closeResources() {
        if (auditor != null) {
            auditor.close();
        }
    }
}
