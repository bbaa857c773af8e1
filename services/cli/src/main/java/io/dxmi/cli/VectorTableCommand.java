package io.dxmi.cli;

import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.job.VectorTableJob;
import io.dxmi.core.job.VectorTableReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code dxmi vector-table}: DxMI against the 1000-step DDPM and its few-step sampler on many vector data sets. */
@Command(name = "vector-table", mixinStandardHelpOptions = true,
        description = {"Run DxMI (default T = 5, tau = 0.1) on the built-in 2D sets and the synthetic vector sets (3 to 8 "
                + "dimensions), each beside the 1000-step DDPM and the T-step sampler derived from it: SW with its "
                + "noise floor, energy AUC beside the true density's (or a nearest-neighbour score's), wall time.",
            "Prints the table and writes OUT/table.md, OUT/table.json, OUT/data/*.csv and every run's directory."})
final class VectorTableCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", defaultValue = "runs/vector-table", paramLabel = "DIR",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "1", description = "Seeds 0..N-1 per data set (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--quick", description = "5,000 pretraining and 1,500 DxMI iterations, a lighter evaluation.")
    boolean quick;

    @Option(names = "--sets", split = ",", paramLabel = "NAME",
            description = "Only these data sets, comma separated (default: all).")
    List<String> sets;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "2",
            description = "Runs at a time, one thread each (default: ${DEFAULT-VALUE}; one PyTorch thread per run).")
    int jobs;

    @Option(names = "--reuse-pretrained",
            description = "Reuse a pretrained DDPM already in OUT when its data and pretraining settings match.")
    boolean reusePretrained;

    @Option(names = "--resume", description = "Continue an interrupted table in DIR: runs that finished there with the"
                + " same settings are read back, the others run (implies --reuse-pretrained).")
    boolean resume;

    @Mixin
    DxmiOptions dxmi;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (dxmi.steps == null) {
            dxmi.steps = DxmiConfig.defaults().samplerSteps();
        }
        if (dxmi.tau == null) {
            dxmi.tau = DxmiConfig.defaults().tauEntropy();
        }
        var parsed = spec.commandLine().getParseResult();
        VectorTableJob.Builder job = VectorTableJob.builder().setOutput(out).optSeeds(seeds).optQuick(quick)
                .optConfig(dxmi.config(0)).optJobs(jobs).optReusePretrained(reusePretrained).optResume(resume)
                .optListener(new ProgressPrinter(System.err, quiet));
        if (parsed.hasMatchedOption("--iterations")) {
            job.optIterations(dxmi.iterations);
        }
        if (parsed.hasMatchedOption("--pretrain-iterations")) {
            job.optPretrainIterations(dxmi.pretrainIterations);
        }
        if (sets != null) {
            job.optSets(sets);
        }
        VectorTableReport report = job.build().run();
        System.out.println(report.toText());
        System.out.println(report.toMarkdown());
        System.out.println("wrote " + out.resolve("table.md") + " and " + out.resolve("table.json"));
        return 0;
    }
}
