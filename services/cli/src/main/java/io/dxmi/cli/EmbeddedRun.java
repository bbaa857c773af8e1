package io.dxmi.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.data.DataSource;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.DxmiTrainer;
import io.dxmi.core.dxmi.ModelStore;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.eval.Evaluator;
import io.dxmi.core.figures.MetricHistory;
import io.dxmi.core.figures.RunFigures;
import io.dxmi.core.job.MetricsLog;
import io.dxmi.core.job.PretrainJob;
import io.dxmi.core.job.RunReport;
import io.dxmi.core.model.DataInfo;
import io.dxmi.core.model.ModelDirectory;
import io.dxmi.dashboard.DashboardSettings;
import io.dxmi.dashboard.DashboardVerticle;
import io.dxmi.ebmlearner.EbmLearnerVerticle;
import io.dxmi.evaluator.EvaluatorVerticle;
import io.dxmi.evaluator.api.EvaluationMetric;
import io.dxmi.pipeline.ModelParts;
import io.dxmi.pipeline.PipelineContext;
import io.dxmi.pipeline.RunPlan;
import io.dxmi.pipeline.RunTopics;
import io.dxmi.pipeline.ServiceOptions;
import io.dxmi.pipeline.SnapshotFollower;
import io.dxmi.pipeline.Submission;
import io.dxmi.platform.broker.EmbeddedKafkaBroker;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.metrics.Metrics;
import io.dxmi.sampleractor.SamplerActorVerticle;
import io.dxmi.schemas.EvaluationReport;
import io.dxmi.valuelearner.ValueLearnerVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The embedded default: a real Kafka broker (KRaft, in this JVM, its data under the run
 * directory), every service of the pipeline deployed in one Vert.x instance (gradient work
 * on one training thread per learner, in parallel), a run from submission to the final report —
 * the same result.json, samples.csv and metrics.jsonl as {@code dxmi train}. Each service
 * exports its Prometheus metrics on a port of its own. Interrupting the thread that runs it stops
 * the run (services, broker and metrics endpoints are closed).
 */
final class EmbeddedRun {

    /** Settings of one embedded run. */
    record Settings(DataSource data, String dataSource, Path out, Path pretrained, DxmiConfig config,
            PretrainConfig pretrainConfig, String mode, int actors, int maxStaleness, int checkpointEvery,
            int evalEvery, String run) {}

    /** Headline figures. */
    record Outcome(double swMean, double swStd, double auc, double iterationsPerSecond, double wallSeconds) {}

    /**
     * The live dashboard of the run.
     *
     * @param port HTTP port (a free port when it is taken; 0 = any free port)
     * @param keepServing after the run, call {@code onFinished} and keep serving until the process is stopped
     * @param onFinished what to do with the outcome before serving on (print it); may be null
     */
    record Dashboard(int port, boolean keepServing, java.util.function.Consumer<Outcome> onFinished) {}

    private final Settings s;
    private final ProgressListener listener;
    private final PrintStream log;
    private Dashboard dashboard;
    private int metricsPort;
    private java.util.function.Consumer<Map<String, Integer>> onMetricsEndpoints = ports -> {};

    EmbeddedRun(Settings settings, ProgressListener listener, PrintStream log) {
        this.s = settings;
        this.listener = listener;
        this.log = log;
    }

    /** Serves the live dashboard during the run (default: none). */
    EmbeddedRun withDashboard(Dashboard d) {
        this.dashboard = d;
        return this;
    }

    /** The first service's metrics port, the next services' counting up from it; 0 (default) = any free ports. */
    EmbeddedRun metricsPort(int firstPort) {
        this.metricsPort = firstPort;
        return this;
    }

    /** Called once every service is deployed, with each service's metrics port by name. */
    EmbeddedRun onMetricsEndpoints(java.util.function.Consumer<Map<String, Integer>> callback) {
        this.onMetricsEndpoints = callback;
        return this;
    }

    Outcome run() throws Exception {
        DjlRuntime.configureFromEnvironment();
        long t0 = System.nanoTime();
        Files.createDirectories(s.out());
        Path kafkaDir = s.out().resolve("kafka");
        deleteRecursively(kafkaDir);
        Path stateDir = s.out().resolve("state");
        deleteRecursively(stateDir);
        // A new run: its log starts empty (the broker's data and the states were deleted too).
        Files.deleteIfExists(s.out().resolve(io.dxmi.core.job.TrainJob.METRICS));
        List<Metrics> allMetrics = new ArrayList<>();
        Vertx vertx = Vertx.vertx();
        try (MetricsLog metricsLog = new MetricsLog(s.out().resolve(io.dxmi.core.job.TrainJob.METRICS));
                EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().setDataDir(kafkaDir).build().start();
                // Closed before the broker: services still deployed (an interrupted run) stop while it is up.
                AutoCloseable services = () -> vertx.close().toCompletionStage().toCompletableFuture()
                        .get(30, TimeUnit.SECONDS)) {
            log.println("broker: " + broker.bootstrapServers() + " (data in " + kafkaDir + ")");
            KafkaSettings kafka = KafkaSettings.builder().setBootstrapServers(broker.bootstrapServers())
                    .optClientIdPrefix("dxmi-run").build();
            // Before pretraining, so that the user can open the page and watch from the start.
            DashboardVerticle dash = dashboard == null ? null : DashboardLauncher.start(vertx,
                    DashboardSettings.builder().setRun(s.run()).setKafka(kafka).optRunDir(s.out()), dashboard.port(),
                    log);
            if (dash != null) {
                log.println("dashboard: " + dash.url());
            }
            long p0 = System.nanoTime();
            RunPlan plan;
            try (DdpmModel ddpm = s.pretrained() != null ? ModelStore.loadDdpm(s.pretrained())
                    : PretrainJob.builder().setData(s.data()).setConfig(s.pretrainConfig())
                            .optOutput(s.out().resolve("pretrained")).optListener(listener).build().run()) {
                plan = Submission.plan(s.run(), s.config(), ddpm, s.data(), s.dataSource(), s.mode(),
                        s.maxStaleness(), s.checkpointEvery(), s.evalEvery());
                Metrics submitMetrics = PipelineContext.metricsFor("submit", s.run());
                try (PipelineContext ctx = PipelineContext.open(vertx, kafka, s.run(), "submit", submitMetrics)) {
                    Submission.submit(ctx, plan, ddpm);
                }
            }
            double pretrainSeconds = (System.nanoTime() - p0) / 1e9;

            ObjectNode start = MetricsLog.record("start");
            start.set("config", ModelDirectory.json().valueToTree(s.config()));
            start.put("mode", plan.mode());
            start.put("actors", plan.sync() ? 1 : s.actors());
            start.put("run", s.run());
            metricsLog.append(start);

            Map<String, Integer> ports = new LinkedHashMap<>();
            java.util.function.BiFunction<String, String, ServiceOptions> options = (service, id) -> {
                Metrics m = PipelineContext.metricsFor(service, s.run());
                ports.put(service + ("0".equals(id) ? "" : "-" + id),
                        m.startHttp(metricsPort == 0 ? 0 : metricsPort + ports.size()));
                allMetrics.add(m);
                return new ServiceOptions(kafka, s.run(), id, stateDir, m, Duration.ofMinutes(2));
            };
            long t1 = System.nanoTime();
            EbmLearnerVerticle ebm = new EbmLearnerVerticle(options.apply(EbmLearnerVerticle.ROLE, "0"));
            ValueLearnerVerticle value = new ValueLearnerVerticle(options.apply(ValueLearnerVerticle.ROLE, "0"));
            EvaluatorVerticle evaluator = new EvaluatorVerticle(options.apply(EvaluatorVerticle.ROLE, "0")
                    .withFiguresDir(RunFigures.directoryOf(s.out())));
            List<SamplerActorVerticle> actors = new ArrayList<>();
            int actorCount = plan.sync() ? 1 : s.actors();
            for (int i = 0; i < actorCount; i++) {
                actors.add(new SamplerActorVerticle(options.apply(SamplerActorVerticle.ROLE, Integer.toString(i))));
            }
            await(vertx.deployVerticle(ebm));
            await(vertx.deployVerticle(value));
            await(vertx.deployVerticle(evaluator));
            for (SamplerActorVerticle a : actors) {
                await(vertx.deployVerticle(a));
            }
            ports.forEach((k, v) -> log.println("metrics: " + k + " http://localhost:" + v + "/metrics"));
            log.println("evaluator plug-ins: " + String.join(", ",
                    evaluator.plugins().stream().map(EvaluationMetric::id).toList()));
            if (dash != null) {
                ports.forEach((k, v) -> dash.watch(k, java.net.URI.create("http://localhost:" + v + "/metrics")));
            }
            onMetricsEndpoints.accept(Map.copyOf(ports));

            long total = plan.iterations();
            RunLog runLog = new RunLog(metricsLog, t1);
            while (!value.finished().isComplete()) {
                Thread.sleep(500);
                runLog.update(ebm, value, evaluator);
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("ebm_it", (double) ebm.iteration());
                if (!evaluator.reports().isEmpty()) {
                    var last = evaluator.reports().get(evaluator.reports().size() - 1);
                    m.put("sw", last.getMetrics().getOrDefault("sw", Double.NaN));
                    m.put("auc", last.getMetrics().getOrDefault("auc", Double.NaN));
                }
                listener.onProgress("run (" + plan.mode() + ")", value.iteration(), total, m);
                if (value.finished().failed()) {
                    throw new IllegalStateException("the value-learner failed: " + value.finished().cause());
                }
            }
            await(value.finished());
            double trainSeconds = (System.nanoTime() - t1) / 1e9;
            runLog.update(ebm, value, evaluator);
            listener.onProgress("run (" + plan.mode() + ")", total, total, Map.of());
            // The last EBM version the value-learner used is the final energy (sync: exactly total).
            long produced = actors.stream().mapToLong(SamplerActorVerticle::produced).sum();
            Map<String, Double> breakdown = new LinkedHashMap<>(actors.get(0).phaseMillis());
            breakdown.putAll(ebm.phaseMillis());
            breakdown.putAll(value.phaseMillis());
            for (SamplerActorVerticle a : actors) {
                await(vertx.undeploy(a.deploymentID()));
            }
            evaluator.finished().toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
            await(vertx.undeploy(evaluator.deploymentID()));
            runLog.update(ebm, value, evaluator);

            Outcome outcome = finish(plan, kafka, stateDir, t0, pretrainSeconds, trainSeconds, produced, ebm, value,
                    breakdown, EvaluatorVerticle.history(evaluator.reports()), metricsLog);
            await(vertx.undeploy(ebm.deploymentID()));
            await(vertx.undeploy(value.deploymentID()));
            if (dash != null && dashboard.keepServing()) {
                if (dashboard.onFinished() != null) {
                    dashboard.onFinished().accept(outcome);
                }
                log.println("dashboard: the run is done; still serving " + dash.url() + " (Ctrl-C to stop)");
                new java.util.concurrent.CountDownLatch(1).await();
            }
            return outcome;
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            allMetrics.forEach(Metrics::close);
        }
    }

    /** Assembles the final model (value-learner's state, newest energy), evaluates, writes the run directory. */
    private Outcome finish(RunPlan plan, KafkaSettings kafka, Path stateDir, long t0, double pretrainSeconds,
            double trainSeconds, long produced, EbmLearnerVerticle ebm, ValueLearnerVerticle value,
            Map<String, Double> breakdown, MetricHistory history, MetricsLog metricsLog) throws Exception {
        Path latest;
        try (Stream<Path> dirs = Files.list(stateDir.resolve(s.run()).resolve(ValueLearnerVerticle.ROLE))) {
            latest = dirs.filter(p -> p.getFileName().toString().startsWith("ckpt-")).max(Path::compareTo)
                    .orElseThrow(() -> new IllegalStateException("the value-learner left no checkpoint"));
        }
        ModelStore.LoadedDxmi loaded = ModelStore.loadDxmi(latest.resolve("model"));
        try (DxmiModel model = loaded.model();
                SnapshotFollower follower = SnapshotFollower.builder().setKafka(kafka, new RunTopics(s.run()),
                        Metrics.create("final")).setModels(Set.of(RunTopics.EBM, RunTopics.EMA)).build().start()) {
            DxmiTrainer trainer = new DxmiTrainer(model, s.data()::sample);
            trainer.restoreState(loaded.state());
            SnapshotFollower.Versioned energy = follower.await(RunTopics.EBM, plan.iterations())
                    .get(2, TimeUnit.MINUTES);
            ModelParts.load(model, RunTopics.EBM, energy.weights());
            if (model.emaValues() != null) {
                ModelParts.load(model, RunTopics.EMA, follower.await(RunTopics.EMA, plan.iterations())
                        .get(2, TimeUnit.MINUTES).weights());
            }
            ModelStore.saveDxmi(s.out(), trainer, DataInfo.of(s.data()), null);
            // The evaluator holds only the energy; the assembled model has the values too.
            RunFigures.builder().setData(s.data()).optSeed(plan.spec().config().seed()).build()
                    .write(model, history, RunFigures.directoryOf(s.out()));

            Evaluator evaluator = Evaluator.builder().setData(s.data()).optSeed(plan.spec().config().seed() + 1000)
                    .build();
            RunReport.Quality[] q = new RunReport.Quality[1];
            long e0 = System.nanoTime();
            ObjectNode r = RunReport.evaluate(model, s.data(), evaluator, 10_000, s.out(), q);
            double wall = (System.nanoTime() - t0) / 1e9;
            r.put("iterations", plan.iterations());
            r.put("wall_seconds", wall);
            r.put("pretrain_seconds", pretrainSeconds);
            r.put("train_seconds", trainSeconds);
            r.put("eval_seconds", (System.nanoTime() - e0) / 1e9);
            r.put("iterations_per_second", plan.iterations() / Math.max(trainSeconds, 1e-9));
            r.put("mode", plan.mode());
            r.put("actors", plan.sync() ? 1 : s.actors());
            r.put("max_staleness", plan.maxStaleness());
            r.put("batches_rolled_out", produced);
            r.put("ebm_iterations", ebm.iteration());
            r.set("time_breakdown_ms", ModelDirectory.json().valueToTree(breakdown));
            r.put("staleness_max", value.maxStaleness());
            r.put("staleness_mean", value.meanStaleness());
            r.put("pacing_violations", value.pacingViolations());
            r.put("ebm_version_used", energy.version());
            r.put("trainer", "distributed pipeline (embedded Kafka broker, all services in one JVM)");
            r.put("skipped_updates", trainer.skippedUpdates());
            RunReport.write(s.out(), r);
            metricsLog.append(MetricsLog.finalRecord(r));
            return new Outcome(q[0].sw().mean(), q[0].sw().std(), q[0].auc(),
                    plan.iterations() / Math.max(trainSeconds, 1e-9), wall);
        }
    }

    /**
     * Writes the run's progress to metrics.jsonl as {@code dxmi train} does: a {@code train}
     * record per new value-learner iteration seen (the energy's figures from the ebm-learner), and
     * an {@code eval} record per new evaluator report.
     */
    private static final class RunLog {
        private final MetricsLog log;
        private final long startNanos;
        private long loggedIteration;
        private int loggedReports;

        RunLog(MetricsLog log, long startNanos) {
            this.log = log;
            this.startNanos = startNanos;
        }

        void update(EbmLearnerVerticle ebm, ValueLearnerVerticle value, EvaluatorVerticle evaluator) {
            long it = value.iteration();
            if (it > loggedIteration && value.lastStats() != null) {
                double seconds = (System.nanoTime() - startNanos) / 1e9;
                ObjectNode rec = MetricsLog.trainRecord(it, it / Math.max(seconds, 1e-9), ebm.lastStats(),
                        value.lastStats());
                rec.put("ebmIteration", ebm.iteration());
                log.append(rec);
                loggedIteration = it;
            }
            List<EvaluationReport> reports = evaluator.reports();
            for (; loggedReports < reports.size(); loggedReports++) {
                EvaluationReport r = reports.get(loggedReports);
                ObjectNode ev = MetricsLog.evalRecord(r.getIteration(),
                        r.getMetrics().getOrDefault("sw", Double.NaN), r.getMetrics().getOrDefault("auc", Double.NaN));
                ev.put("policyVersion", r.getPolicyVersion());
                ev.put("ebmVersion", r.getEbmVersion());
                log.append(ev);
            }
        }
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
