package io.dxmi.anomalyscorer;

import io.dxmi.pipeline.PipelineContext;
import io.dxmi.pipeline.RunPlan;
import io.dxmi.pipeline.RunStartup;
import io.dxmi.pipeline.RunTopics;
import io.dxmi.pipeline.SnapshotFollower;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.metrics.Metrics;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The newest energy snapshot of a training run ({@code --follow-run R}), through the pipeline's
 * snapshot follower: the run's plan gives the network, each verified snapshot its weights, and
 * with {@link SnapshotDensity} normal images each snapshot its own feature density.
 */
final class RunModelSource implements ModelSource {

    private static final Logger LOG = LoggerFactory.getLogger(RunModelSource.class);

    private final Vertx vertx;
    private final KafkaSettings settings;
    private final String run;
    private final Metrics metrics;
    private final Duration planTimeout;
    private final SnapshotDensity density;
    private PipelineContext context;
    private SnapshotFollower follower;
    private Thread thread;

    /** @param density the normal images each snapshot's feature density is fitted on; null: the energy's head scores */
    RunModelSource(Vertx vertx, KafkaSettings settings, String run, Metrics metrics, Duration planTimeout,
            SnapshotDensity density) {
        this.vertx = vertx;
        this.settings = settings;
        this.run = run;
        this.metrics = metrics;
        this.planTimeout = planTimeout;
        this.density = density;
    }

    @Override
    public void start(ScorerState state) throws Exception {
        context = PipelineContext.open(vertx, settings, run, "anomaly-scorer", metrics);
        RunPlan plan;
        try {
            plan = context.awaitPlan(planTimeout);
        } catch (TimeoutException e) {
            throw new RunStartup.NoPlan(e.getMessage()); // the services' own "no plan" failure and exit code
        }
        follower = SnapshotFollower.builder().setContext(context).setModels(Set.of(RunTopics.EBM)).optPlan(plan)
                .build().start();
        LOG.info("waiting for the first energy snapshot of run {}", run);
        SnapshotFollower.Versioned first;
        try {
            first = follower.await(RunTopics.EBM, 0).get(planTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("run '" + run + "' has published no energy snapshot within "
                    + planTimeout.toSeconds() + " s (--plan-timeout): is its ebm-learner running?", e);
        }
        state.offerModel(ScoringModel.fromSnapshot(plan.spec(), run, first.version(), first.weights(), density));
        thread = new Thread(() -> follow(state, plan, first.version()), "dxmi-follow-" + run);
        thread.setDaemon(true);
        thread.start();
    }

    private void follow(ScorerState state, RunPlan plan, long loaded) {
        long version = loaded;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                SnapshotFollower.Versioned v = follower.await(RunTopics.EBM, version + 1).get();
                state.offerModel(ScoringModel.fromSnapshot(plan.spec(), run, v.version(), v.weights(), density));
                version = v.version();
            } catch (InterruptedException | CancellationException e) {
                return;
            } catch (Exception e) {
                LOG.warn("could not load an energy snapshot of run {}: {}", run, e.toString());
            }
        }
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
        }
        if (follower != null) {
            follower.close();
        }
        if (context != null) {
            context.close();
        }
    }
}
