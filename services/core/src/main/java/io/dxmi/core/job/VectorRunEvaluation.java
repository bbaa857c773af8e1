package io.dxmi.core.job;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.eval.Evaluator;
import io.dxmi.core.eval.MetricHistory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Vectors: sliced Wasserstein distance and energy AUC (the method page's protocol), samples as CSV. */
final class VectorRunEvaluation implements RunEvaluation {

    private final DataSource data;
    private final Evaluator finalEvaluator;
    private final Evaluator periodicEvaluator;
    private final int outputSamples;

    VectorRunEvaluation(DataSource data, Settings s) {
        this.data = data;
        this.outputSamples = s.outputSamples();
        this.finalEvaluator = Evaluator.builder().setData(data).optSamples(s.samples()).optRepeats(s.repeats())
                .optDirections(s.directions()).optSeed(s.seed() + 1000).build();
        // The periodic checks are a progress signal: a lighter AUC (10,000 a side) keeps them cheap.
        this.periodicEvaluator = Evaluator.builder().setData(data).optSamples(Math.min(5000, s.samples()))
                .optAucSamples(10_000).optRepeats(1).optDirections(Math.min(500, s.directions())).optSeed(s.seed() + 2000).build();
    }

    @Override
    public Map<String, Double> periodic(DxmiModel model) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(MetricHistory.SW, periodicEvaluator.slicedWasserstein(model::sample).mean());
        m.put(MetricHistory.AUC, periodicEvaluator.energyAuc(model::energy));
        return m;
    }

    @Override
    public RunResult.Quality complete(DxmiModel model, Path output) throws IOException {
        return RunResult.evaluate(model, data, finalEvaluator, outputSamples, output).quality();
    }

    @Override
    public String samplesFile() {
        return TrainJob.SAMPLES;
    }
}
