package io.dxmi.cli;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.dxmi.ModelStore;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.job.PretrainJob;
import io.dxmi.pipeline.PipelineContext;
import io.dxmi.pipeline.RunConnectionOptions;
import io.dxmi.pipeline.RunPlan;
import io.dxmi.pipeline.Submission;
import io.vertx.core.Vertx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code dxmi submit}: starts a distributed run on a Kafka cluster. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Start a distributed run: pretrain (unless --pretrained), then publish the run plan and the",
            "initial policy. The services ('dxmi service ...') do the rest."})
final class SubmitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    RunConnectionOptions kafka;

    @Mixin
    DataOption data;

    @Option(names = "--pretrained", paramLabel = "DIR", description = "Start from this pretrained DDPM directory.")
    Path pretrained;

    @Option(names = "--out", defaultValue = "runs/submitted", paramLabel = "DIR",
            description = "Where a pretrained model is written when pretraining (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    PipelineModeOptions pipeline;

    @Mixin
    DxmiOptions dxmi;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        dxmi.requireStepsAndTau(spec);
        DjlRuntime.configureFromEnvironment();
        DataSource source = data.open();
        Vertx vertx = Vertx.vertx();
        try (DdpmModel ddpm = pretrained != null ? ModelStore.loadDdpm(pretrained)
                : PretrainJob.builder().setData(source).setConfig(dxmi.pretrainConfig(source.shape().isImage(), common.seed))
                        .optOutput(out.resolve("pretrained")).optListener(common.progress()).build().run();
                PipelineContext context = PipelineContext.open(vertx, kafka.settings("dxmi-submit"), kafka.run(),
                        "submit", PipelineContext.metricsFor("submit", kafka.run()))) {
            RunPlan plan = Submission.plan(kafka.run(), dxmi.config(common.seed), ddpm, source, data.data, pipeline.mode,
                    pipeline.maxStaleness, pipeline.checkpointEvery, pipeline.evalEvery);
            Submission.submit(context, plan, ddpm);
            System.out.println("submitted run '" + kafka.run() + "' (" + plan.mode() + ", " + plan.iterations()
                    + " iterations) to " + kafka.bootstrap());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
        return 0;
    }
}
