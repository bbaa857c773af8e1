package io.dxmi.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The progress line: counts read as integers, measures with four decimals or in scientific notation. */
class ProgressPrinterTest {

    @Test
    void countsAreIntegersAndMeasuresKeepTheirDecimals() {
        assertEquals("601", ProgressPrinter.format(601.0));
        assertEquals("0", ProgressPrinter.format(0.0));
        assertEquals("120000", ProgressPrinter.format(120_000.0));
        assertEquals("0.0723", ProgressPrinter.format(0.07231));
        assertEquals("-1.5000", ProgressPrinter.format(-1.5));
        assertEquals("3.27e-04", ProgressPrinter.format(3.27e-4));
        assertEquals("NaN", ProgressPrinter.format(Double.NaN));
    }

    @Test
    void aLogLineShowsTheMetricsOfItsIteration() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressPrinter p = new ProgressPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("ebm_it", 601.0);
        metrics.put("sw", 0.1558);
        p.onProgress("run (sync)", 600, 6000, metrics);
        String line = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(line.contains("600/6000") && line.contains("ebm_it=601 sw=0.1558"), line);
    }

    @Test
    void twoPhasesAtOnceEachPrintTheirOwnDeciles() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressPrinter p = new ProgressPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        // Interleaved as image-table --jobs 2 reports: a long sampling phase beside training iterations.
        for (int i = 1; i <= 100; i++) {
            p.onProgress("DDPM 1000 sampling", i, 200, Map.of());
            p.onProgress("DxMI T=4", i, 100, Map.of());
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        long sampling = Arrays.stream(lines).filter(l -> l.startsWith("DDPM 1000 sampling")).count();
        long training = Arrays.stream(lines).filter(l -> l.startsWith("DxMI T=4")).count();
        // One line per decile reached: 0-5 for the half-done sampling (6), 0-10 for the finished phase (11).
        assertEquals(6, sampling, String.join("\n", lines));
        assertEquals(11, training, String.join("\n", lines));
    }
}
