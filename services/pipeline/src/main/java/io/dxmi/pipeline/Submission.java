package io.dxmi.pipeline;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.RunSpec;
import io.dxmi.core.dxmi.ValueSharing;
import io.dxmi.core.model.DataInfo;
import io.dxmi.core.random.Rng;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Starts a distributed run: creates its topics (sized from the plan), publishes its plan and the
 * initial policy (version 0: the pretrained sampler with the initial σ) so that learners and
 * actors can begin.
 */
public final class Submission {

    private static final Logger LOG = LoggerFactory.getLogger(Submission.class);

    private Submission() {}

    /** The plan for a run; the pipeline always uses separate energy and value networks. */
    public static RunPlan plan(String run, DxmiConfig config, DdpmModel pretrained, DataSource data,
            String dataSource, String mode, int maxStaleness, int checkpointEvery, int evalEvery) {
        DxmiConfig separate = config.toBuilder().optValueSharing(ValueSharing.SEPARATE).build();
        RunSpec spec = new RunSpec(run, separate, pretrained.config(), DataInfo.of(data), dataSource,
                pretrained.normalization().shift(), pretrained.normalization().scale());
        // Lockstep is what makes the synchronous mode Algorithm 1.
        int staleness = "sync".equals(mode) ? 0 : maxStaleness;
        return new RunPlan(spec, mode, staleness, checkpointEvery, evalEvery);
    }

    /**
     * Creates the run's topics, then publishes the plan and policy version 0 (blocking).
     *
     * @return the most disk the run's topics take per replica, in bytes
     */
    public static long submit(PipelineContext context, RunPlan plan, DdpmModel pretrained)
            throws InterruptedException, ExecutionException {
        Map<String, float[]> policy;
        Map<String, Long> sizes = new LinkedHashMap<>();
        try (DxmiModel model = DxmiModel.fromPretrained(plan.spec().config(), pretrained,
                new Rng(plan.spec().config().seed()))) {
            policy = model.policyWeights();
            for (String part : RunTopics.MODELS) {
                sizes.put(part, WeightBlobs.encodedSize(layout(ModelParts.weights(model, part))));
            }
        }
        long disk = context.createTopics(plan, batchBytes(plan), sizes);
        LOG.info("run '{}': trajectory batches of {} bytes, snapshots of {} bytes; its topics take at most {} MiB"
                + " of disk per replica", plan.spec().runId(), batchBytes(plan), sizes,
                (disk + (1 << 20) - 1) >> 20);
        context.publishPlan(plan).toCompletionStage().toCompletableFuture().get();
        context.snapshots(plan).publish(RunTopics.POLICY, 0, 0, -1, policy, 0).toCompletionStage()
                .toCompletableFuture().get();
        return disk;
    }

    private static Map<String, Integer> layout(Map<String, float[]> weights) {
        Map<String, Integer> layout = new LinkedHashMap<>();
        weights.forEach((k, v) -> layout.put(k, v.length));
        return layout;
    }

    /** The initial policy's weights, exactly as the single-process trainer starts. */
    static Map<String, float[]> initialPolicy(RunPlan plan, DdpmModel pretrained) {
        DxmiConfig config = plan.spec().config();
        try (DxmiModel model = config.residualSigmas()
                ? DxmiModel.fromPretrained(config, pretrained, new Rng(config.seed()),
                        PipelineContext.openData(plan)::sample)
                : DxmiModel.fromPretrained(config, pretrained, new Rng(config.seed()))) {
            return model.policyWeights();
        }
    }

    /** The size of one trajectory batch's record: its T+1 states of B samples, and some framing. */
    static long batchBytes(RunPlan plan) {
        var c = plan.spec().config();
        return 4L * (c.samplerSteps() + 1) * c.batchSize() * plan.spec().data().sampleShape().size() + 256;
    }
}
