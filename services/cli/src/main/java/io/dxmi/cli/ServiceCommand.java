package io.dxmi.cli;

import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.ebmlearner.EbmLearnerVerticle;
import io.dxmi.evaluator.MetricSelectionOptions;
import io.dxmi.evaluator.EvaluatorVerticle;
import io.dxmi.evaluator.api.EvaluationMetrics;
import io.dxmi.pipeline.PipelineContext;
import io.dxmi.pipeline.RunConnectionOptions;
import io.dxmi.pipeline.ServiceOptions;
import io.dxmi.platform.lifecycle.GracefulShutdown;
import io.dxmi.platform.metrics.Metrics;
import io.dxmi.sampleractor.SamplerActorVerticle;
import io.dxmi.valuelearner.ValueLearnerVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code dxmi service NAME}: one service of a distributed run, as its own process. */
@Command(name = "service", mixinStandardHelpOptions = true,
        description = {"Run one service of a distributed run against a Kafka cluster; exits when the run is done.",
            "Start the run with 'dxmi submit'. Stop with SIGTERM (graceful; learners resume from checkpoints).",
            "The anomaly scorer is not a run's service: see 'dxmi service anomaly-scorer --help'."})
final class ServiceCommand implements Callable<Integer> {

    enum Name { sampler_actor, ebm_learner, value_learner, evaluator }

    @Parameters(index = "0", paramLabel = "NAME",
            description = "sampler-actor, ebm-learner, value-learner or evaluator.",
            converter = NameConverter.class)
    Name name;

    @Mixin
    RunConnectionOptions kafka;

    @Option(names = "--metrics-port", defaultValue = "9400",
            description = "Prometheus endpoint port, 0 = any free port (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = {"--state-dir", "--checkpoint-dir"}, defaultValue = "state", paramLabel = "DIR",
            description = "Learners' checkpoints (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--actor-id",
            description = "This actor's id (default: host name and process id, so scaled actors draw different noise);"
                    + " actor 0 draws exactly the single-process trainer's noise.")
    String actorId;

    @Option(names = "--figures-dir", paramLabel = "DIR",
            description = "Evaluator only: redraw the run's PNG figures here at each evaluation (default: none).")
    Path figuresDir;

    @Option(names = "--plan-timeout", defaultValue = "300",
            description = "Seconds to wait for the run plan (default: ${DEFAULT-VALUE}).")
    long planTimeout;

    @Mixin
    MetricSelectionOptions metricSelection = new MetricSelectionOptions(); // evaluator only

    static final class NameConverter implements picocli.CommandLine.ITypeConverter<Name> {
        @Override
        public Name convert(String value) {
            try {
                return Name.valueOf(value.replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("unknown service '" + value
                        + "'; services: sampler-actor, ebm-learner, value-learner, evaluator");
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        DjlRuntime.configureFromEnvironment();
        String service = name.name().replace('_', '-');
        Metrics metrics = PipelineContext.metricsFor(service, kafka.run());
        int port = metrics.startHttp(metricsPort);
        String id = actorId != null ? actorId : ServiceOptions.defaultInstanceId();
        ServiceOptions options = new ServiceOptions(kafka.settings("dxmi-" + service), kafka.run(), id, stateDir,
                metrics, Duration.ofSeconds(planTimeout), figuresDir);
        Vertx vertx = Vertx.vertx();
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
                EvaluatorVerticle v = EvaluatorVerticle.builder().setOptions(options)
                        .optPlugins(metricSelection.select(EvaluationMetrics.discover()))
                        .optMetricOptions(metricSelection.options()).build();
                verticle = v;
                finished = v.finished();
            }
        }
        String deployment = vertx.deployVerticle(verticle).toCompletionStage().toCompletableFuture().get();
        GracefulShutdown shutdown = new GracefulShutdown(Duration.ofSeconds(30));
        shutdown.registerVertx(vertx).registerDeployment(vertx, deployment).register("metrics", metrics::close).installHook();
        System.err.println(service + " of run '" + kafka.run() + "' started; metrics at http://localhost:" + port
                + "/metrics");
        finished.toCompletionStage().toCompletableFuture().get();
        System.err.println(service + ": the run is done");
        shutdown.uninstallHook();
        shutdown.shutdown();
        return 0;
    }
}
