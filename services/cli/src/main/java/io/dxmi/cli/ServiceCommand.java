package io.dxmi.cli;

import io.dxmi.ebmlearner.EbmLearnerVerticle;
import io.dxmi.evaluator.EvaluatorVerticle;
import io.dxmi.evaluator.MetricSelectionOptions;
import io.dxmi.evaluator.api.EvaluationMetric;
import io.dxmi.evaluator.api.EvaluationMetrics;
import io.dxmi.pipeline.PipelineContext;
import io.dxmi.pipeline.RunCatalog;
import io.dxmi.pipeline.RunConnectionOptions;
import io.dxmi.pipeline.RunStartup;
import io.dxmi.pipeline.ServiceOptions;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.lifecycle.GracefulShutdown;
import io.dxmi.platform.metrics.Metrics;
import io.dxmi.sampleractor.SamplerActorVerticle;
import io.dxmi.valuelearner.ValueLearnerVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code dxmi service NAME}: one service of a distributed run, as its own process. Start-up fails fast: the flags
 * are checked, then the cluster must answer within {@code --connect-timeout}; then the service waits (off any
 * event loop) for the run's plan, saying so once and every 30 s, and ends with one line when none comes within
 * {@code --plan-timeout}. While it runs, a {@code dxmi runs stop} mark ends it gracefully.
 */
@Command(name = "service", mixinStandardHelpOptions = true,
        description = {"Run one service of a distributed run against a Kafka cluster; exits 0 when the run is done.",
            "Start the run with 'dxmi submit'. Stop with SIGTERM (graceful; learners resume from checkpoints).",
            "The anomaly scorer is not a run's service: see 'dxmi service anomaly-scorer --help'."})
final class ServiceCommand implements Callable<Integer> {

    enum Name { sampler_actor, ebm_learner, value_learner, evaluator }

    /** How often a running service looks for a stop mark. */
    private static final Duration STOP_CHECK = Duration.ofSeconds(5);

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME",
            description = "sampler-actor, ebm-learner, value-learner or evaluator.",
            converter = NameConverter.class)
    Name name;

    @Mixin
    RunConnectionOptions kafka;

    @Mixin
    EngineOptions engine = new EngineOptions();

    @Option(names = "--metrics-port", defaultValue = "9400", paramLabel = "PORT",
            description = "Prometheus endpoint port, 0 = any free port (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--metrics-host", defaultValue = Metrics.LOOPBACK, paramLabel = "ADDRESS",
            description = "Interface of the Prometheus endpoint; 0.0.0.0 = every interface, for a Prometheus on"
                    + " another machine (default: ${DEFAULT-VALUE}).")
    String metricsHost;

    @Option(names = {"--state-dir", "--checkpoint-dir"}, defaultValue = "state", paramLabel = "DIR",
            description = "Learners only: their checkpoints (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--actor-id", paramLabel = "ID",
            description = "Actors only: this actor's id (default: host name and process id, so scaled actors draw"
                    + " different noise); actor 0 draws exactly the single-process trainer's noise.")
    String actorId;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Evaluator only: when the run ends, write its final model (model.json, weights.dxt),"
                    + " samples.csv, figures/ and result.json here.")
    Path out;

    @Option(names = "--figures-dir", paramLabel = "DIR",
            description = "Evaluator only: redraw the run's PNG figures here at each evaluation (default: DIR/figures"
                    + " with --out, else none).")
    Path figuresDir;

    @Option(names = "--plan-timeout", defaultValue = "300", paramLabel = "SECONDS",
            description = "Seconds to wait for the run plan (default: ${DEFAULT-VALUE}).")
    long planTimeout;

    @Mixin
    MetricSelectionOptions metricSelection = new MetricSelectionOptions(); // evaluator only

    static final class NameConverter implements ITypeConverter<Name> {
        @Override
        public Name convert(String value) {
            try {
                return Name.valueOf(value.replace('-', '_').toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("unknown service '" + value
                        + "'; services: sampler-actor, ebm-learner, value-learner, evaluator");
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        String service = name.name().replace('_', '-');
        // 1. Every flag, before anything starts.
        Checks.port("--metrics-port", metricsPort);
        Checks.atLeast("--plan-timeout", planTimeout, 1);
        onlyFor(Name.sampler_actor, "--actor-id");
        onlyFor(Name.evaluator, "--out", "--figures-dir", "--metric", "--metric-option");
        if (name != Name.ebm_learner && name != Name.value_learner) {
            onlyFor(null, "--state-dir");
        }
        engine.apply();
        String run;
        KafkaSettings settings;
        List<EvaluationMetric> plugins = null;
        try {
            run = kafka.run();
            settings = kafka.settings("dxmi-" + service);
            if (name == Name.evaluator) {
                plugins = metricSelection.select(EvaluationMetrics.discover());
            }
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage(), e);
        }
        if (name == Name.ebm_learner || name == Name.value_learner) {
            OutputDirectory.prepare(stateDir, "--state-dir");
        }
        if (out != null) {
            OutputDirectory.prepare(out, "--out");
            if (figuresDir == null) {
                figuresDir = out.resolve("figures");
            }
        }
        if (figuresDir != null) {
            OutputDirectory.prepare(figuresDir, "--figures-dir");
        }
        // 2. The metrics endpoint (a health check sees the process while it waits), 3. the cluster answers,
        // 4. the plan is there: no topic is created before it is.
        Metrics metrics = PipelineContext.metricsFor(service, run);
        try {
            metrics.startHttp(metricsHost, metricsPort);
        } catch (RuntimeException e) {
            throw new UsageError("--metrics-host " + metricsHost + " --metrics-port " + metricsPort + ": "
                    + DxmiCommand.describe(e), e);
        }
        try {
            kafka.cluster().probe();
            RunStartup.awaitPlan(settings, run, Duration.ofSeconds(planTimeout), service, System.err);
        } catch (RunStartup.Stopped e) {
            metrics.close();
            System.err.println(service + ": " + e.getMessage());
            return ExitCode.OK;
        } catch (RuntimeException | InterruptedException e) {
            metrics.close();
            throw e;
        }
        String id = actorId != null ? actorId : ServiceOptions.defaultInstanceId();
        ServiceOptions options = new ServiceOptions(settings, run, id, stateDir, metrics,
                Duration.ofSeconds(planTimeout), figuresDir);
        VerticleBase verticle;
        Future<Void> finished;
        switch (name) {
            case sampler_actor: {
                SamplerActorVerticle v = new SamplerActorVerticle(options);
                verticle = v;
                finished = v.finished();
                break;
            }
            case ebm_learner: {
                EbmLearnerVerticle v = new EbmLearnerVerticle(options);
                verticle = v;
                finished = v.finished();
                break;
            }
            case value_learner: {
                ValueLearnerVerticle v = new ValueLearnerVerticle(options);
                verticle = v;
                finished = v.finished();
                break;
            }
            default: {
                EvaluatorVerticle v = EvaluatorVerticle.builder().setOptions(options).optPlugins(plugins)
                        .optMetricOptions(metricSelection.options()).optOutput(out).build();
                verticle = v;
                finished = v.finished();
            }
        }
        Vertx vertx = Vertx.vertx();
        String deployment;
        try {
            deployment = vertx.deployVerticle(verticle).toCompletionStage().toCompletableFuture()
                    .get(planTimeout + 120, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException | RuntimeException e) {
            // It never ran: closed without the shutdown's log lines, so that the reason is the last line printed.
            try {
                vertx.close().await(30, TimeUnit.SECONDS);
            } catch (TimeoutException closing) {
                e.addSuppressed(closing);
            }
            metrics.close();
            if (e instanceof ExecutionException) {
                throw new IllegalStateException(service + " did not start: " + DxmiCommand.describe(e.getCause()),
                        e.getCause());
            }
            throw e;
        }
        GracefulShutdown shutdown = new GracefulShutdown(Duration.ofSeconds(30));
        shutdown.registerVertx(vertx).register("metrics", metrics::close);
        try {
            shutdown.registerDeployment(vertx, deployment).installHook();
            System.err.println(service + " of run '" + run + "' started; metrics at " + metrics.httpUrl());
            if (!watch(service, settings, run, finished)) {
                return ExitCode.OK;
            }
            System.err.println(service + ": the run is done" + (out != null ? "; its final model is in " + out : ""));
            return ExitCode.OK;
        } finally {
            shutdown.uninstallHook();
            shutdown.shutdown();
        }
    }

    /**
     * Waits for the service to finish, looking for a stop mark meanwhile. True when the run is done, false when
     * it was stopped; a failed service is an exception naming it.
     */
    private boolean watch(String service, KafkaSettings settings, String run, Future<Void> finished)
            throws InterruptedException {
        long nextCheck = System.nanoTime() + STOP_CHECK.toNanos();
        try (RunCatalog catalog = new RunCatalog(settings, Duration.ofSeconds(30))) {
            while (!finished.isComplete()) {
                Thread.sleep(200);
                if (System.nanoTime() >= nextCheck) {
                    nextCheck = System.nanoTime() + STOP_CHECK.toNanos();
                    RunStartup.Stopped stopped = stopMark(catalog, run);
                    if (stopped != null) {
                        System.err.println(service + ": " + stopped.getMessage().replace("; nothing to do",
                                "; stopping"));
                        return false;
                    }
                }
            }
        }
        if (finished.failed()) {
            throw new RunMonitor.ServiceFailed("the " + service + " failed: " + DxmiCommand.describe(finished.cause()),
                    finished.cause());
        }
        return true;
    }

    /**
     * The stop mark, or null; a cluster that does not answer this once is no reason to stop a service that is
     * working (the service itself reports broker outages), so it counts as no mark.
     */
    private static RunStartup.Stopped stopMark(RunCatalog catalog, String run) {
        try {
            return RunStartup.stopMark(catalog, run);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Options of some services only: given to another, they are a usage error. */
    private void onlyFor(Name service, String... options) {
        ParseResult parsed = spec.commandLine().getParseResult();
        for (String o : options) {
            if (service != name && parsed.hasMatchedOption(o)) {
                throw new UsageError(o + " does not apply to the " + name.name().replace('_', '-') + " ("
                        + (service == null ? "learners only" : service.name().replace('_', '-') + " only") + ")");
            }
        }
    }
}
