package io.dxmi.cli;

import io.dxmi.core.data.CsvDataset;
import io.dxmi.core.data.DataFormatException;
import io.dxmi.core.job.DataPreparation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A CSV input's own lines, kept as written, so that a command can append a column to each (energy --with-input). */
final class InputLines {

    private InputLines() {}

    /**
     * The header line followed by the data lines of a CSV file that {@link CsvDataset#load} read as {@code rows}
     * rows of {@code dim} values; a file without a header gets one (x1, …, xD) in its own separator.
     */
    static List<String> withHeader(Path file, int rows, int dim) {
        List<String> lines = new ArrayList<>(rows + 1);
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String kept = lines.isEmpty() && line.startsWith("\uFEFF") ? line.substring(1) : line;
                // The reader skips blank lines and trims fields; the same lines are kept here, unchanged.
                if (!kept.isBlank()) {
                    lines.add(kept.strip());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (lines.size() == rows) {
            String separator = String.valueOf(CsvDataset.separatorOf(lines.get(0)));
            lines.add(0, String.join(separator, DataPreparation.columnNames(dim)));
        } else if (lines.size() != rows + 1) {
            throw new DataFormatException(file + " changed while it was read (" + lines.size() + " lines for " + rows
                    + " rows)");
        }
        return lines;
    }

    /** Each line followed by the separator and its value; the header line gets {@code name}. */
    static void writeWithColumn(Writer w, List<String> lines, String name, float[] values) throws IOException {
        char separator = CsvDataset.separatorOf(lines.get(0));
        w.write(lines.get(0) + separator + name + "\n");
        for (int i = 0; i < values.length; i++) {
            w.write(lines.get(i + 1) + separator + values[i] + "\n");
        }
    }
}
