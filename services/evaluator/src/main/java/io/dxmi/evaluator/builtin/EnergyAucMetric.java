package io.dxmi.evaluator.builtin;

import io.dxmi.evaluator.api.EvaluationContext;
import io.dxmi.evaluator.api.EvaluationMetric;

import java.util.Map;

/** {@code auc}: how well −E separates data rows from uniform rows of the data's evaluation box (vector runs only). */
public final class EnergyAucMetric implements EvaluationMetric {

    public static final String ID = "auc";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "energy AUC: data rows against uniform rows in the evaluation box";
    }

    @Override
    public Map<String, Double> evaluate(EvaluationContext context) {
        if (!context.hasEnergy() || context.data().shape().isImage()) { // no meaningful box of images
            return Map.of();
        }
        return Map.of(ID, BuiltinProtocol.evaluator(context).energyAuc(context.energy()));
    }
}
