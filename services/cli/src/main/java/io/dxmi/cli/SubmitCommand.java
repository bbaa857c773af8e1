package io.dxmi.cli;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.dxmi.ModelStore;
import io.dxmi.core.job.PretrainJob;
import io.dxmi.core.job.TrainJob;
import io.dxmi.core.model.ModelDirectory;
import io.dxmi.pipeline.PipelineContext;
import io.dxmi.pipeline.RunCatalog;
import io.dxmi.pipeline.RunConnectionOptions;
import io.dxmi.pipeline.RunPlan;
import io.dxmi.pipeline.Submission;
import io.dxmi.platform.config.KafkaSettings;
import io.vertx.core.Vertx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code dxmi submit}: starts a distributed run on a Kafka cluster. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Start a distributed run: pretrain (unless --pretrained), then publish the run plan and the initial "
                + "policy.",
            "The services ('dxmi service ...') do the rest."})
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
        // Every flag and the cluster, before pretraining (minutes) starts.
        pipeline.validate();
        String run;
        KafkaSettings settings;
        try {
            run = kafka.run();
            settings = kafka.settings("dxmi-submit");
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage(), e);
        }
        DataSource source = data.open();
        dxmi.requireStepsAndTau(spec, source.shape().isImage());
        DxmiConfig config = dxmi.validatedConfig(common.seed, source.shape(), spec);
        if (pretrained != null) {
            if (!Files.isRegularFile(pretrained.resolve(ModelDirectory.MANIFEST))) {
                throw new UsageError("--pretrained " + pretrained + " is not a model directory");
            }
        } else {
            OutputDirectory.prepare(out, "--out");
        }
        kafka.cluster().probe();
        try (RunCatalog catalog = new RunCatalog(settings, kafka.cluster().connectTimeout())) {
            if (catalog.exists(run)) {
                throw new UsageError("run '" + run + "' already exists on " + settings.bootstrapServers()
                        + "; choose another --run, or remove it first with 'dxmi runs delete " + run + "'");
            }
        }
        common.configureEngine();
        Vertx vertx = Vertx.vertx();
        try (DdpmModel ddpm = pretrained != null ? ModelStore.loadDdpm(pretrained)
                : PretrainJob.builder().setData(source).setConfig(dxmi.pretrainConfig(source.shape().isImage(), common.seed))
                        .optOutput(out.resolve(TrainJob.PRETRAINED)).optListener(common.progress()).build().run();
                PipelineContext context = PipelineContext.open(vertx, settings, run, "submit",
                        PipelineContext.metricsFor("submit", run))) {
            RunPlan plan = Submission.plan(run, config, ddpm, source, data.spec().toString(), pipeline.mode(),
                    pipeline.maxStaleness, pipeline.checkpointEvery, pipeline.evalEvery);
            Submission.submit(context, plan, ddpm);
            System.out.println("submitted run '" + run + "' (" + plan.mode() + ", " + plan.iterations()
                    + " iterations) to " + settings.bootstrapServers());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
        return ExitCode.OK;
    }
}
