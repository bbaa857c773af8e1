package io.dxmi.pipeline;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.DxmiTrainer;
import io.dxmi.core.dxmi.IterationStats;
import io.dxmi.core.engine.TrainingThread;
import io.dxmi.core.model.DataInfo;
import io.dxmi.platform.messaging.Consumer;
import io.dxmi.platform.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What the two learners share: consume the run's trajectory batches in order, one at a time;
 * skip redeliveries (a batch whose offset is below the checkpointed next offset was already
 * applied); run the learner's phase on its own training thread (learners of one process train
 * in parallel); publish; checkpoint every
 * {@link RunPlan#checkpointEvery()} iterations; stop after the plan's iterations. A malformed
 * batch goes to the dead-letter topic with its reason and the learner goes on.
 */
public abstract class TrajectoryLearner extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(TrajectoryLearner.class);

    protected final ServiceOptions options;
    private final Promise<Void> finished = Promise.promise();
    protected PipelineContext context;
    protected RunPlan plan;
    protected DxmiModel model;
    protected DxmiTrainer trainer;
    protected DataInfo dataInfo;
    protected PhaseTimes phases;
    /** Where this learner's gradient work, checkpoints and model release run. */
    protected TrainingThread training;
    private LearnerCheckpoints checkpoints;
    private Consumer consumer;
    private volatile long nextOffset;
    private volatile boolean done;
    private Metrics.Family<?> lossGauges;
    private io.prometheus.metrics.core.datapoints.CounterDataPoint iterationsCounter;
    private io.prometheus.metrics.core.datapoints.CounterDataPoint skippedCounter;
    private io.prometheus.metrics.core.datapoints.CounterDataPoint recoveriesCounter;
    private long reportedSkipped;
    private long reportedRecoveries;
    private volatile IterationStats lastStats;
    private volatile Map<String, Double> lastLosses = Map.of();
    /** Wall-clock time of the newest checkpoint (written or restored), epoch ms; 0 = none yet. */
    private volatile long lastCheckpointMillis;

    protected TrajectoryLearner(ServiceOptions options) {
        this.options = options;
    }

    /** The service's name, also its consumer group. */
    protected abstract String role();

    /**
     * After the trainer exists and any checkpoint is restored (blocking; off the event loop):
     * start followers, publish initial snapshots.
     */
    protected abstract void initialise(boolean restored) throws Exception;

    /** Learns from one batch; completes when the result is published. */
    protected abstract CompletableFuture<IterationStats> learn(TrajectoryMessages.Decoded batch);

    /** The position to store besides the trainer (for example the EBM version used). */
    protected long otherVersion() {
        return -1;
    }

    /** Completes when the plan's iterations are done. */
    public Future<Void> finished() {
        return finished.future();
    }

    /** Where this learner's time went (mean milliseconds per phase). */
    public java.util.Map<String, Double> phaseMillis() {
        return phases == null ? java.util.Map.of() : phases.meanMillis();
    }

    public long iteration() {
        return trainer == null ? 0 : trainer.iteration();
    }

    /** The newest iteration's figures, or null before the first. */
    public IterationStats lastStats() {
        return lastStats;
    }

    /** The newest iteration's losses by kind (as in {@code dxmi_loss}); empty before the first. */
    public Map<String, Double> lastLosses() {
        return lastLosses;
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> {
            training = TrainingThread.start("dxmi-training-" + role() + "-" + options.instanceId());
            context = PipelineContext.open(vertx, options.settings(), options.run(), role(), options.metrics());
            plan = context.awaitPlan(options.planTimeout());
            DataSource data = PipelineContext.openData(plan);
            dataInfo = DataInfo.of(data);
            model = plan.spec().newModel();
            trainer = new DxmiTrainer(model, data::sample);
            checkpoints = new LearnerCheckpoints(options.stateDir().resolve(role()));
            var restored = checkpoints.restore(trainer);
            lastCheckpointMillis = checkpoints.newestMillis();
            nextOffset = restored.map(LearnerCheckpoints.Position::nextOffset).orElse(0L);
            restored.ifPresent(p -> LOG.info("{} resumed at iteration {} (next offset {})", role(), p.iteration(),
                    p.nextOffset()));
            registerMetrics();
            phases = new PhaseTimes(options.metrics());
            initialise(restored.isPresent());
            done = trainer.iteration() >= plan.iterations();
            return null;
        }).compose(v -> {
            if (done) {
                finished.tryComplete();
                return Future.succeededFuture();
            }
            consumer = Consumer.builder().setVertx(vertx).setSettings(options.settings()).setGroupId(
                    "dxmi-" + options.run() + "-" + role()).setTopics(context.topics().trajectories())
                    .setHandler(this::handle).optDeadLetters(context.deadLetters()).optMaxInFlight(1).optMaxQueued(8)
                    .optStartOffsets(Map.of(new TopicPartition(context.topics().trajectories(), 0), nextOffset))
                    .optManualAssignment(true)
                    .optMetrics(options.metrics()).build();
            return consumer.start();
        });
    }

    private void registerMetrics() {
        Metrics m = options.metrics();
        iterationsCounter = m.counter("dxmi_iterations_total", "Learner iterations");
        skippedCounter = m.counter("dxmi_skipped_updates_total", "Updates refused for non-finite values");
        recoveriesCounter = m.counter("dxmi_guard_recoveries_total", "Rollbacks to the last good state");
        lossGauges = m.gaugeFamily("dxmi_loss", "Latest loss of each kind", "kind");
        // Computed at each scrape, so a learner stuck between checkpoints shows a growing age.
        m.gauge("dxmi_checkpoint_age_seconds", "Seconds since the newest checkpoint (NaN before the first)",
                () -> lastCheckpointMillis == 0 ? Double.NaN
                        : (System.currentTimeMillis() - lastCheckpointMillis) / 1000.0);
    }

    /** Records an iteration's figures in the metrics. */
    protected void record(IterationStats s, Map<String, Double> losses) {
        lastStats = s;
        lastLosses = Map.copyOf(losses);
        iterationsCounter.inc();
        losses.forEach((k, v) -> {
            if (!v.isNaN()) {
                ((io.prometheus.metrics.core.datapoints.GaugeDataPoint) lossGauges.labels(k)).set(v);
            }
        });
        skippedCounter.inc(Math.max(0, trainer.skippedUpdates() - reportedSkipped));
        reportedSkipped = trainer.skippedUpdates();
        recoveriesCounter.inc(Math.max(0, trainer.recoveries() - reportedRecoveries));
        reportedRecoveries = trainer.recoveries();
    }

    private Future<Void> handle(ConsumerRecord<String, byte[]> record) {
        if (record.offset() < nextOffset || done) {
            return Future.succeededFuture(); // already applied before a restart, or the run is over
        }
        int steps = plan.spec().config().samplerSteps();
        TrajectoryMessages.Decoded batch = TrajectoryMessages.decode(record.value(), options.run(), steps,
                plan.spec().config().batchSize(), plan.spec().data().dimension());
        CompletableFuture<Void> f = learn(batch).thenCompose(stats -> {
            nextOffset = record.offset() + 1;
            if (trainer.iteration() >= plan.iterations()) {
                done = true;
            }
            if (done || trainer.iteration() % plan.checkpointEvery() == 0) {
                return training.submit(() -> {
                    checkpoints.save(trainer, dataInfo,
                            new LearnerCheckpoints.Position(nextOffset, trainer.iteration(), otherVersion()));
                    lastCheckpointMillis = System.currentTimeMillis();
                    return null;
                }).thenCompose(v -> done ? onFinish() : CompletableFuture.completedFuture(null));
            }
            return CompletableFuture.completedFuture(null);
        }).thenApply(v -> {
            if (done) {
                finished.tryComplete();
            }
            return null;
        });
        return Future.fromCompletionStage(f, vertx.getOrCreateContext());
    }

    /** Called once after the last iteration (and its checkpoint). */
    protected CompletableFuture<Void> onFinish() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Future<?> stop() {
        Future<Void> c = consumer == null ? Future.succeededFuture() : consumer.closeAsync();
        return c.compose(v -> vertx.executeBlocking(() -> {
            closeResources();
            if (context != null) {
                context.close();
            }
            // Native memory is freed on the training thread, after any step still running there.
            if (model != null) {
                training.submit(() -> {
                    model.close();
                    return null;
                }).get();
            }
            if (training != null) {
                training.close();
            }
            return null;
        }));
    }

    /** Releases followers and the like (blocking). */
    protected void closeResources() {}
}
