package io.dxmi.evaluator.builtin;

import io.dxmi.evaluator.api.EvaluationContext;
import io.dxmi.evaluator.api.EvaluationMetric;

import java.util.Map;

/**
 * {@code sw}: the sliced Wasserstein distance between generated and data rows, with the
 * evaluator's light protocol (one sampling, {@value #DIRECTIONS} directions) so that it keeps up
 * with training; the run's final figures use the full protocol. Vector runs only.
 */
public final class SlicedWassersteinMetric implements EvaluationMetric {

    public static final String ID = "sw";
    static final int DIRECTIONS = 500;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "sliced Wasserstein distance to the data (light protocol: 1 sampling, " + DIRECTIONS + " directions)";
    }

    @Override
    public Map<String, Double> evaluate(EvaluationContext context) {
        if (context.data().shape().isImage()) {
            return Map.of(); // on pixels it says little: images are measured by the fd plug-in
        }
        return Map.of(ID, BuiltinProtocol.evaluator(context).slicedWasserstein(context.sampler()).mean());
    }
}
