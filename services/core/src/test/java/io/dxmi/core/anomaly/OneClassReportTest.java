package io.dxmi.core.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A report that an older version wrote stays readable: {@code oneclass-mnist-b8b551a.json} is the real
 * {@code oneclass.json} of a quick MNIST run of digits 0, 2, 3, 5 and 8 at commit b8b551a, before the combined map.
 */
class OneClassReportTest {

    @TempDir
    Path tmp;

    @Test
    void aReportFromBeforeTheCombinedMapReadsAndGrows() throws Exception {
        Path file = tmp.resolve("oneclass.json");
        try (var in = OneClassReportTest.class.getResourceAsStream("oneclass-mnist-b8b551a.json")) {
            Files.copy(in, file);
        }
        OneClassReport old = OneClassReport.read(file).orElseThrow();
        assertEquals("mnist", old.data());
        assertEquals(List.of(0, 2, 3, 5, 8), old.classes().stream().map(OneClassReport.ClassResult::normalClass).toList());
        assertEquals(0.9976269512117726, old.classes().get(0).auroc(), 0.0);
        assertEquals(0.9611836933523416, old.meanAuroc(), 0.0);
        OneClassReport.DefectResult scratch = old.classes().get(0).defects().get(0);
        assertEquals("scratch", scratch.kind());
        assertEquals(0.906660912532137, scratch.restorationPixelAuroc(), 0.0);
        assertNull(scratch.combinedPixelAuroc(), "written before the combined map");
        assertNull(scratch.gradientMeanPixelAuroc(), "written before the gradient and mean map");
        String table = String.join("\n", old.table());
        assertTrue(table.contains("| 0 (0) | 99.8 |"), table);
        assertTrue(table.contains(" 80.8 / 90.7 (93.4) |"), "gradient / restoration (reference), no combined: " + table);

        OneClassReport.DefectResult withCombined = new OneClassReport.DefectResult("scratch", 20, 17.5, 0.8, 0.9, 0.93,
                0.91, 0.95, 0.92);
        OneClassReport.ClassResult one = new OneClassReport.ClassResult(1, "1 (1)", 0.99, 900, 200, 1800, 60.0,
                List.of(withCombined), 0.98, 0.9);
        OneClassReport grown = old.with(one);
        assertEquals(6, grown.classes().size());
        assertEquals((old.meanAuroc() * 5 + 0.99) / 6, grown.meanAuroc(), 1e-12);
        grown.write(file);
        OneClassReport again = OneClassReport.read(file).orElseThrow();
        assertEquals(grown.classes(), again.classes());
        String newTable = String.join("\n", again.table());
        assertTrue(newTable.contains("| 1 (1) | 99.0 | 90.0 | 98.0 | 80.0 / 91.0 / 95.0 / 92.0 (93.0) |"), newTable);
        assertFalse(newTable.contains("80.8 / 90.7 / "), "the old classes have no combined map: " + newTable);
    }
}
