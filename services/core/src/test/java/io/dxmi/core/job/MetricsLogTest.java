package io.dxmi.core.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

class MetricsLogTest {

    @TempDir
    Path dir;

    @Test
    void appendsOneLinePerRecordAndKeepsEarlierLinesOnReopen() throws IOException {
        Path file = dir.resolve("run/metrics.jsonl");
        try (MetricsLog log = new MetricsLog(file)) {
            log.append(MetricsLog.record("start").put("n", 1));
        }
        try (MetricsLog log = new MetricsLog(file)) {
            log.append(MetricsLog.record("final").put("n", 2));
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).startsWith("{\"kind\":\"start\"") && lines.get(1).contains("\"n\":2"), lines.toString());
    }

    @Test
    void aFailedAppendNamesTheFile() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        MetricsLog log = new MetricsLog(file);
        log.close(); // the writer refuses from here on, as a full disk would
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> log.append(MetricsLog.record("train")));
        assertTrue(e.getCause().getMessage().startsWith("cannot append to " + file + ": "), e.getCause().getMessage());
    }
}
