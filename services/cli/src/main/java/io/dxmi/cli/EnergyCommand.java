package io.dxmi.cli;

import io.dxmi.core.data.CsvDataset;
import io.dxmi.core.data.image.ImageFiles;
import io.dxmi.core.data.DataFormatException;
import io.dxmi.core.dxmi.ModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code dxmi energy}: the trained energy of every row of a CSV file, or of every image. */
@Command(name = "energy", mixinStandardHelpOptions = true,
        description = {"Score every row of a CSV file with a trained DxMI energy (lower = more like the data).",
            "Writes one energy per input row, in the same order, under the header 'energy' (with --with-input after "
                + "the input's own columns).",
            "Images (an idx file, or a folder of PNG/JPEG files in sorted path order) get 'image,energy' lines."})
final class EnergyCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A DxMI model directory.")
    Path model;

    @Option(names = "--in", required = true, paramLabel = "FILE.csv|FILE.idx[.gz]|DIR",
            description = "Rows to score: a CSV file, an idx image file or a folder of images.")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE.csv|-", description = "Output CSV file ('-': standard output).")
    Path out;

    @Option(names = "--with-input", description = "CSV input: write each input line (its header too) followed by its energy.")
    boolean withInput;

    @Mixin
    EngineOptions engine = new EngineOptions();

    @Override
    public Integer call() throws Exception {
        engine.apply();
        ModelStore.LoadedDxmi loaded = Models.loadDxmi(model);
        try (var m = loaded.model()) {
            float[] rows;
            List<String> names = null;
            List<String> inputLines = null;
            if (Files.isDirectory(in) || ImageFiles.isIdxPath(in)) {
                ImageFiles.Images images;
                try {
                    images = ImageFiles.read(in);
                } catch (UncheckedIOException | IllegalArgumentException | DataFormatException e) {
                    throw new UsageError(e.getMessage(), e);
                }
                if (m.shape().isImage() ? !images.shape().equals(m.shape()) : images.shape().size() != m.dimension()) {
                    throw new UsageError(in + " holds " + images.shape() + " images but the model expects "
                            + (m.shape().isImage() ? m.shape() + " images" : "rows of " + m.dimension() + " values"));
                }
                rows = images.pixels();
                names = images.names();
            } else {
                CsvDataset input;
                try {
                    input = CsvDataset.load(in);
                } catch (UncheckedIOException | IllegalArgumentException | DataFormatException e) {
                    throw new UsageError(e.getMessage(), e);
                }
                if (input.dimension() != m.dimension()) {
                    throw new UsageError(in + " has " + input.dimension() + " columns but the model expects "
                            + m.dimension());
                }
                rows = input.rows();
                if (withInput) {
                    inputLines = InputLines.withHeader(in, input.size(), input.dimension());
                }
            }
            OutputFile.prepare(out, "--out");
            float[] energies = m.energy(rows);
            try (Writer w = OutputFile.open(out)) {
                if (inputLines != null) {
                    InputLines.writeWithColumn(w, inputLines, "energy", energies);
                } else {
                    w.write(names == null ? "energy\n" : "image,energy\n");
                    for (int i = 0; i < energies.length; i++) {
                        if (names != null) {
                            w.write(csvField(names.get(i)));
                            w.write(',');
                        }
                        w.write(Float.toString(energies[i]));
                        w.write('\n');
                    }
                }
            }
            OutputFile.messages(out).println("wrote " + energies.length + " energies to " + OutputFile.describe(out));
        }
        return 0;
    }

    /** A file name as a CSV field: quoted when it holds a comma or a quote. */
    static String csvField(String name) {
        return name.contains(",") || name.contains("\"") ? "\"" + name.replace("\"", "\"\"") + "\"" : name;
    }
}
