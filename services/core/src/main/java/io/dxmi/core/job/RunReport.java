package io.dxmi.core.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.data.CsvDataset;
import io.dxmi.core.data.DataSource;
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

/**
 * The final part of every training run, whoever trained (the single-process trainer or the
 * distributed pipeline): evaluate with the full protocol, write {@code samples.csv}, and start
 * {@code result.json} with the quality figures and the configuration. The caller adds its
 * timings and writes the file.
 */
public final class RunReport {

    private static final ObjectMapper JSON = ModelDirectory.json();

    private RunReport() {}

    /** Quality figures of a final evaluation. */
    public record Quality(MeanStd sw, double auc, double aucRaw) {}

    /**
     * Evaluates {@code model}, writes {@code samples.csv} into {@code output} and returns the
     * result's common fields, with the quality figures in {@code quality[0]}.
     */
    public static ObjectNode evaluate(DxmiModel model, DataSource data, Evaluator evaluator, int sampleCount,
            Path output, Quality[] quality) throws IOException {
        DxmiConfig config = model.config();
        MeanStd sw = evaluator.slicedWasserstein(model::sample);
        double auc = evaluator.energyAuc(model::energy);
        double aucRaw = evaluator.energyAuc(x -> model.energy(x, model.values()));
        float[] samples = model.sample(sampleCount, new Rng(config.seed() + 77));
        CsvDataset.write(output.resolve(TrainJob.SAMPLES), samples, data.dimension(),
                DataPreparation.columnNames(data.dimension()));
        quality[0] = new Quality(sw, auc, aucRaw);

        ObjectNode r = JSON.createObjectNode();
        r.put("sw_mean", sw.mean());
        r.put("sw_std", sw.std());
        r.put("auc", auc);
        r.put("auc_raw", aucRaw);
        r.put("auc_energy", model.emaValues() != null
                ? "EMA of the energy weights (decay " + config.energyEmaDecay() + "); auc_raw is the last iterate"
                : "the last iterate");
        r.put("steps", config.samplerSteps());
        r.put("tau", config.tauEntropy() == config.tauVelocity() ? config.tauEntropy() : Double.NaN);
        r.put("tau_entropy", config.tauEntropy());
        r.put("tau_velocity", config.tauVelocity());
        r.put("seed", config.seed());
        r.set("sigmas", JSON.valueToTree(model.sampler().sigmas()));
        r.put("sw_convention", SlicedWasserstein.CONVENTION);
        r.put("evaluation", evaluator.describe());
        r.put("auc_box", data.evaluationBoxDescription());
        r.set("data", JSON.valueToTree(DataInfo.of(data)));
        r.set("config", JSON.valueToTree(config));
        r.set("pretrain_config", JSON.valueToTree(model.samplerConfig()));
        r.put("engine", DjlRuntime.engineVersion());
        return r;
    }

    /** Adds the process's peak memory and writes {@code result.json}. */
    public static void write(Path output, ObjectNode result) throws IOException {
        result.put("peak_rss_mib", ResourceUsage.peakResidentMiB());
        ModelDirectory.writeJson(output.resolve(TrainJob.RESULT), result);
    }
}
