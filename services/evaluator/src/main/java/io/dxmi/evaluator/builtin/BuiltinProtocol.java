package io.dxmi.evaluator.builtin;

import io.dxmi.core.eval.Evaluator;
import io.dxmi.evaluator.api.EvaluationContext;

/** The core's evaluation protocol as the built-in plug-ins run it (light: one sampling). */
final class BuiltinProtocol {

    private BuiltinProtocol() {}

    static Evaluator evaluator(EvaluationContext context) {
        return Evaluator.builder().setData(context.data()).optSamples(context.samples()).optRepeats(1)
                .optDirections(SlicedWassersteinMetric.DIRECTIONS).optSeed(context.seed()).build();
    }
}
