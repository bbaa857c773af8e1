package io.dxmi.pipeline;

import io.dxmi.core.dxmi.DxmiModel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parts of a model that travel as snapshots, by snapshot name: the policy (sampler network
 * and σ), the energy alone ({@link RunTopics#EBM}: what the value-learner learns against, every
 * iteration), its evaluation EMA ({@link RunTopics#EMA}: what evaluators score with, at the
 * evaluation cadence) and the value network.
 */
public final class ModelParts {

    private ModelParts() {}

    /** The weights of part {@code name} of {@code model}; an empty map for the EMA when it is off. */
    public static LinkedHashMap<String, float[]> weights(DxmiModel model, String name) {
        return switch (name) {
            case RunTopics.POLICY -> model.policyWeights();
            case RunTopics.EBM -> model.values().energyParameters().toFloatArrays();
            case RunTopics.EMA -> model.emaValues() == null ? new LinkedHashMap<>()
                    : model.emaValues().energyParameters().toFloatArrays();
            case RunTopics.VALUE -> model.valueWeights();
            default -> throw new IllegalArgumentException("no model part '" + name + "'");
        };
    }

    /** Loads part {@code name} of {@code model} (the EMA only when the model has one). */
    public static void load(DxmiModel model, String name, Map<String, float[]> weights) {
        switch (name) {
            case RunTopics.POLICY -> model.loadPolicyWeights(weights);
            case RunTopics.EBM -> model.values().energyParameters().load(weights);
            case RunTopics.EMA -> {
                if (model.emaValues() != null) {
                    model.emaValues().energyParameters().load(weights);
                }
            }
            case RunTopics.VALUE -> model.loadValueWeights(weights);
            default -> throw new IllegalArgumentException("no model part '" + name + "'");
        }
    }
}
