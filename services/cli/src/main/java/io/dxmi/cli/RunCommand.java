package io.dxmi.cli;

import io.dxmi.core.data.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code dxmi run}: the whole pipeline on an embedded broker. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Train with the distributed pipeline on the embedded default: a real Kafka broker (KRaft)",
            "started in this process with its data under DIR/kafka, and every service (actors, ebm-learner,",
            "value-learner, evaluator). Writes the same result.json and samples.csv as 'dxmi train'."})
final class RunCommand implements java.util.concurrent.Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DataOption data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run directory.")
    Path out;

    @Option(names = "--pretrained", paramLabel = "DIR", description = "Start from this pretrained DDPM directory.")
    Path pretrained;

    @Option(names = "--actors", defaultValue = "1", description = "async: sampler-actors (default: ${DEFAULT-VALUE}).")
    int actors;

    @Option(names = "--run-name", defaultValue = "embedded", description = "The run's name (default: ${DEFAULT-VALUE}).")
    String runName;

    @Option(names = "--dashboard-port", defaultValue = "" + DashboardLauncher.DEFAULT_PORT, paramLabel = "P",
            description = "Port of the live dashboard; a free port when it is taken, 0 = any free port"
                    + " (default: ${DEFAULT-VALUE}). Its address is printed at start.")
    int dashboardPort;

    @Option(names = "--no-dashboard", description = "Do not serve the live dashboard.")
    boolean noDashboard;

    @Option(names = "--keep-dashboard", description = "Keep serving the dashboard after the run until Ctrl-C.")
    boolean keepDashboard;

    @Option(names = "--metrics-port", defaultValue = "0", paramLabel = "PORT",
            description = "First service's Prometheus port, the others counting up from it; 0 = any free ports"
                    + " (default: ${DEFAULT-VALUE}). The endpoints are printed at start.")
    int metricsPort;

    @Mixin
    PipelineModeOptions pipeline;

    @Mixin
    DxmiOptions dxmi;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        common.configureEngine();
        dxmi.requireStepsAndTau(spec);
        if (actors < 1) {
            throw new ParameterException(spec.commandLine(), "--actors must be at least 1");
        }
        if ("sync".equals(pipeline.mode) && actors != 1) {
            throw new ParameterException(spec.commandLine(), "--mode sync runs exactly one actor (Algorithm 1); use --mode async for more");
        }
        if (dashboardPort < 0 || dashboardPort > 65535) {
            throw new ParameterException(spec.commandLine(), "--dashboard-port must be 0-65535, got " + dashboardPort);
        }
        if (noDashboard && keepDashboard) {
            throw new ParameterException(spec.commandLine(), "--keep-dashboard and --no-dashboard exclude each other");
        }
        DataSource source = data.open();
        EmbeddedRun.Settings settings = new EmbeddedRun.Settings(source, data.data, out, pretrained,
                dxmi.config(common.seed), dxmi.pretrainConfig(source.shape().isImage(), common.seed), pipeline.mode, actors,
                pipeline.maxStaleness, pipeline.checkpointEvery, pipeline.evalEvery, runName);
        if (metricsPort < 0 || metricsPort > 65535) {
            throw new ParameterException(spec.commandLine(), "--metrics-port must be 0..65535, got " + metricsPort);
        }
        EmbeddedRun run = new EmbeddedRun(settings, common.progress(), System.err).metricsPort(metricsPort);
        if (!noDashboard) {
            run.withDashboard(new EmbeddedRun.Dashboard(dashboardPort, keepDashboard, this::report));
        }
        EmbeddedRun.Outcome o = run.run();
        report(o);
        return 0;
    }

    private void report(EmbeddedRun.Outcome o) {
        System.out.printf(Locale.ROOT, "SW %.4f ± %.4f  AUC %.4f  %.1f it/s (%s), %.1f s in all%n", o.swMean(),
                o.swStd(), o.auc(), o.iterationsPerSecond(), pipeline.mode, o.wallSeconds());
        System.out.println("wrote " + out.resolve("result.json") + ", " + out.resolve("samples.csv") + ", "
                + out.resolve("metrics.jsonl") + " and the model in " + out);
    }
}
