package io.dxmi.cli;

import io.dxmi.core.data.CsvDataset;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.data.image.ImageFiles;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.dxmi.ModelStore;
import io.dxmi.core.job.DataPreparation;
import io.dxmi.core.random.Rng;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code dxmi sample}: generated rows from a trained model, as CSV, or images as idx or PNG files. */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = {"Generate rows with a trained DxMI model (or a pretrained DDPM) and write them as CSV.",
            "For an image model, FILE.idx[.gz] writes the data set's idx format and DIR/ one PNG per image."})
final class SampleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model directory.")
    Path model;

    @Option(names = "--n", paramLabel = "N", required = true, description = "How many rows.")
    int n;

    @Option(names = "--out", required = true, paramLabel = "FILE.csv|-|FILE.idx[.gz]|DIR/",
            description = "Output: a CSV file ('-': standard output); for images also an idx file or a folder of PNG "
                + "files.")
    Path out;

    @Option(names = "--steps", paramLabel = "T",
            description = "For a pretrained DDPM only: sampler steps (default: its full schedule).")
    Integer steps;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    EngineOptions engine = new EngineOptions();

    @Override
    public Integer call() throws Exception {
        engine.apply();
        if (n < 1) {
            throw new ParameterException(spec.commandLine(), "--n must be at least 1, got " + n);
        }
        String kind = Models.kindOf(model);
        OutputFile.prepare(out, "--out");
        float[] rows;
        int dim;
        SampleShape shape;
        if (ModelStore.KIND_DDPM.equals(kind)) {
            try (DdpmModel ddpm = ModelStore.loadDdpm(model)) {
                int t = steps != null ? steps : ddpm.schedule().steps();
                rows = ddpm.sample(n, t, new Rng(seed));
                dim = ddpm.dimension();
                shape = ddpm.shape();
            }
        } else {
            if (steps != null) {
                throw new ParameterException(spec.commandLine(), "--steps applies to pretrained DDPMs only; a DxMI model has its own T");
            }
            ModelStore.LoadedDxmi loaded = Models.loadDxmi(model);
            try (var m = loaded.model()) {
                rows = m.sample(n, new Rng(seed));
                dim = m.dimension();
                shape = m.shape();
            }
        }
        if (isImageOutput(out) && !OutputFile.isStdout(out)) {
            if (!shape.isImage()) {
                throw new IllegalArgumentException("--out " + out + " writes images, but this model's samples are vectors of "
                        + dim + " values; use a .csv file");
            }
            ImageFiles.write(out, rows, shape);
            System.out.println("wrote " + n + " images to " + out);
            return 0;
        }
        try (Writer w = OutputFile.open(out)) {
            CsvDataset.write(w, rows, dim, DataPreparation.columnNames(dim));
        }
        OutputFile.messages(out).println("wrote " + n + " rows to " + OutputFile.describe(out));
        return 0;
    }

    /** An idx file name, a name ending in '/', or an existing folder. */
    static boolean isImageOutput(Path out) {
        return ImageFiles.isIdxPath(out) || out.toString().endsWith("/") || Files.isDirectory(out);
    }
}
