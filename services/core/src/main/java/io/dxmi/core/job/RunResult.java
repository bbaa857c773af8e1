package io.dxmi.core.job;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.data.CsvDataset;
import io.dxmi.core.data.DataSource;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.eval.Evaluator;
import io.dxmi.core.metrics.MeanStd;
import io.dxmi.core.metrics.SlicedWasserstein;
import io.dxmi.core.model.DataInfo;
import io.dxmi.core.model.ModelDirectory;
import io.dxmi.core.random.Rng;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result of a training run, {@code result.json}: one record for every command that ends a run (the
 * single-process {@code dxmi train}, the embedded {@code dxmi run}, a distributed run's final model written by
 * its evaluator, and {@code dxmi export}). It is written by Jackson as one flat JSON object in snake_case;
 * the parts that do not apply to a command are left out.
 *
 * <p>{@link #evaluate} makes the common part (quality and method) and writes {@code samples.csv}; the command
 * adds what it knows with the {@code with*} methods and {@link #write}s it.
 *
 * @param quality the final evaluation (full protocol)
 * @param method what was trained: sampler steps, temperatures, seed, σ_t, data, configuration
 * @param timing iterations and seconds (null: not measured by this writer)
 * @param target train on 8 Gaussians, T = 5: when the paper's figures were first reached (null: not checked)
 * @param pipeline the distributed pipeline's figures (null: not a pipeline run, or not known to this writer)
 * @param source where the weights came from when assembled from a run's snapshots (null: a trainer's own state)
 * @param trainer who trained, in words
 * @param notes free-form facts (pretrained model, resumed iteration)
 * @param peakRssMib the writing process's peak resident memory, MiB
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RunResult(@JsonUnwrapped Quality quality, @JsonUnwrapped Method method, @JsonUnwrapped Timing timing,
        @JsonUnwrapped Target target, @JsonUnwrapped Pipeline pipeline, @JsonUnwrapped Source source, String trainer,
        Map<String, Object> notes, Double peakRssMib) {

    /**
     * The final evaluation: SW and energy AUC for vectors; Fréchet distance, precision and recall on
     * the features of the project's classifier, and sampling speed, for images.
     *
     * @param aucEnergy which energy {@code auc} scored (the EMA copy or the last iterate)
     * @param aucRaw AUC of the last iterate's energy
     * @param aucBox the box the AUC's uniform negatives are drawn from
     * @param fdNoiseStd how much FD varies between two halves of the test set at this sample count
     * @param imagesPerSecond images the final sampler generates per second
     * @param classShareGap total variation between the samples' and the test images' class shares (the
     *     classifier's labels); 0 for the same mix of classes
     * @param classShares the samples' share of each class
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Quality(Double swMean, Double swStd, Double auc, Double aucRaw, String aucEnergy,
            String swConvention, String evaluation, String aucBox, Double fd, Double precision, Double recall,
            Integer prK, Integer fdSamples, Integer fdReferenceSamples, Double fdNoiseStd,
            Double classifierAccuracy, String classifierWeightsSha256, Double imagesPerSecond, Double classShareGap,
            List<Double> classShares) {

        /** The vector evaluation. */
        public Quality(double swMean, double swStd, double auc, double aucRaw, String aucEnergy, String swConvention,
                String evaluation, String aucBox) {
            this(swMean, swStd, auc, aucRaw, aucEnergy, swConvention, evaluation, aucBox, null, null, null, null, null,
                    null, null, null, null, null, null, null);
        }

        @JsonIgnore
        public MeanStd sw() {
            return new MeanStd(swMean, swStd);
        }

        /** True for the image evaluation (FD), false for the vector one (SW, AUC). */
        @JsonIgnore
        public boolean isImage() {
            return fd != null;
        }
    }

    /** What was trained. {@code tau} is present when τ₁ = τ₂. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Method(int steps, Float tau, float tauEntropy, float tauVelocity, long seed, float[] sigmas,
            DataInfo data, DxmiConfig config, PretrainConfig pretrainConfig, String engine) {}

    /**
     * Iterations and seconds; null fields were not measured by the writer. A resumed job's {@code trainSeconds}
     * counts the training time of all its iterations (where its checkpoint recorded the earlier part), its
     * {@code iterationsPerSecond} this run's iterations alone.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Timing(long iterations, Long iterationsThisRun, Double wallSeconds, Double pretrainSeconds,
            Double trainSeconds, Double evalSeconds, Double figureSeconds, Double iterationsPerSecond,
            Long skippedUpdates, Long recoveries) {}

    /** When the paper's figures were first reached at a periodic evaluation; null seconds: never. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Target(@JsonInclude(JsonInclude.Include.ALWAYS) Double secondsToTarget, String target) {}

    /**
     * The pipeline's own figures.
     *
     * @param timeBreakdownMs mean wall and CPU milliseconds per phase of each service
     * @param ebmVersionUsed the energy version of the final model
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Pipeline(String mode, Integer actors, Integer maxStaleness, Long batchesRolledOut,
            Long ebmIterations, Map<String, Double> timeBreakdownMs, Long stalenessMax, Double stalenessMean,
            Long pacingViolations, Long ebmVersionUsed) {}

    /**
     * The snapshots a model was assembled from.
     *
     * @param run the run's name
     * @param runFinished whether the policy is the plan's last version (false: a run still going, or stopped)
     * @param assembledBy the process that assembled it ("evaluator ID", "dxmi export")
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Source(String run, long policyVersion, long ebmVersion, Long valueVersion, boolean runFinished,
            String assembledBy) {}

    /**
     * Evaluates {@code model} with the full protocol, writes {@code samples.csv} ({@code sampleCount} rows) into
     * {@code output}, and returns the result's common part.
     */
    public static RunResult evaluate(DxmiModel model, DataSource data, Evaluator evaluator, int sampleCount,
            Path output) throws IOException {
        DxmiConfig config = model.config();
        MeanStd sw = evaluator.slicedWasserstein(model::sample);
        double auc = evaluator.energyAuc(model::energy);
        double aucRaw = evaluator.energyAuc(x -> model.energy(x, model.values()));
        float[] samples = model.sample(sampleCount, new Rng(config.seed() + 77));
        CsvDataset.write(output.resolve(TrainJob.SAMPLES), samples, data.dimension(),
                DataPreparation.columnNames(data.dimension()));
        Quality quality = new Quality(sw.mean(), sw.std(), auc, aucRaw, model.emaValues() != null
                ? "EMA of the energy weights (decay " + config.energyEmaDecay() + "); auc_raw is the last iterate"
                : "the last iterate", SlicedWasserstein.CONVENTION, evaluator.describe(),
                data.evaluationBoxDescription());
        return of(quality, model, data);
    }

    /** A result of {@code quality} for {@code model} trained on {@code data} (the method's part filled in). */
    public static RunResult of(Quality quality, DxmiModel model, DataSource data) {
        DxmiConfig config = model.config();
        Method method = new Method(config.samplerSteps(),
                config.tauEntropy() == config.tauVelocity() ? config.tauEntropy() : null, config.tauEntropy(),
                config.tauVelocity(), config.seed(), model.sampler().sigmas(), DataInfo.of(data), config,
                model.samplerConfig(), DjlRuntime.engineVersion());
        return new RunResult(quality, method, null, null, null, null, null, null, null);
    }

    public RunResult withTiming(Timing t) {
        return new RunResult(quality, method, t, target, pipeline, source, trainer, notes, peakRssMib);
    }

    public RunResult withTarget(Target t) {
        return new RunResult(quality, method, timing, t, pipeline, source, trainer, notes, peakRssMib);
    }

    public RunResult withPipeline(Pipeline p) {
        return new RunResult(quality, method, timing, target, p, source, trainer, notes, peakRssMib);
    }

    public RunResult withSource(Source s) {
        return new RunResult(quality, method, timing, target, pipeline, s, trainer, notes, peakRssMib);
    }

    public RunResult withTrainer(String t) {
        return new RunResult(quality, method, timing, target, pipeline, source, t, notes, peakRssMib);
    }

    public RunResult withNotes(Map<String, Object> n) {
        return new RunResult(quality, method, timing, target, pipeline, source, trainer, Map.copyOf(n), peakRssMib);
    }

    /** Adds the process's peak memory and writes {@code output/result.json}; returns what was written. */
    public RunResult write(Path output) throws IOException {
        RunResult r = new RunResult(quality, method, timing, target, pipeline, source, trainer, notes,
                ResourceUsage.peakResidentMiB());
        ModelDirectory.writeJson(output.resolve(TrainJob.RESULT), r.toJson());
        return r;
    }

    /** The result as a JSON tree (what result.json holds). */
    public ObjectNode toJson() {
        return ModelDirectory.json().valueToTree(this);
    }

    /** One line for the terminal: SW and AUC (vectors) or FD, precision and recall (images), iterations and speed. */
    public String headline() {
        StringBuilder b = new StringBuilder(quality.isImage()
                ? String.format(Locale.ROOT, "FD %.3f  precision %.3f  recall %.3f  %.0f images/s", quality.fd(),
                        quality.precision(), quality.recall(), quality.imagesPerSecond())
                : String.format(Locale.ROOT, "SW %.4f ± %.4f  AUC %.4f (raw %.4f)", quality.swMean(), quality.swStd(),
                        quality.auc(), quality.aucRaw()));
        if (timing != null) {
            b.append(String.format(Locale.ROOT, "  %d iterations", timing.iterations()));
            if (timing.iterationsPerSecond() != null) {
                b.append(String.format(Locale.ROOT, " at %.1f it/s", timing.iterationsPerSecond()));
            }
            if (pipeline != null && pipeline.mode() != null) {
                b.append(" (").append(pipeline.mode()).append(')');
            }
            if (timing.wallSeconds() != null) {
                b.append(String.format(Locale.ROOT, ", %.1f s in all", timing.wallSeconds()));
            }
        }
        if (source != null && !source.runFinished()) {
            b.append(String.format(Locale.ROOT, "  (policy v%d, energy v%d: the run is not finished)",
                    source.policyVersion(), source.ebmVersion()));
        }
        return b.toString();
    }
}
