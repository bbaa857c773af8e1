package io.dxmi.evaluator;

import io.dxmi.evaluator.api.EvaluationMetric;
import io.dxmi.evaluator.api.EvaluationMetrics;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command-line options that choose an evaluator's plug-ins and pass them options, shared by
 * every command that runs an evaluator ({@code dxmi service evaluator} and the separate-process
 * evaluators), as a picocli mixin.
 */
public final class MetricSelectionOptions {

    @Option(names = "--metric", paramLabel = "ID",
            description = "Run only this metric plug-in (repeatable; default: every plug-in available).")
    List<String> metricIds = new ArrayList<>();

    @Option(names = "--metric-option", paramLabel = "KEY=VALUE",
            description = "An option for the plug-ins, e.g. mode_coverage.drop_fraction=0.2 (repeatable).")
    Map<String, String> metricOptions = new LinkedHashMap<>();

    /** The plug-ins named by {@code --metric} in that order, or all of {@code available}. */
    public List<EvaluationMetric> select(Map<String, EvaluationMetric> available) {
        return EvaluationMetrics.select(available, metricIds);
    }

    /** The {@code --metric-option} pairs. */
    public Map<String, String> options() {
        return Map.copyOf(metricOptions);
    }
}
