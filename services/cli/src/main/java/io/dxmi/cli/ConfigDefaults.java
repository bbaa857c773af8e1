package io.dxmi.cli;

import io.dxmi.core.dxmi.DxmiConfig;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;

/**
 * The command line's defaults for the method's settings, read from where they are defined ({@link DxmiConfig})
 * instead of repeated as strings in the options; {@code --help} shows them. Only the shared DxMI options
 * ({@link DxmiOptions}, {@link CommonOptions}) are touched; pretraining's defaults depend on the data and are
 * applied by {@code PretrainCommand.config}.
 */
final class ConfigDefaults implements IDefaultValueProvider {

    private static final Map<String, String> DXMI;

    static {
        DxmiConfig d = DxmiConfig.defaults();
        DXMI = Map.ofEntries(
                Map.entry("--iterations", Integer.toString(d.iterations())),
                Map.entry("--batch", Integer.toString(d.batchSize())),
                Map.entry("--gamma", number(d.gamma())),
                Map.entry("--sampler-lr", number(d.samplerLearningRate())),
                Map.entry("--sigma-lr", number(d.sigmaLearningRate())),
                Map.entry("--value-lr", number(d.valueLearningRate())),
                Map.entry("--energy-lr", number(d.energyLearningRate())),
                Map.entry("--sampler-clip", number(d.samplerClipNorm())),
                Map.entry("--energy-clip", number(d.energyClipNorm())),
                Map.entry("--last-sigma", d.lastSigmaLearnable() ? "learnable" : "fixed"),
                Map.entry("--value-sharing", d.valueSharing().name().toLowerCase(Locale.ROOT)),
                Map.entry("--time-cost", d.timeCost().name().toLowerCase(Locale.ROOT)),
                Map.entry("--energy-ema", number(d.energyEmaDecay())),
                Map.entry("--cosine-decay", Boolean.toString(d.cosineDecay())),
                Map.entry("--box-negatives", number(d.boxNegativeWeight())),
                Map.entry("--box-margin", number(d.boxMargin())),
                Map.entry("--box-negatives-ramp", Boolean.toString(d.boxNegativeRamp())),
                Map.entry("--box-negatives-from", number(d.boxNegativeStart())),
                Map.entry("--policy-warmup", number(d.policyWarmup())),
                Map.entry("--entropy-in-value", Boolean.toString(d.entropyInValue())),
                Map.entry("--residual-sigmas", Boolean.toString(d.residualSigmas())),
                Map.entry("--hidden", Integer.toString(d.network().hidden())),
                Map.entry("--layers", Integer.toString(d.network().layers())),
                Map.entry("--seed", Long.toString(d.seed())));
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        // Only the options declared with the method's settings: other commands' flags of the same name keep theirs.
        if (!(arg instanceof OptionSpec option) || !(option.userObject() instanceof Field field)) {
            return null;
        }
        Class<?> owner = field.getDeclaringClass();
        return owner == DxmiOptions.class || owner == CommonOptions.class ? DXMI.get(option.longestName()) : null;
    }

    /** A float as a person writes it: 0.001, 0.00003, 1. */
    static String number(float v) {
        return new BigDecimal(Float.toString(v)).stripTrailingZeros().toPlainString();
    }
}
