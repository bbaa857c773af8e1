package io.dxmi.evaluator.output;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.ModelStore;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.eval.MetricHistory;
import io.dxmi.figures.RunFigures;
import io.dxmi.core.job.RunEvaluation;
import io.dxmi.core.job.RunResult;
import io.dxmi.core.metrics.SlicedWasserstein;
import io.dxmi.core.model.DataInfo;
import io.dxmi.evaluator.EvaluatorVerticle;
import io.dxmi.pipeline.ModelParts;
import io.dxmi.pipeline.RunCatalog;
import io.dxmi.pipeline.RunPlan;
import io.dxmi.pipeline.RunTopics;
import io.dxmi.pipeline.SnapshotFollower;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * Assembles a run's model from its snapshots (policy, energy with its EMA copy, value networks) and writes the
 * run's output directory: the model ({@code model.json} + {@code weights.dxt}, without training state: the
 * learners' checkpoints hold that), {@code samples.csv}, {@code figures/} and {@code result.json}, evaluated
 * with the full protocol and the same seeds as {@code dxmi train}. In the synchronous mode the final model of a
 * run is therefore bit-identical to the single-process trainer's, and so are its figures of merit.
 */
public final class FinalModel {

    private static final Logger LOG = LoggerFactory.getLogger(FinalModel.class);

    /** Samples written to the samples file (as {@code dxmi train}). */
    public static final int SAMPLE_COUNT = 10_000;

    /**
     * The snapshots a model is made of.
     *
     * @param ema the energy's weight average, null when the run has none or none was published yet (the model's
     *     average then starts from the energy's weights)
     * @param value the value networks, null when none was published yet (the model then holds their initial weights)
     */
    public record Parts(SnapshotFollower.Versioned policy, SnapshotFollower.Versioned ebm,
            SnapshotFollower.Versioned ema, SnapshotFollower.Versioned value) {}

    private FinalModel() {}

    /**
     * The run's final snapshots: policy and energy of the plan's last version, and the value networks of the same
     * version (the value-learner publishes them when it finishes; an older one after {@code valueWait}).
     */
    public static Parts awaitFinal(KafkaSettings settings, RunPlan plan, Duration timeout, Duration valueWait)
            throws InterruptedException, ExecutionException, TimeoutException {
        return collect(settings, plan, plan.iterations(), timeout, valueWait);
    }

    /**
     * The newest snapshots of the run now: a follower catches up with the manifests and delivers the newest
     * version of each model (waiting up to {@code timeout} for a policy and an energy to exist).
     */
    public static Parts newest(KafkaSettings settings, RunPlan plan, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        return collect(settings, plan, 0, timeout, Duration.ofSeconds(5));
    }

    private static Parts collect(KafkaSettings settings, RunPlan plan, long minVersion, Duration timeout,
            Duration valueWait) throws InterruptedException, ExecutionException, TimeoutException {
        RunTopics topics = new RunTopics(plan.spec().runId());
        boolean withEma = plan.spec().config().energyEmaDecay() > 0;
        Set<String> models = withEma ? Set.of(RunTopics.POLICY, RunTopics.EBM, RunTopics.EMA, RunTopics.VALUE)
                : Set.of(RunTopics.POLICY, RunTopics.EBM, RunTopics.VALUE);
        try (SnapshotFollower follower = SnapshotFollower.builder()
                .setKafka(settings, topics, Metrics.create("final-model")).setModels(models).optPlan(plan).build()
                .start()) {
            SnapshotFollower.Versioned policy = follower.await(RunTopics.POLICY, minVersion)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            SnapshotFollower.Versioned ebm = follower.await(RunTopics.EBM, minVersion)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            SnapshotFollower.Versioned ema = withEma ? awaitOrNewest(follower, RunTopics.EMA, minVersion, valueWait)
                    : null;
            SnapshotFollower.Versioned value = awaitOrNewest(follower, RunTopics.VALUE, minVersion, valueWait);
            // What arrived meanwhile (a run still going): the newest of each.
            return new Parts(newer(policy, follower.newest(RunTopics.POLICY)),
                    newer(ebm, follower.newest(RunTopics.EBM)),
                    withEma ? newer(ema, follower.newest(RunTopics.EMA)) : null,
                    newer(value, follower.newest(RunTopics.VALUE)));
        }
    }

    /** Version {@code minVersion} or newer of {@code model} within {@code wait}, else the newest there is (or null). */
    public static SnapshotFollower.Versioned awaitOrNewest(SnapshotFollower follower, String model, long minVersion,
            Duration wait) throws InterruptedException, ExecutionException {
        try {
            return follower.await(model, minVersion).get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return follower.newest(model);
        }
    }

    /**
     * The run's history for the figures: every report of the run's own evaluators ({@value EvaluatorVerticle#ROLE}),
     * read from its evaluations topic (a restarted evaluator's reports before the restart included).
     */
    public static MetricHistory history(KafkaSettings settings, String run) {
        try (RunCatalog catalog = new RunCatalog(settings, Duration.ofSeconds(30))) {
            return EvaluatorVerticle.history(catalog.reports(run).stream()
                    .filter(r -> r.getEvaluator().toString().startsWith(EvaluatorVerticle.ROLE + "-")).toList());
        }
    }

    private static SnapshotFollower.Versioned newer(SnapshotFollower.Versioned a, SnapshotFollower.Versioned b) {
        if (a == null) {
            return b;
        }
        return b != null && b.version() > a.version() ? b : a;
    }

    /**
     * Writes the run's output into {@code out}: model, samples (samples.csv, or samples.idx.gz for images), figures (with {@code history}, the run's
     * evaluation reports) and result.json, to which {@code extend} adds what the writer knows (timings, the
     * pipeline's figures). Returns the result written.
     *
     * @param assembledBy who assembles, for result.json ("evaluator host-123", "dxmi export")
     */
    public static RunResult write(RunPlan plan, DataSource data, Parts parts, Path out, MetricHistory history,
            String assembledBy, UnaryOperator<RunResult> extend) throws IOException {
        Files.createDirectories(out);
        long seed = plan.spec().config().seed();
        try (DxmiModel model = plan.spec().newModel()) {
            model.loadPolicyWeights(parts.policy().weights());
            ModelParts.load(model, RunTopics.EBM, parts.ebm().weights());
            // The energy's weight average travels apart, at the evaluation cadence; without one yet it starts from
            // the energy itself.
            ModelParts.load(model, RunTopics.EMA, parts.ema() != null ? parts.ema().weights() : parts.ebm().weights());
            if (parts.value() != null) {
                model.loadValueWeights(parts.value().weights());
            }
            boolean finished = parts.policy().version() >= plan.iterations();
            Map<String, Object> from = new LinkedHashMap<>();
            from.put("run", plan.spec().runId());
            from.put("policyVersion", parts.policy().version());
            from.put("ebmVersion", parts.ebm().version());
            from.put("valueVersion", parts.value() == null ? null : parts.value().version());
            from.put("runFinished", finished);
            from.put("assembledBy", assembledBy);
            ModelStore.saveWeightsOnly(out, model, DataInfo.of(data), from);
            try {
                RunFigures.builder().setData(data).optSeed(seed).build().write(model, history,
                        RunFigures.directoryOf(out), parts.value() == null
                                ? "no value snapshot yet:\nthe value-learner publishes one every evaluation" : null);
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not write the figures into {}: {}", RunFigures.directoryOf(out), e.toString());
            }
            long e0 = System.nanoTime();
            // The protocol of the single-process trainer for the data's kind: SW and AUC for vectors, FD, precision
            // and recall on the classifier's features for images (same sizes and seeds as `dxmi train`).
            RunEvaluation.Settings settings = new RunEvaluation.Settings(SlicedWasserstein.DEFAULT_SAMPLES,
                    SlicedWasserstein.DEFAULT_REPEATS, SlicedWasserstein.DEFAULT_DIRECTIONS, SAMPLE_COUNT,
                    SAMPLE_COUNT, null, seed);
            RunResult result;
            try (RunEvaluation evaluation = RunEvaluation.forData(data, settings, ProgressListener.NONE)) {
                result = RunResult.of(evaluation.complete(model, out), model, data);
            }
            double evalSeconds = (System.nanoTime() - e0) / 1e9;
            result = result.withSource(new RunResult.Source(plan.spec().runId(), parts.policy().version(),
                    parts.ebm().version(), parts.value() == null ? null : parts.value().version(), finished,
                    assembledBy))
                    .withTiming(new RunResult.Timing(parts.policy().version(), null, null, null, null, evalSeconds,
                            null, null, null, null))
                    .withPipeline(new RunResult.Pipeline(plan.mode(), null, plan.maxStaleness(), null, null, null,
                            null, null, null, parts.ebm().version()));
            return extend.apply(result).write(out);
        }
    }
}
