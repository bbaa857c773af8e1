package io.dxmi.examples.modecoverage;

import io.dxmi.evaluator.api.EvaluationMetric;
import io.dxmi.evaluator.api.EvaluationMetrics;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The jar's META-INF/services entry makes the plug-in appear beside the built-ins. */
class ModeCoverageDiscoveryTest {

    @Test
    void serviceLoaderFindsTheBuiltInsAndModeCoverage() {
        Map<String, EvaluationMetric> found = EvaluationMetrics.discover();
        assertTrue(found.keySet().containsAll(List.of("sw", "auc", "mode_coverage")), found.keySet().toString());
        assertInstanceOf(ModeCoverage.class, found.get("mode_coverage"));
    }

    @Test
    void selectionKeepsTheGivenOrderAndRejectsUnknownIds() {
        Map<String, EvaluationMetric> found = EvaluationMetrics.discover();
        List<EvaluationMetric> chosen = EvaluationMetrics.select(found, List.of("mode_coverage", "sw"));
        assertEquals(List.of("mode_coverage", "sw"), chosen.stream().map(EvaluationMetric::id).toList());
        assertEquals(found.size(), EvaluationMetrics.select(found, List.of()).size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EvaluationMetrics.select(found, List.of("modes")));
        assertTrue(e.getMessage().contains("mode_coverage"), e.getMessage());
    }
}
