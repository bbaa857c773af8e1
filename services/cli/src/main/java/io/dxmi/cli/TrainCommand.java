package io.dxmi.cli;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.job.TrainJob;
import io.dxmi.core.job.TrainResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.Locale;
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

    @Option(names = "--eval-every", description = "Iterations between quick evaluations, 0 = none (default: ${DEFAULT-VALUE}).",
            defaultValue = "500")
    int evalEvery;

    @Option(names = "--checkpoint-every", description = "Iterations between checkpoints (default: ${DEFAULT-VALUE}).",
            defaultValue = "1000")
    int checkpointEvery;

    @Mixin
    DxmiOptions dxmi;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        common.configureEngine();
        DataSource source = data.open();
        TrainResult r;
        if (resume) {
            if (pretrained != null || noPretrain) {
                throw new ParameterException(spec.commandLine(), "--resume continues a run; it takes no --pretrained or --no-pretrain");
            }
            int total = spec.commandLine().getParseResult().hasMatchedOption("--iterations") ? dxmi.iterations : -1;
            r = TrainJob.resume(out, source, total, common.progress());
        } else {
            if (dxmi.steps == null || dxmi.tau == null) {
                throw new ParameterException(spec.commandLine(), "--steps and --tau are required (unless --resume)");
            }
            if (pretrained != null && noPretrain) {
                throw new ParameterException(spec.commandLine(), "--pretrained and --no-pretrain exclude each other");
            }
            TrainJob.Builder job = TrainJob.builder().setData(source).setConfig(dxmi.config(common.seed)).setOutput(out)
                    .optEvalEvery(evalEvery).optCheckpointEvery(checkpointEvery).optListener(common.progress())
                    .optPretrainConfig(dxmi.pretrainConfig(source.shape().isImage(), common.seed));
            if (pretrained != null) {
                job.optPretrained(pretrained);
            }
            if (noPretrain) {
                job.optPretrain(false);
            }
            r = job.build().run();
        }
        System.out.printf(Locale.ROOT, "SW %s  AUC %.4f (raw %.4f)  %d iterations at %.1f it/s, %.1f s in all%n",
                r.sw(), r.auc(), r.aucRaw(), r.iterations(), r.iterationsPerSecond(), r.wallSeconds());
        System.out.println("wrote " + out.resolve(TrainJob.RESULT) + ", " + out.resolve(TrainJob.SAMPLES)
                + " and the model in " + out);
        return 0;
    }
}
