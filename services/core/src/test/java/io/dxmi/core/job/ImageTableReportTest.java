package io.dxmi.core.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.model.ModelDirectory;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The image table's files from given rows, checked by hand: order, labels, ratios, JSON fields. */
class ImageTableReportTest {

    private static ImageTableReport report() {
        ImageTableReport r = new ImageTableReport("Image table on test");
        // Added out of order: the table sorts them.
        r.add(new ImageTableReport.Row("dxmi", 4, 5000, 2.0, 0.25, 0.01, 0.6, 0.5, 900, 30, 40, "dxmi-T4", 0.1234));
        r.add(new ImageTableReport.Row("ddpm-derived", 10, 5000, 3.0, 0.25, 0.01, 0.7, 0.6, 400, 0, 5, "pretrained"));
        r.add(new ImageTableReport.Row("ddpm", 1000, 500, 1.5, 2.5, 0.2, 0.8, 0.7, 4.25, 0, 120, "pretrained"));
        r.add(new ImageTableReport.Row("ddpm-derived", 4, 5000, 8.0, 0.25, 0.01, 0.4, 0.3, 1000, 0, 3, "pretrained"));
        r.add(new ImageTableReport.Row("dxmi", 10, 5000, 3.3, 0.25, 0.01, 0.7, 0.6, 410, 60, 70, "dxmi-T10"));
        r.put("classifier_accuracy", 0.875);
        return r;
    }

    @Test
    void rowsAreInTableOrderWithTheirLabels() {
        List<ImageTableReport.Row> rows = report().rows();
        assertEquals(List.of("DDPM 1000", "DDPM derived T=10", "DxMI T=10", "DDPM derived T=4", "DxMI T=4"),
                rows.stream().map(ImageTableReport.Row::label).toList());
    }

    @Test
    void ratiosCompareDxmiWithTheDerivedSamplerAtTheSameSteps() {
        ImageTableReport r = report();
        assertEquals(1.1, r.fdRatio(10), 1e-12);
        assertEquals(0.25, r.fdRatio(4), 1e-12);
        assertTrue(Double.isNaN(r.fdRatio(7)));
    }

    @Test
    void markdownHasOneLinePerRowAndSaysWhetherDxmiIsLower() {
        String md = report().toMarkdown();
        assertTrue(md.startsWith("Image table on test\n"), md);
        assertTrue(md.contains("| method | steps | samples | FD | FD noise at this count | precision | recall | class gap"
                + " | images/s |"), md);
        // A row measured without the class-share gap shows a dash, not a zero.
        assertTrue(md.contains("| DDPM 1000 | 1000 | 500 | 1.500 | 2.500 ± 0.200 | 0.800 | 0.700 | – | 4.25 |"), md);
        assertTrue(md.contains("| DxMI T=4 | 4 | 5000 | 2.000 | 0.250 ± 0.010 | 0.600 | 0.500 | 0.123 | 900 |"), md);
        assertTrue(md.contains("- T = 10: DxMI's FD is 1.10× the derived sampler's (**not lower**)"), md);
        assertTrue(md.contains("- T = 4: DxMI's FD is 0.25× the derived sampler's (lower)"), md);
        assertTrue(md.contains("- classifier_accuracy: 0.875"), md);
        assertEquals(2 + 5, md.lines().filter(l -> l.startsWith("|")).count(), md);
    }

    @Test
    void jsonHoldsEveryRowWithTheDocumentedFields() {
        ObjectNode json = report().toJson();
        JsonNode rows = json.path("rows");
        assertEquals(5, rows.size());
        JsonNode first = rows.get(0);
        assertEquals("ddpm", first.path("method").asText());
        assertEquals(1000, first.path("steps").asInt());
        assertEquals(500, first.path("samples").asInt());
        assertEquals(1.5, first.path("fd").asDouble());
        assertEquals(0.2, first.path("fd_noise_std").asDouble());
        assertEquals(0.8, first.path("precision").asDouble());
        assertEquals(0.7, first.path("recall").asDouble());
        assertEquals(4.25, first.path("images_per_second").asDouble());
        assertEquals("pretrained", first.path("model_dir").asText());
        assertTrue(first.path("class_share_gap").isNull(), "measured without it");
        assertEquals(0.1234, rows.get(4).path("class_share_gap").asDouble(), 1e-12);
        assertEquals("dxmi", rows.get(4).path("method").asText());
        assertEquals(4, rows.get(4).path("steps").asInt());
        assertEquals(0.25, json.path("fd_ratio_dxmi_to_derived").path("T4").asDouble(), 1e-12);
        assertEquals(0.875, json.path("classifier_accuracy").asDouble());
        assertTrue(json.path("all_rows_finite").asBoolean());
        assertFalse(json.has("label"));
    }

    @Test
    void dxmiMeetsTheThousandStepRowAtThatRowsImageCount() {
        ImageTableReport r = report();
        assertTrue(Double.isNaN(r.fdRatioToDdpm(10)), "no FD at the 1000-step row's 500 images yet");
        assertFalse(r.toMarkdown().contains("1000-step row's"));
        r.putFdAtDdpmCount("dxmi", 10, 1.8);
        r.putFdAtDdpmCount("ddpm-derived", 10, 3.6);
        r.putFdAtDdpmCount("dxmi", 4, 2.7);
        // 1.8 / 1.5, not the 5,000-image FD's 3.3 / 1.5.
        assertEquals(1.2, r.fdRatioToDdpm(10), 1e-12);
        assertEquals(1.8, r.fdRatioToDdpm(4), 1e-12);
        String md = r.toMarkdown();
        assertTrue(md.contains("- T = 10 on the 1000-step row's 500 images: DxMI FD 1.800 (derived 3.600), 1.20× the"
                + " 1000-step DDPM's 1.500"), md);
        assertTrue(md.contains("- T = 4 on the 1000-step row's 500 images: DxMI FD 2.700, 1.80×"), md);
        assertTrue(r.toText().contains("T = 10 on the 1000-step row's 500 images: DxMI FD 1.800"), r.toText());
        ObjectNode json = r.toJson();
        assertEquals(3.6, json.path("fd_at_ddpm_count").path("ddpm-derived/10").asDouble(), 1e-12);
        assertEquals(1.2, json.path("fd_ratio_dxmi_to_ddpm").path("T10").asDouble(), 1e-12);
    }

    @Test
    void rowsWithTheThousandStepRowsImageCountCompareDirectly() {
        ImageTableReport r = new ImageTableReport("equal counts");
        r.add(new ImageTableReport.Row("ddpm", 1000, 500, 2.0, 0.5, 0.1, 0.8, 0.7, 4, 0, 120, "pretrained"));
        r.add(new ImageTableReport.Row("dxmi", 10, 500, 2.1, 0.5, 0.1, 0.8, 0.7, 400, 60, 70, "dxmi-T10"));
        assertEquals(1.05, r.fdRatioToDdpm(10), 1e-12);
    }

    @Test
    void aRowWithANonFiniteValueIsFlagged() {
        ImageTableReport r = report();
        r.add(new ImageTableReport.Row("dxmi", 2, 10, Double.NaN, 0, 0, 0, 0, 1, 0, 0, "x"));
        assertFalse(r.toJson().path("all_rows_finite").asBoolean());
    }

    @Test
    void aRowWrittenBeforeTheClassGapReadsBackWithoutOne() throws Exception {
        // rows/dxmi-10.json of the MNIST 28 × 28 table built at commit 4d66627, as --resume reads it
        JsonNode stored;
        try (InputStream in = getClass().getResourceAsStream("image-table-row-4d66627.json")) {
            stored = ModelDirectory.json().readTree(in);
        }
        Path file = Files.createTempFile("row", ".json");
        try {
            Files.writeString(file, stored.toString());
            ImageTableReport.Row row = KeyedJson.read(file, stored.path("key").asText(), ImageTableReport.Row.class);
            assertEquals("dxmi", row.method());
            assertEquals(10, row.steps());
            assertEquals(111.63921809223939, row.fd(), 0.0);
            assertEquals("dxmi-T10", row.modelDir());
            assertNull(row.classShareGap());
            ImageTableReport.Row fresh = new ImageTableReport.Row("dxmi", 10, 5000, 1, 1, 0, 1, 1, 1, 1, 1, "d", 0.25);
            KeyedJson.write(file, "k", fresh);
            assertEquals(fresh, KeyedJson.read(file, "k", ImageTableReport.Row.class));
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
