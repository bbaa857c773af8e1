package io.dxmi.cli;

import io.dxmi.core.data.CsvDataset;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.dxmi.ModelStore;
import io.dxmi.core.job.DataPreparation;
import io.dxmi.core.random.Rng;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code dxmi sample}: generated rows from a trained model, as CSV. */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Generate rows with a trained DxMI model (or a pretrained DDPM) and write them as CSV.")
final class SampleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model directory.")
    Path model;

    @Option(names = "--n", required = true, description = "How many rows.")
    int n;

    @Option(names = "--out", required = true, paramLabel = "FILE.csv", description = "Output CSV file.")
    Path out;

    @Option(names = "--steps", paramLabel = "T",
            description = "For a pretrained DDPM only: sampler steps (default: its full schedule).")
    Integer steps;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (n < 1) {
            throw new ParameterException(spec.commandLine(), "--n must be at least 1, got " + n);
        }
        String kind = Models.kindOf(model);
        OutputDirectory.prepareParentOf(out, "--out");
        float[] rows;
        int dim;
        if (ModelStore.KIND_DDPM.equals(kind)) {
            try (DdpmModel ddpm = ModelStore.loadDdpm(model)) {
                int t = steps != null ? steps : ddpm.schedule().steps();
                rows = ddpm.sample(n, t, new Rng(seed));
                dim = ddpm.dimension();
            }
        } else {
            if (steps != null) {
                throw new ParameterException(spec.commandLine(), "--steps applies to pretrained DDPMs only; a DxMI model has its own T");
            }
            ModelStore.LoadedDxmi loaded = Models.loadDxmi(model);
            try (var m = loaded.model()) {
                rows = m.sample(n, new Rng(seed));
                dim = m.dimension();
            }
        }
        CsvDataset.write(out, rows, dim, DataPreparation.columnNames(dim));
        System.out.println("wrote " + n + " rows to " + out);
        return 0;
    }
}
