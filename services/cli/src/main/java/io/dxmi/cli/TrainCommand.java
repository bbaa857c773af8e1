package io.dxmi.cli;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.job.ResumeTotal;
import io.dxmi.core.job.TrainJob;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.job.RunResult;
import io.dxmi.core.model.ModelDirectory;
import io.dxmi.figures.RunFigures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code dxmi train}: DxMI fine-tuning (Algorithm 1), pretraining first when needed. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a T-step DxMI sampler and its energy on a data set (Algorithm 1, one process).",
            "Pretrains a 1000-step DDPM first unless --pretrained DIR or --no-pretrain is given.",
            "Writes DIR/result.json, DIR/samples.csv (10,000 rows), DIR/metrics.jsonl and the model."})
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DataOption data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run directory.")
    Path out;

    @Option(names = "--pretrained", paramLabel = "DIR", description = "Start from this pretrained DDPM directory.")
    Path pretrained;

    @Option(names = "--no-pretrain", description = "Start the sampler from random weights.")
    boolean noPretrain;

    @Option(names = "--resume", description = "Continue the run saved in --out (up to --iterations in total).")
    boolean resume;

    @Option(names = "--eval-every", paramLabel = "N", description = "Iterations between quick evaluations, 0 = none (default: ${DEFAULT-VALUE}).",
            defaultValue = "500")
    int evalEvery;

    @Option(names = "--checkpoint-every", paramLabel = "N", description = "Iterations between checkpoints (default: ${DEFAULT-VALUE}).",
            defaultValue = "1000")
    int checkpointEvery;

    @Mixin
    DxmiOptions dxmi;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        common.configureEngine();
        // Every flag is checked before anything starts.
        Checks.atLeast("--eval-every", evalEvery, 0);
        Checks.atLeast("--checkpoint-every", checkpointEvery, 0);
        DataSource source = data.open();
        RunFigures figures = RunFigures.builder().setData(source).optSeed(common.seed).build();
        RunResult r;
        if (resume) {
            if (pretrained != null || noPretrain) {
                throw new ParameterException(spec.commandLine(), "--resume continues a run; it takes no --pretrained or --no-pretrain");
            }
            Checks.atLeast("--iterations", dxmi.iterations, 1);
            if (!Files.isRegularFile(out.resolve(ModelDirectory.MANIFEST))) {
                throw new UsageError("--resume: " + out + " holds no saved run to continue");
            }
            OutputDirectory.prepare(out, "--out");
            int total = spec.commandLine().getParseResult().hasMatchedOption("--iterations") ? dxmi.iterations : -1;
            // --eval-every and --checkpoint-every hold for the continued iterations too: a long run resumed with the
            // defaults' checkpoint every 1,000 iterations lost its progress when stopped before the next one.
            try {
                r = TrainJob.resume(out, source, total, evalEvery, checkpointEvery, common.progress(), figures);
            } catch (ResumeTotal.NotResumable e) {
                throw new UsageError("--resume: " + e.getMessage());
            }
        } else {
            dxmi.requireStepsAndTau(spec, source.shape().isImage());
            if (pretrained != null && noPretrain) {
                throw new ParameterException(spec.commandLine(), "--pretrained and --no-pretrain exclude each other");
            }
            DxmiConfig config = dxmi.validatedConfig(common.seed, source.shape(), spec);
            if (pretrained != null && !Files.isRegularFile(pretrained.resolve(ModelDirectory.MANIFEST))) {
                throw new UsageError("--pretrained " + pretrained + " is not a model directory");
            }
            OutputDirectory.prepare(out, "--out");
            TrainJob.Builder job = TrainJob.builder().setData(source).setConfig(config).setOutput(out)
                    .optEvalEvery(evalEvery).optCheckpointEvery(checkpointEvery).optListener(common.progress())
                    .optEvaluationListener(figures)
                    .optPretrainConfig(dxmi.pretrainConfig(source.shape().isImage(), common.seed));
            if (pretrained != null) {
                job.optPretrained(pretrained);
            }
            if (noPretrain) {
                job.optPretrain(false);
            }
            r = job.build().run();
        }
        System.out.println(r.headline());
        System.out.println("wrote " + out.resolve(TrainJob.RESULT) + ", "
                + out.resolve(TrainJob.samplesFile(r.method().data().sampleShape())) + " and the model in " + out);
        return 0;
    }
}
