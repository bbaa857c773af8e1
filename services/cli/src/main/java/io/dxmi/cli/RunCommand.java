package io.dxmi.cli;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.DataSpec;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.job.RunResult;
import io.dxmi.core.job.TrainJob;
import io.dxmi.core.model.ModelDirectory;
import io.dxmi.dashboard.DashboardSettings;
import io.dxmi.pipeline.RunTopics;
import io.dxmi.platform.metrics.Metrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code dxmi run}: the whole pipeline on an embedded broker. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Train with the distributed pipeline on the embedded default: a real Kafka broker (KRaft) started in "
                + "this process with its data under DIR/kafka, and every service (actors, ebm-learner, value-learner, "
                + "evaluator).",
            "Writes the same result.json and samples.csv as 'dxmi train'."})
final class RunCommand implements Callable<Integer> {

    /** What a run directory holds; --force removes these, and nothing else. */
    static final List<String> RUN_ENTRIES = List.of(EmbeddedRun.KAFKA, EmbeddedRun.STATE, TrainJob.PRETRAINED,
            "figures", RunRecord.FILE, TrainJob.METRICS, TrainJob.RESULT, TrainJob.SAMPLES, ModelDirectory.MANIFEST,
            ModelDirectory.WEIGHTS);

    @Spec
    CommandSpec spec;

    @Mixin
    RunDataOption data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run directory.")
    Path out;

    @Option(names = "--resume", description = "Continue the run saved in --out (its broker data and the learners'"
                + " checkpoints), as separate services do after a restart.")
    boolean resume;

    @Option(names = "--force", description = "Replace the run saved in --out (its broker data, checkpoints and results).")
    boolean force;

    @Option(names = "--pretrained", paramLabel = "DIR", description = "Start from this pretrained DDPM directory.")
    Path pretrained;

    @Option(names = "--actors", defaultValue = "1", paramLabel = "N",
            description = "async: sampler-actors (default: ${DEFAULT-VALUE}).")
    int actors;

    @Option(names = "--run-name", defaultValue = "embedded", paramLabel = "NAME",
            description = "The run's name, its topics dxmi.NAME.* (default: ${DEFAULT-VALUE}).")
    String runName;

    @Option(names = "--dashboard-port", defaultValue = "" + DashboardLauncher.DEFAULT_PORT, paramLabel = "P",
            description = "Port of the live dashboard; a free port when it is taken, 0 = any free port"
                    + " (default: ${DEFAULT-VALUE}). Its address is printed at start.")
    int dashboardPort;

    @Option(names = "--dashboard-host", defaultValue = DashboardSettings.DEFAULT_HOST, paramLabel = "ADDRESS",
            description = "Interface the dashboard listens on; 0.0.0.0 = every interface (default: ${DEFAULT-VALUE}).")
    String dashboardHost;

    @Option(names = "--no-dashboard", description = "Do not serve the live dashboard.")
    boolean noDashboard;

    @Option(names = "--keep-dashboard", description = "Keep serving the dashboard after the run until Ctrl-C.")
    boolean keepDashboard;

    @Option(names = "--metrics-port", defaultValue = "0", paramLabel = "PORT",
            description = "First service's Prometheus port, the others counting up from it; 0 = any free ports"
                    + " (default: ${DEFAULT-VALUE}). The endpoints are printed at start.")
    int metricsPort;

    @Option(names = "--metrics-host", defaultValue = Metrics.LOOPBACK, paramLabel = "ADDRESS",
            description = "Interface the metrics endpoints listen on; 0.0.0.0 = every interface (default: ${DEFAULT-VALUE}).")
    String metricsHost;

    @Mixin
    PipelineModeOptions pipeline;

    @Mixin
    DxmiOptions dxmi;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        EmbeddedRun.Settings settings = validated();
        EmbeddedRun run = new EmbeddedRun(settings, common.progress(), System.err).metricsPort(metricsPort)
                .metricsHost(metricsHost);
        if (!noDashboard) {
            run.withDashboard(new EmbeddedRun.Dashboard(dashboardPort, dashboardHost, keepDashboard, this::report));
        }
        RunResult result;
        try {
            result = run.run();
        } catch (EmbeddedRun.RunStopped e) {
            System.err.println("dxmi run: " + e.getMessage());
            return ExitCode.OK;
        }
        report(result);
        return ExitCode.OK;
    }

    /** Every flag checked, and the run directory made ready, before anything starts. */
    private EmbeddedRun.Settings validated() throws IOException {
        common.configureEngine();
        if (resume && force) {
            throw new ParameterException(spec.commandLine(), "--resume and --force exclude each other");
        }
        if (noDashboard && keepDashboard) {
            throw new ParameterException(spec.commandLine(), "--keep-dashboard and --no-dashboard exclude each other");
        }
        Checks.atLeast("--actors", actors, 1);
        if (pipeline.mode == PipelineModeOptions.Mode.sync && actors != 1) {
            throw new ParameterException(spec.commandLine(),
                    "--mode sync runs exactly one actor (Algorithm 1); use --mode async for more");
        }
        pipeline.validate();
        Checks.port("--dashboard-port", dashboardPort);
        Checks.port("--metrics-port", metricsPort);
        try {
            new RunTopics(runName);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--run-name: " + e.getMessage());
        }
        DataSource source;
        String dataSource;
        DxmiConfig config = null;
        if (resume) {
            // The run continues as it was submitted: the settings that shape it come from its plan.
            for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
                if (o.userObject() instanceof Field f && (f.getDeclaringClass() == DxmiOptions.class
                        || f.getDeclaringClass() == PipelineModeOptions.class) || "--pretrained".equals(o.longestName())) {
                    throw new UsageError("--resume continues the run as it was submitted; " + o.longestName()
                            + " cannot change it (drop it, or start a new run with --force)");
                }
            }
            if (!Files.isDirectory(out.resolve(EmbeddedRun.KAFKA)) || !Files.isDirectory(out.resolve(EmbeddedRun.STATE))) {
                throw new UsageError("--resume: " + out + " holds no run to continue (no kafka/ and state/ in it)");
            }
            RunRecord saved = RunRecord.read(out).orElse(null);
            source = resumedData(saved);
            dataSource = saved != null ? saved.dataSource() : data.spec().toString();
            if (saved != null) {
                if (!spec.commandLine().getParseResult().hasMatchedOption("--run-name")) {
                    runName = saved.run();
                } else if (!runName.equals(saved.run())) {
                    throw new UsageError("--resume: the run in " + out + " is named '" + saved.run() + "', not '"
                            + runName + "' (drop --run-name)");
                }
            }
        } else {
            if (data.data == null) {
                throw new UsageError("--data is required: the data to train on (only --resume, which continues the"
                        + " run in --out on its own data, takes none)");
            }
            source = data.open();
            dataSource = data.spec().toString();
            dxmi.requireStepsAndTau(spec, source.shape().isImage());
            config = dxmi.validatedConfig(common.seed, source.shape(), spec);
            if (pretrained != null && !Files.isRegularFile(pretrained.resolve(ModelDirectory.MANIFEST))) {
                throw new UsageError("--pretrained " + pretrained + " is not a model directory");
            }
            List<String> held = RUN_ENTRIES.stream().filter(e -> Files.exists(out.resolve(e))).toList();
            if (!held.isEmpty() && !force) {
                throw new UsageError("--out " + out + " holds a run (" + String.join(", ", held)
                        + "); continue it with --resume, or replace it with --force");
            }
        }
        OutputDirectory.prepare(out, "--out");
        if (force) {
            for (String e : RUN_ENTRIES) {
                OutputDirectory.delete(out.resolve(e));
            }
        }
        return new EmbeddedRun.Settings(source, dataSource, out, pretrained, config,
                resume ? null : dxmi.pretrainConfig(source.shape().isImage(), common.seed), pipeline.mode(), actors, pipeline.maxStaleness,
                pipeline.checkpointEvery, pipeline.evalEvery, runName, resume);
    }

    /**
     * The data of the run being resumed: the one its directory records, or the {@code --data} given, which must
     * be that same data (a run directory of an older version records none: then {@code --data} is needed).
     */
    private DataSource resumedData(RunRecord saved) {
        if (data.data == null) {
            if (data.classes != null || data.imageSize != null) {
                throw new UsageError("--classes and --image-size go with --data; --resume uses the run's own data");
            }
            if (saved == null) {
                throw new UsageError("--resume: " + out + " does not record the run's data (a run directory of an"
                        + " older dxmi); give the --data it was started with");
            }
            DataSource source = DataFlags.open(DataSpec.parse(saved.dataSource()));
            if (!source.contentHash().equals(saved.dataHash())) {
                throw new UsageError("--resume: the run's data '" + saved.dataSource()
                        + "' has changed since the run started");
            }
            return source;
        }
        DataSource given = data.open();
        if (saved != null && !given.contentHash().equals(saved.dataHash())) {
            throw new UsageError("--resume: the run in " + out + " was trained on '" + saved.dataSource()
                    + "', not on --data " + data.spec() + " (drop --data: --resume uses the run's own data)");
        }
        return given;
    }

    private void report(RunResult r) {
        System.out.println(r.headline());
        System.out.println("wrote " + out.resolve(TrainJob.RESULT) + ", " + out.resolve(TrainJob.samplesFile(r.method().data().sampleShape())) + ", "
                + out.resolve(TrainJob.METRICS) + " and the model in " + out);
    }

    /** {@code --data} for {@code dxmi run}: required, except with {@code --resume} (the saved run's data). */
    static final class RunDataOption extends DataFlags {

        @Option(names = "--data", paramLabel = LABEL, description = {DESCRIPTION_1, DESCRIPTION_2,
            "Required, except with --resume (the run in --out continues on its own data)."})
        String data;

        @Override
        String data() {
            return data;
        }
    }
}
