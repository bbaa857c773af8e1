package io.dxmi.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
