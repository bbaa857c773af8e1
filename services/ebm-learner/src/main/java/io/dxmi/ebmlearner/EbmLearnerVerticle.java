package io.dxmi.ebmlearner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.dxmi.core.dxmi.DxmiTrainer;
import io.dxmi.core.dxmi.IterationStats;
import io.dxmi.pipeline.PhaseTimes;
import io.dxmi.pipeline.RunTopics;
import io.dxmi.pipeline.ServiceOptions;
import io.dxmi.pipeline.Snapshots;
import io.dxmi.pipeline.TrajectoryLearner;
import io.dxmi.pipeline.TrajectoryMessages;
import io.dxmi.schemas.RewardBatch;
import io.dxmi.schemas.codec.Codecs;
import io.dxmi.schemas.codec.Tensors;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The energy's learner: one step per batch, then the EBM snapshot and the batch's rewards. */
public final class EbmLearnerVerticle extends TrajectoryLearner<Void, EbmLearnerVerticle.Outcome> {

    public static final String ROLE = "ebm-learner";

    private Snapshots snapshots;
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
    protected void initialise(boolean restored) throws Exception {
        var m = options.metrics();
        ebmVersion = m.gauge("dxmi_ebm_version", "Newest EBM version published");
        snapshotBytes = m.gaugeFamily("dxmi_snapshot_bytes", "Size of the newest snapshot", "model").labels("ebm");
        snapshots = context.snapshots(plan);
        // Publish the current energy so that a late or restarted value-learner always finds one
        // (version 0 is the initial energy, identical to the single-process trainer's).
        long version = trainer.iteration();
        Map<String, float[]> weights = training.submit(model::energyWeights).get();
        snapshots.publish(RunTopics.EBM, version, version, version - 1, weights).toCompletionStage()
                .toCompletableFuture().get();
        ebmVersion.set(version);
    }

    /** One step's results: the energy after it, and the batch's rewards under that energy. */
    record Outcome(long version, Map<String, float[]> weights, RewardBatch reward, long steppedAtNanos) {}

    @Override
    protected CompletableFuture<Void> inputs(TrajectoryMessages.Decoded batch) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    protected Outcome step(TrajectoryMessages.Decoded batch, Void unused) {
        int steps = plan.spec().config().samplerSteps();
        long s0 = System.nanoTime();
        long cpu0 = PhaseTimes.threadCpuNanos();
        IterationStats stats;
        float[] energies;
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray[] x = batch.toArrays(scope);
            DxmiTrainer.EnergyStep e = trainer.energyStep(x[steps], scope);
            stats = trainer.completeIteration(e, null);
            energies = model.values().energy(x[steps]).toFloatArray();
        }
        Map<String, float[]> weights = model.energyWeights();
        long done = System.nanoTime();
        phases.record("ebm.step", done - s0);
        phases.record("ebm.step_cpu", PhaseTimes.threadCpuNanos() - cpu0);
        Map<String, Double> losses = new LinkedHashMap<>();
        losses.put("energy", stats.energyLoss());
        losses.put("energy_data", stats.energyData());
        losses.put("energy_samples", stats.energySamples());
        record(stats, losses);
        long version = trainer.iteration();
        RewardBatch reward = RewardBatch.newBuilder().setRunId(options.run())
                .setBatchId(batch.message().getBatchId()).setEbmVersion(version)
                .setEnergies(Tensors.pack(energies)).setCreatedAtMillis(System.currentTimeMillis()).build();
        return new Outcome(version, weights, reward, done);
    }

    @Override
    protected CompletableFuture<Void> publish(Outcome out) {
        return snapshots.publish(RunTopics.EBM, out.version(), out.version(), out.version() - 1, out.weights())
                .compose(manifest -> {
                    snapshotBytes.set(manifest.size());
                    ebmVersion.set(out.version());
                    return context.producer().send(context.topics().rewards(),
                            out.reward().getBatchId().toString(), Codecs.encode(out.reward()));
                }).toCompletionStage().toCompletableFuture().thenAccept(r -> phases.record("ebm.publish",
                        System.nanoTime() - out.steppedAtNanos()));
    }
}
