package io.dxmi.evaluator;

import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.evaluator.api.EvaluationMetric;
import io.dxmi.evaluator.api.EvaluationMetrics;
import io.dxmi.pipeline.PipelineContext;
import io.dxmi.pipeline.RunConnectionOptions;
import io.dxmi.pipeline.RunStartup;
import io.dxmi.platform.config.ClusterProbe;
import io.dxmi.pipeline.ServiceOptions;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.lifecycle.GracefulShutdown;
import io.dxmi.platform.metrics.Metrics;
import io.vertx.core.Vertx;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A separate-process evaluator: joins a run on any Kafka cluster, follows the newest policy and
 * energy snapshots, runs its plug-ins every N policy versions and publishes reports under its own
 * name to {@code dxmi.<run>.evaluations}, beside the run's evaluator. It holds no state, so it can
 * start late (it begins with the newest snapshots) and stop at any time.
 *
 * <p>A plug-in's {@code main} is one line:
 * <pre>{@code
 * System.exit(ExternalEvaluatorCommand.execute("mode-coverage", List.of(new ModeCoverage()), args));
 * }</pre>
 * and this class's own {@code main} runs every plug-in on the class path under the name
 * {@code external-evaluator}.
 */
@Command(mixinStandardHelpOptions = true, version = "dxmi 0.1.0",
        description = {"Evaluate a running DxMI run with metric plug-ins, as a process of its own; exits when the "
                + "run is done. Reports go to dxmi.RUN.evaluations under this evaluator's name."})
public final class ExternalEvaluatorCommand implements Callable<Integer> {

    @CommandLine.Mixin
    RunConnectionOptions connection = new RunConnectionOptions();

    @Option(names = "--every", defaultValue = "0", paramLabel = "N",
            description = "Policy versions between evaluations; 0 = the run's --eval-every (default: ${DEFAULT-VALUE}).")
    int every;

    @CommandLine.Mixin
    MetricSelectionOptions metricSelection = new MetricSelectionOptions();

    @Option(names = "--name", paramLabel = "NAME",
            description = "This evaluator's name (lower-case, digits, '-'); reports carry NAME-INSTANCE.")
    String name;

    @Option(names = "--instance-id", paramLabel = "ID",
            description = "This instance's id (default: host name and process id).")
    String instanceId;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "0",
            description = "Prometheus endpoint port, 0 = any free port (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--plan-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "Seconds to wait for the run plan (default: ${DEFAULT-VALUE}).")
    long planTimeout;

    private final Map<String, EvaluationMetric> available;
    private final PrintWriter err;

    private ExternalEvaluatorCommand(String defaultName, Map<String, EvaluationMetric> available, PrintWriter err) {
        this.name = defaultName;
        this.available = available;
        this.err = err;
    }

    /** Every plug-in on the class path, as {@code external-evaluator}. */
    public static void main(String[] args) {
        System.exit(execute("external-evaluator", List.copyOf(EvaluationMetrics.discover().values()), args));
    }

    /**
     * Parses {@code args} and runs the evaluator until the run is done.
     *
     * @param defaultName the evaluator's name unless {@code --name} is given
     * @param plugins what it may run ({@code --metric} chooses among them)
     * @return the exit code: 0 done, 1 failed, 2 usage error, 3 cluster unreachable, 4 no plan in time
     */
    public static int execute(String defaultName, List<? extends EvaluationMetric> plugins, String... args) {
        PrintWriter err = new PrintWriter(System.err, true);
        CommandLine cl = new CommandLine(new ExternalEvaluatorCommand(defaultName,
                EvaluationMetrics.byId(plugins), err));
        cl.setCommandName(defaultName);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            // The user's mistakes (unknown plug-in, bad option) and the cluster's state by their message; anything
            // else by its type too. Exit codes as dxmi's: 1 failed, 2 client settings Kafka cannot use, 3 cluster
            // unreachable, 4 no plan in time.
            boolean known = ex instanceof IllegalArgumentException || ex instanceof IllegalStateException
                    || ex instanceof ClusterProbe.Unreachable || ex instanceof RunStartup.NoPlan;
            commandLine.getErr().println(defaultName + ": " + (known ? ex.getMessage() : ex.toString()));
            return ex instanceof ClusterProbe.InvalidSettings ? 2 : ex instanceof ClusterProbe.Unreachable ? 3
                    : ex instanceof RunStartup.NoPlan ? 4 : 1;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        DjlRuntime.configureFromEnvironment();
        List<EvaluationMetric> chosen = metricSelection.select(available);
        String run = connection.run();
        Metrics metrics = PipelineContext.metricsFor(name, run);
        metrics.startHttp(metricsPort);
        KafkaSettings settings = connection.settings("dxmi-" + name);
        // Fail fast when the cluster does not answer; wait for the plan here, off any event loop.
        connection.cluster().probe();
        try {
            RunStartup.awaitPlan(settings, run, Duration.ofSeconds(planTimeout), name, System.err);
        } catch (RunStartup.Stopped e) {
            metrics.close();
            err.println(name + ": " + e.getMessage());
            return 0;
        }
        String id = instanceId != null ? instanceId : ServiceOptions.defaultInstanceId();
        EvaluatorVerticle evaluator = EvaluatorVerticle.builder()
                .setOptions(new ServiceOptions(settings, run, id, null, metrics, Duration.ofSeconds(planTimeout)))
                .optName(name).optPlugins(chosen).optEvery(every).optMetricOptions(metricSelection.options()).build();
        Vertx vertx = Vertx.vertx();
        // Steps run in reverse: undeploy, then the exporter, then Vert.x.
        GracefulShutdown shutdown = new GracefulShutdown(Duration.ofSeconds(30)).registerVertx(vertx)
                .register("metrics", metrics::close);
        try {
            String deployment = vertx.deployVerticle(evaluator).toCompletionStage().toCompletableFuture().get();
            shutdown.registerDeployment(vertx, deployment).installHook();
            err.println(name + " (" + String.join(", ", chosen.stream().map(EvaluationMetric::id).toList())
                    + ") joined run '" + run + "'; metrics at " + metrics.httpUrl());
            evaluator.finished().toCompletionStage().toCompletableFuture().get();
            err.println(name + ": the run is done (" + evaluator.reports().size() + " reports)");
            return 0;
        } finally {
            shutdown.uninstallHook();
            shutdown.shutdown();
        }
    }

}
