package io.dxmi.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.data.DataSource;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.dxmi.IterationStats;
import io.dxmi.core.dxmi.ModelStore;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.figures.RunFigures;
import io.dxmi.core.job.MetricsLog;
import io.dxmi.core.job.PretrainJob;
import io.dxmi.core.job.RunResult;
import io.dxmi.core.job.TrainJob;
import io.dxmi.core.model.ModelDirectory;
import io.dxmi.dashboard.DashboardSettings;
import io.dxmi.dashboard.DashboardVerticle;
import io.dxmi.ebmlearner.EbmLearnerVerticle;
import io.dxmi.evaluator.EvaluatorVerticle;
import io.dxmi.evaluator.api.EvaluationMetric;
import io.dxmi.evaluator.output.FinalModel;
import io.dxmi.pipeline.PipelineContext;
import io.dxmi.pipeline.RunCatalog;
import io.dxmi.pipeline.RunPlan;
import io.dxmi.pipeline.RunStartup;
import io.dxmi.pipeline.Submission;
import io.dxmi.platform.metrics.Metrics;
import io.dxmi.sampleractor.SamplerActorVerticle;
import io.dxmi.valuelearner.ValueLearnerVerticle;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * The embedded default from submission to the final report: an {@link EmbeddedCluster} (a real broker and every
 * service in this JVM, gradient work on one training thread per learner, in parallel), a {@link RunMonitor} that
 * watches every service, and the run's final model assembled from its snapshots by {@link FinalModel}, exactly
 * as a distributed run's evaluator writes it, plus the pipeline's own figures. Writes the same result.json,
 * samples.csv and metrics.jsonl as {@code dxmi train}. A resumed run restarts the broker on the run directory's
 * data and the learners from their checkpoints, as separate services do after a restart. Interrupting the thread
 * that runs it stops the run (services, broker and metrics endpoints are closed).
 */
final class EmbeddedRun {

    /** Subdirectories of a run directory. */
    static final String KAFKA = "kafka";
    static final String STATE = "state";

    /**
     * Settings of one embedded run.
     *
     * @param resume continue the run saved in {@code out} (its broker data and checkpoints) instead of a new one
     */
    record Settings(DataSource data, String dataSource, Path out, Path pretrained, DxmiConfig config,
            PretrainConfig pretrainConfig, String mode, int actors, int maxStaleness, int checkpointEvery,
            int evalEvery, String run, boolean resume) {}

    /**
     * The live dashboard of the run.
     *
     * @param port HTTP port (a free port when it is taken; 0 = any free port)
     * @param host the interface to listen on
     * @param keepServing after the run, call {@code onFinished} and keep serving until the process is stopped
     * @param onFinished what to do with the result before serving on (print it); may be null
     */
    record Dashboard(int port, String host, boolean keepServing, Consumer<RunResult> onFinished) {}

    private final Settings s;
    private final ProgressListener listener;
    private final PrintStream log;
    private Dashboard dashboard;
    private int metricsPort;
    private String metricsHost = Metrics.LOOPBACK;
    private Consumer<Map<String, String>> onMetricsEndpoints = endpoints -> {};

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

    /** The interface the metrics endpoints listen on (default loopback). */
    EmbeddedRun metricsHost(String host) {
        this.metricsHost = host;
        return this;
    }

    /** Called once every service is deployed, with each service's metrics endpoint URL by name. */
    EmbeddedRun onMetricsEndpoints(Consumer<Map<String, String>> callback) {
        this.onMetricsEndpoints = callback;
        return this;
    }

    RunResult run() throws Exception {
        DjlRuntime.configureFromEnvironment();
        long t0 = System.nanoTime();
        Path stateDir = s.out().resolve(STATE);
        if (!s.resume()) {
            new RunRecord(s.run(), s.dataSource(), s.data().contentHash()).write(s.out());
        }
        try (MetricsLog metricsLog = new MetricsLog(s.out().resolve(TrainJob.METRICS));
                EmbeddedCluster cluster = EmbeddedCluster.start(s.out().resolve(KAFKA), metricsPort, metricsHost)) {
            log.println("broker: " + cluster.bootstrap() + " (data in " + s.out().resolve(KAFKA) + ")");
            // Before pretraining, so that the user can open the page and watch from the start.
            DashboardVerticle dash = dashboard == null ? null : DashboardLauncher.start(cluster.vertx(),
                    DashboardSettings.builder().setRun(s.run()).setKafka(cluster.kafka()).optRunDir(s.out())
                            .optHost(dashboard.host()), dashboard.port(), log);
            if (dash != null) {
                log.println("dashboard: " + dash.url());
            }
            long p0 = System.nanoTime();
            RunPlan plan = s.resume() ? resumedPlan(cluster) : pretrainAndSubmit(cluster);
            double pretrainSeconds = (System.nanoTime() - p0) / 1e9;
            int actorCount = plan.sync() ? 1 : s.actors();

            ObjectNode start = MetricsLog.record("start");
            start.set("config", ModelDirectory.json().valueToTree(plan.spec().config()));
            start.put("mode", plan.mode());
            start.put("actors", actorCount);
            start.put("run", s.run());
            start.put("resumed", s.resume());
            metricsLog.append(start);

            long t1 = System.nanoTime();
            EbmLearnerVerticle ebm = new EbmLearnerVerticle(
                    cluster.options(EbmLearnerVerticle.ROLE, "0", s.run(), stateDir));
            ValueLearnerVerticle value = new ValueLearnerVerticle(
                    cluster.options(ValueLearnerVerticle.ROLE, "0", s.run(), stateDir));
            EvaluatorVerticle evaluator = new EvaluatorVerticle(cluster.options(EvaluatorVerticle.ROLE, "0", s.run(),
                    stateDir).withFiguresDir(RunFigures.directoryOf(s.out())));
            cluster.deploy(EbmLearnerVerticle.ROLE, ebm, ebm.finished());
            cluster.deploy(ValueLearnerVerticle.ROLE, value, value.finished());
            long startIteration = value.iteration(); // after a resume, where the checkpoint left it
            cluster.deploy(EvaluatorVerticle.ROLE, evaluator, evaluator.finished());
            List<SamplerActorVerticle> actors = new ArrayList<>();
            for (int i = 0; i < actorCount; i++) {
                SamplerActorVerticle a = new SamplerActorVerticle(
                        cluster.options(SamplerActorVerticle.ROLE, Integer.toString(i), s.run(), stateDir));
                actors.add(cluster.deploy(SamplerActorVerticle.ROLE + (i == 0 ? "" : "-" + i), a, a.finished()));
            }
            cluster.metricsEndpoints().forEach((k, v) -> log.println("metrics: " + k + " " + v));
            log.println("evaluator plug-ins: " + String.join(", ",
                    evaluator.plugins().stream().map(EvaluationMetric::id).toList()));
            if (dash != null) {
                cluster.metricsEndpoints().forEach((k, v) -> dash.watch(k, URI.create(v)));
            }
            onMetricsEndpoints.accept(cluster.metricsEndpoints());

            long total = plan.iterations();
            RunProgressLog runLog = new RunProgressLog(metricsLog, t1, startIteration);
            RunMonitor monitor = new RunMonitor(cluster.services(), Duration.ofMillis(500));
            StopWatch stop = new StopWatch(cluster, s.run());
            Runnable tick = () -> {
                runLog.update(ebm, value, evaluator);
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("ebm_it", (double) ebm.iteration());
                // The losses as 'dxmi train' shows them: the energy's from the ebm-learner, the rest from the value-learner.
                IterationStats energyStats = ebm.lastStats();
                IterationStats policyStats = value.lastStats();
                if (energyStats != null) {
                    m.put("E", energyStats.energyLoss());
                }
                if (policyStats != null) {
                    m.put("V", policyStats.valueLoss());
                    m.put("pi", policyStats.policyLoss());
                    m.put("sigma_T", policyStats.lastDrawnSigma());
                }
                if (!"sync".equals(plan.mode())) {
                    m.put("staleness", value.meanStaleness());
                }
                if (!evaluator.reports().isEmpty()) {
                    var last = evaluator.reports().get(evaluator.reports().size() - 1);
                    for (String key : List.of("sw", "auc", "fd")) { // vectors: sw and auc; images: fd
                        if (last.getMetrics().containsKey(key)) {
                            m.put(key, last.getMetrics().get(key));
                        }
                    }
                }
                listener.onProgress("run (" + plan.mode() + ")", value.iteration(), total, m);
                stop.check();
            };
            // The whole run: no fixed limit, but every service is watched and a stop mark ends it.
            monitor.await("the value-learner", () -> value.finished().isComplete(), Duration.ofDays(365), tick);
            double trainSeconds = (System.nanoTime() - t1) / 1e9;
            monitor.awaitService(new RunMonitor.Service(EbmLearnerVerticle.ROLE, ebm.finished()),
                    Duration.ofMinutes(5), tick);
            listener.onProgress("run (" + plan.mode() + ")", total, total, Map.of());
            long produced = actors.stream().mapToLong(SamplerActorVerticle::produced).sum();
            Map<String, Double> breakdown = new LinkedHashMap<>(actors.get(0).phaseMillis());
            breakdown.putAll(ebm.phaseMillis());
            breakdown.putAll(value.phaseMillis());
            for (SamplerActorVerticle a : actors) {
                cluster.undeploy(a);
            }
            monitor.awaitService(new RunMonitor.Service(EvaluatorVerticle.ROLE, evaluator.finished()),
                    Duration.ofMinutes(5), () -> runLog.update(ebm, value, evaluator));
            cluster.undeploy(evaluator);
            runLog.update(ebm, value, evaluator);

            FinalModel.Parts parts = FinalModel.awaitFinal(cluster.kafka(), plan, Duration.ofMinutes(2),
                    Duration.ofMinutes(2));
            long done = total - startIteration;
            RunResult result = FinalModel.write(plan, s.data(), parts, s.out(),
                    FinalModel.history(cluster.kafka(), s.run()), "dxmi run", r -> r
                            .withTiming(new RunResult.Timing(total, done, (System.nanoTime() - t0) / 1e9,
                                    pretrainSeconds, trainSeconds, r.timing().evalSeconds(), null,
                                    done / Math.max(trainSeconds, 1e-9), null, null))
                            .withPipeline(new RunResult.Pipeline(plan.mode(), actorCount, plan.maxStaleness(),
                                    produced, ebm.iteration(), breakdown, value.maxStaleness(),
                                    value.meanStaleness(), value.pacingViolations(), parts.ebm().version()))
                            .withTrainer("distributed pipeline (embedded Kafka broker, all services in one JVM)"));
            metricsLog.append(MetricsLog.finalRecord(result));
            cluster.undeploy(ebm);
            cluster.undeploy(value);
            if (dash != null && dashboard.keepServing()) {
                if (dashboard.onFinished() != null) {
                    dashboard.onFinished().accept(result);
                }
                log.println("dashboard: the run is done; still serving " + dash.url() + " (Ctrl-C to stop)");
                new CountDownLatch(1).await();
            }
            return result;
        }
    }

    /** A new run: pretrain (or load) the DDPM, then publish the plan and the initial policy. */
    private RunPlan pretrainAndSubmit(EmbeddedCluster cluster) throws Exception {
        try (DdpmModel ddpm = s.pretrained() != null ? ModelStore.loadDdpm(s.pretrained())
                : PretrainJob.builder().setData(s.data()).setConfig(s.pretrainConfig())
                        .optOutput(s.out().resolve(TrainJob.PRETRAINED)).optListener(listener).build().run()) {
            RunPlan plan = Submission.plan(s.run(), s.config(), ddpm, s.data(), s.dataSource(), s.mode(),
                    s.maxStaleness(), s.checkpointEvery(), s.evalEvery());
            try (PipelineContext ctx = PipelineContext.open(cluster.vertx(), cluster.kafka(), s.run(), "submit",
                    PipelineContext.metricsFor("submit", s.run()))) {
                warnWhenTheDiskIsShort(Submission.submit(ctx, plan, ddpm), s.out().resolve(KAFKA));
            }
            return plan;
        }
    }

    /**
     * Says at the start when the embedded broker's disk has less room than the run's topics may take: when the disk
     * fills, Kafka halts the process (the checkpoints stay, and {@code --resume} continues once there is room).
     */
    private void warnWhenTheDiskIsShort(long topicBytes, Path kafkaDir) throws IOException {
        long free = Files.getFileStore(kafkaDir).getUsableSpace();
        if (free < topicBytes) {
            log.println("warning: the run's topics may take up to " + (topicBytes >> 20) + " MiB, but " + kafkaDir
                    + " has " + (free >> 20) + " MiB free: if the disk fills, the broker stops the run (make room,"
                    + " then continue it with --resume)");
        }
    }

    /** A resumed run: its plan is on the broker's spec topic; a stop mark is cleared. */
    private RunPlan resumedPlan(EmbeddedCluster cluster) {
        try (RunCatalog catalog = new RunCatalog(cluster.kafka(), Duration.ofSeconds(30))) {
            RunCatalog.Spec spec = catalog.spec(s.run()).orElse(null);
            if (spec == null || spec.plan() == null) {
                List<String> runs = catalog.runs();
                if (runs.size() == 1 && !runs.get(0).equals(s.run())) {
                    throw new UsageError("--resume: the run in " + s.out() + " is named '" + runs.get(0)
                            + "'; add --run-name " + runs.get(0));
                }
                throw new UsageError("nothing to resume in " + s.out() + ": run '" + s.run() + "' was never submitted"
                        + " there (it stopped during pretraining?); start it again with --force");
            }
            if (!spec.plan().spec().data().contentHash().equals(s.data().contentHash())) {
                throw new UsageError("--resume: run '" + s.run() + "' in " + s.out() + " was trained on '"
                        + spec.plan().spec().dataSource() + "', not on the --data given");
            }
            if (spec.stop() != null) {
                catalog.clearStop(s.run());
                log.println("run '" + s.run() + "' had been stopped; continuing it");
            }
            log.println("resuming run '" + s.run() + "' (" + spec.plan().mode() + ", " + spec.plan().iterations()
                    + " iterations) from the checkpoints in " + s.out().resolve(STATE));
            return spec.plan();
        }
    }

    /** Ends the run when someone marks it stopped ({@code dxmi runs stop}); checks every few seconds. */
    private static final class StopWatch {
        private final EmbeddedCluster cluster;
        private final String run;
        private long nextCheck;

        StopWatch(EmbeddedCluster cluster, String run) {
            this.cluster = cluster;
            this.run = run;
            this.nextCheck = System.nanoTime() + 5_000_000_000L;
        }

        void check() {
            if (System.nanoTime() < nextCheck) {
                return;
            }
            nextCheck = System.nanoTime() + 5_000_000_000L;
            try (RunCatalog catalog = new RunCatalog(cluster.kafka(), Duration.ofSeconds(10))) {
                RunStartup.Stopped stop = RunStartup.stopMark(catalog, run);
                if (stop != null) {
                    throw new RunStopped(stop.getMessage().replace("; nothing to do",
                            "; continue it with 'dxmi run --resume'"));
                }
            }
        }
    }

    /** The run was stopped from outside; its checkpoints stay for a resume. */
    static final class RunStopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RunStopped(String message) {
            super(message);
        }
    }
}
