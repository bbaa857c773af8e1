package io.dxmi.pipeline;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.RunSpec;
import io.dxmi.core.dxmi.ValueSharing;
import io.dxmi.core.model.DataInfo;
import io.dxmi.core.random.Rng;

import java.util.concurrent.ExecutionException;

/**
 * Starts a distributed run: publishes its plan and the initial policy (version 0: the
 * pretrained sampler with the initial σ) so that learners and actors can begin.
 */
public final class Submission {

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

    /** Publishes the plan and policy version 0 (blocking). */
    public static void submit(PipelineContext context, RunPlan plan, DdpmModel pretrained)
            throws InterruptedException, ExecutionException {
        var weights = initialPolicy(plan, pretrained);
        context.publishPlan(plan).toCompletionStage().toCompletableFuture().get();
        context.snapshots(plan).publish(RunTopics.POLICY, 0, 0, -1, weights).toCompletionStage()
                .toCompletableFuture().get();
    }

    /** The initial policy's weights, exactly as the single-process trainer starts. */
    static java.util.Map<String, float[]> initialPolicy(RunPlan plan, DdpmModel pretrained) {
        DxmiConfig config = plan.spec().config();
        try (DxmiModel model = config.residualSigmas()
                ? DxmiModel.fromPretrained(config, pretrained, new Rng(config.seed()),
                        PipelineContext.openData(plan)::sample)
                : DxmiModel.fromPretrained(config, pretrained, new Rng(config.seed()))) {
            return model.policyWeights();
        }
    }
}
