package io.dxmi.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSourcesTest {

    @TempDir
    Path dir;

    @Test
    void builtInNameGivesToySet() {
        assertEquals("2spirals", DataSources.resolve("2spirals").name());
    }

    @Test
    void csvPathGivesCsvDataset() throws IOException {
        Path p = dir.resolve("pts.CSV");
        Files.writeString(p, "1,2,3\n");
        DataSource d = DataSources.resolve(p.toString());
        assertTrue(d instanceof CsvDataset);
        assertEquals(3, d.dimension());
    }

    @Test
    void missingCsvReportsTheFile() {
        DataFormatException e = assertThrows(DataFormatException.class, () -> DataSources.resolve("missing.csv"));
        assertEquals("data file not found: missing.csv", e.getMessage());
    }

    @Test
    void unknownNameListsBuiltIns() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataSources.resolve("swissroll"));
        assertTrue(e.getMessage().startsWith("unknown data set 'swissroll'; built-in data sets: 8gaussians"),
                e.getMessage());
    }

    @Test
    void imageOptionsOnVectorDataAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataSources.resolve(new DataSpec("8gaussians", List.of("0"), 16)));
        assertEquals("--classes 0 --image-size 16 applies to image data only; 8gaussians is not an image data set",
                e.getMessage());
    }

    @Test
    void aSpecSurvivesItsTextForm() {
        DataSpec spec = new DataSpec("fashion-mnist", List.of("0", "Coat"), 16);
        assertEquals("fashion-mnist?classes=0,Coat&image-size=16", spec.toString());
        assertEquals(spec, DataSpec.parse(spec.toString()));
        assertEquals(DataSpec.of("odd?name.csv"), DataSpec.parse("odd?name.csv"));
        assertEquals("8gaussians", DataSpec.of("8gaussians").toString());
    }

    @Test
    void unknownNamesListTheImageSetsToo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataSources.resolve("cifar"));
        assertTrue(e.getMessage().contains("fashion-mnist, mnist"), e.getMessage());
    }
}
