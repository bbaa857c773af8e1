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
public final class EbmLearnerVerticle extends TrajectoryLearner {

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

    @Override
    protected CompletableFuture<IterationStats> learn(TrajectoryMessages.Decoded batch) {
        int steps = plan.spec().config().samplerSteps();
        long t0 = System.nanoTime();
        long[] mark = new long[1];
        return training.submit(() -> {
            phases.record("ebm.queue", System.nanoTime() - t0);
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
            Object[] result = {stats, model.energyWeights(), energies};
            mark[0] = System.nanoTime();
            phases.record("ebm.step", mark[0] - s0);
            phases.record("ebm.step_cpu", PhaseTimes.threadCpuNanos() - cpu0);
            return result;
        }).thenCompose(out -> {
            IterationStats stats = (IterationStats) out[0];
            @SuppressWarnings("unchecked")
            Map<String, float[]> weights = (Map<String, float[]>) out[1];
            float[] energies = (float[]) out[2];
            long version = trainer.iteration();
            Map<String, Double> losses = new LinkedHashMap<>();
            losses.put("energy", stats.energyLoss());
            losses.put("energy_data", stats.energyData());
            losses.put("energy_samples", stats.energySamples());
            record(stats, losses);
            RewardBatch reward = RewardBatch.newBuilder().setRunId(options.run())
                    .setBatchId(batch.message().getBatchId()).setEbmVersion(version)
                    .setEnergies(Tensors.pack(energies)).setCreatedAtMillis(System.currentTimeMillis()).build();
            CompletableFuture<IterationStats> published = snapshots.publish(RunTopics.EBM, version, version,
                    version - 1, weights).compose(manifest -> {
                        snapshotBytes.set(manifest.size());
                        ebmVersion.set(version);
                        return context.producer().send(context.topics().rewards(), batch.message().getBatchId(),
                                Codecs.encode(reward));
                    }).toCompletionStage().toCompletableFuture().thenApply(r -> {
                        phases.record("ebm.publish", System.nanoTime() - mark[0]);
                        return stats;
                    });
            // Asynchronous: step on the next batch while this snapshot and its rewards are sent.
            return plan.sync() ? published : CompletableFuture.completedFuture(stats);
        });
    }
}
