package io.dxmi.cli;

import io.dxmi.core.data.CsvDataset;
import io.dxmi.core.data.DataFormatException;
import io.dxmi.core.dxmi.ModelStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code dxmi energy}: the trained energy of every row of a CSV file. */
@Command(name = "energy", mixinStandardHelpOptions = true,
        description = {"Score every row of a CSV file with a trained DxMI energy (lower = more like the data).",
            "Writes one energy per input row, in the same order, under the header 'energy'."})
final class EnergyCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A DxMI model directory.")
    Path model;

    @Option(names = "--in", required = true, paramLabel = "FILE.csv", description = "Rows to score.")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE.csv", description = "Output CSV file.")
    Path out;

    @Override
    public Integer call() throws Exception {
        ModelStore.LoadedDxmi loaded = Models.loadDxmi(model);
        try (var m = loaded.model()) {
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
            OutputDirectory.prepareParentOf(out, "--out");
            float[] energies = m.energy(input.rows());
            try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                w.write("energy\n");
                for (float e : energies) {
                    w.write(Float.toString(e));
                    w.write('\n');
                }
            }
            System.out.println("wrote " + energies.length + " energies to " + out);
        }
        return 0;
    }
}
