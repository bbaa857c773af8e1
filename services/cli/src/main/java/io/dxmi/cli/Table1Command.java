package io.dxmi.cli;

import io.dxmi.core.data.ToyDatasets;
import io.dxmi.core.job.Table1Job;
import io.dxmi.core.job.Table1Report;
import io.dxmi.figures.RunFigures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code dxmi table1}: reproduces the paper's Table 1 beside its published numbers. */
@Command(name = "table1", mixinStandardHelpOptions = true,
        description = {"Reproduce every row of the paper's Table 1 (8 Gaussians) over several seeds and print it beside the "
                + "paper's numbers; writes OUT/table1.md, OUT/table1.json and every run's directory."})
final class Table1Command implements Callable<Integer> {

    @Option(names = "--out", defaultValue = "runs/table1", paramLabel = "DIR",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seeds", paramLabel = "N", description = "Seeds per row (default: 3, or 1 with --quick).")
    Integer seeds;

    @Option(names = "--quick", description = "Short runs and a lighter evaluation: a few minutes on 2 cores.")
    boolean quick;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        int n = seeds != null ? seeds : (quick ? 1 : 3);
        Table1Report report = Table1Job.builder().setOutput(out).optSeeds(n).optQuick(quick)
                .optEvaluationListener(RunFigures.builder().setData(ToyDatasets.byName("8gaussians")).build())
                .optListener(new ProgressPrinter(System.err, quiet)).build().run();
        System.out.println(report.toText());
        System.out.println(report.toMarkdown());
        System.out.println("wrote " + out.resolve("table1.md") + " and " + out.resolve("table1.json"));
        return 0;
    }
}
