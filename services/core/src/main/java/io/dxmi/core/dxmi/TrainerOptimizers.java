package io.dxmi.core.dxmi;

import io.dxmi.core.engine.Adam;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The DxMI trainer's optimizers, one per role: the sampler network, its σ (absent when no σ is
 * learnable), its σ network (when it has one), the value and the energy (the same optimizer as the value when the network is
 * shared). Also the policy's learning-rate schedule, and their state for exact checkpoints.
 */
final class TrainerOptimizers {

    private final DxmiConfig config;
    private final Adam sampler;
    private final Adam sigma;
    private final Adam value;
    private final Adam energy;
    private final Adam sigmaNetwork;

    TrainerOptimizers(DxmiModel model, DxmiConfig config) {
        this.config = config;
        FewStepSampler s = model.sampler();
        this.sampler = Adam.builder().setParameters(s.networkParameters())
                .setLearningRate(config.samplerLearningRate()).optClipNorm(config.samplerClipNorm())
                .optEpsilon(config.samplerEpsilonOrDefault()).build();
        this.sigma = s.sigmaParameters().arrays().isEmpty() ? null
                : Adam.builder().setParameters(s.sigmaParameters()).setLearningRate(config.sigmaLearningRate()).build();
        this.sigmaNetwork = s.sigmaNetwork() == null ? null : Adam.builder()
                .setParameters(s.sigmaNetwork().parameters()).setLearningRate(config.sigmaLearningRate()).build();
        ValueModel v = model.values();
        this.value = Adam.builder().setParameters(v.valueParameters())
                .setLearningRate(config.valueLearningRate()).optClipNorm(config.valueClipNorm()).build();
        this.energy = v.sharing() == ValueSharing.SHARED ? value
                : Adam.builder().setParameters(v.energyParameters()).setLearningRate(config.energyLearningRate())
                        .optClipNorm(config.energyClipNorm()).build();
    }

    Adam sampler() {
        return sampler;
    }

    /** The σ optimizer, or null when the sampler has no learnable σ. */
    Adam sigma() {
        return sigma;
    }

    /** The σ network's optimizer (at the σ's rate and schedule), or null without one. */
    Adam sigmaNetwork() {
        return sigmaNetwork;
    }

    Adam value() {
        return value;
    }

    Adam energy() {
        return energy;
    }

    /**
     * Sets the policy's rates (sampler network and σ) for the iteration about to run: 0 while the
     * policy is held ({@link DxmiConfig#policyHeldAt}); a no-op for constant rates. The energy and
     * value keep their rates: the README's sweep found that decaying the policy settles the samples
     * (SW) while a still-learning energy, averaged by its EMA, ranks better (AUC).
     */
    void scheduleLearningRates(long iteration) {
        if (!(config.cosineDecay() && config.iterations() > 0) && config.boxNegativeStart() == 0
                && config.policyWarmup() == 0) {
            return;
        }
        // Set every time: a trainer that restores an older state may move back before the held phase.
        double f = policyRateFactor(config, iteration);
        sampler.setLearningRate((float) (config.samplerLearningRate() * f));
        if (sigma != null) {
            sigma.setLearningRate((float) (config.sigmaLearningRate() * f));
        }
        if (sigmaNetwork != null) {
            sigmaNetwork.setLearningRate((float) (config.sigmaLearningRate() * f));
        }
    }

    /**
     * The factor of the policy's rates at {@code iteration}: 0 while held; else the half cosine
     * (when decaying) from the end of the warm-up, if any, to the held phase, if any, so that the sampler ends
     * settled rather than frozen mid-way; else 1.
     */
    static double policyRateFactor(DxmiConfig config, long iteration) {
        if (config.policyHeldAt(iteration)) {
            return 0;
        }
        if (!config.cosineDecay() || config.iterations() == 0) {
            return 1;
        }
        long horizon = config.boxNegativeStart() > 0 && config.boxNegativeWeight() > 0
                ? config.boxNegativeStartIteration() : config.iterations();
        long start = config.policyWarmupIteration();
        return cosineFactor(iteration - start, Math.max(1, horizon - start));
    }

    /** The half cosine from 1 at iteration 0 to 0 at {@code iterations} (and after). */
    static double cosineFactor(long iteration, long iterations) {
        return 0.5 * (1 + Math.cos(Math.PI * Math.min(iteration, iterations) / iterations));
    }

    /** Applies an optimizer step if the loss is finite; returns 1 when the update was refused. */
    static int apply(Adam optimizer, float loss) {
        if (!Float.isFinite(loss)) {
            optimizer.getParameters().zeroGradients();
            return 1;
        }
        return optimizer.step().applied() ? 0 : 1;
    }

    /** Clears every role's gradients (the policy loss also reaches V's and E's weights). */
    void zeroAll() {
        byRole().values().forEach(o -> o.getParameters().zeroGradients());
    }

    /** The distinct optimizers by role: sampler, sigma and sigmaNetwork (when present), value, energy (when separate). */
    Map<String, Adam> byRole() {
        Map<String, Adam> m = new LinkedHashMap<>();
        m.put("sampler", sampler);
        if (sigma != null) {
            m.put("sigma", sigma);
        }
        if (sigmaNetwork != null) {
            m.put("sigmaNetwork", sigmaNetwork);
        }
        m.put("value", value);
        if (energy != value) {
            m.put("energy", energy);
        }
        return m;
    }

    /** Adds each optimizer's moments to {@code tensors} as {@code opt.ROLE.NAME} and its step count to {@code steps}. */
    void exportState(Map<String, float[]> tensors, Map<String, Long> steps) {
        for (Map.Entry<String, Adam> e : byRole().entrySet()) {
            e.getValue().exportState().forEach((k, v) -> tensors.put("opt." + e.getKey() + "." + k, v));
            steps.put(e.getKey(), e.getValue().getSteps());
        }
    }

    /** Restores {@link #exportState}'s output. */
    void importState(Map<String, float[]> tensors, Map<String, Long> steps) {
        for (Map.Entry<String, Adam> e : byRole().entrySet()) {
            String prefix = "opt." + e.getKey() + ".";
            LinkedHashMap<String, float[]> opt = new LinkedHashMap<>();
            tensors.forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    opt.put(k.substring(prefix.length()), v);
                }
            });
            Long n = steps.get(e.getKey());
            if (n == null) {
                throw new IllegalArgumentException("the saved state has no " + e.getKey() + " optimizer");
            }
            e.getValue().importState(opt, n);
        }
    }
}
