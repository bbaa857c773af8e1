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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * What the two learners share: consume the run's trajectory batches in order; skip redeliveries
 * (a batch whose offset is below the checkpointed next offset was already applied); run the
 * learner's step on its own training thread (learners of one process train in parallel),
 * checkpointing in the same task every {@link RunPlan#checkpointEvery()} iterations (so a
 * checkpoint always matches its consumed offset); publish what the step produced on a
 * publishing thread of its own; stop after the plan's iterations. A malformed batch goes to the
 * dead-letter topic with its reason and the learner goes on.
 *
 * <p>Synchronous mode handles one batch at a time, each done when its results are out (the next
 * batch cannot exist before). Asynchronous mode keeps the next batch queued on the training
 * thread while a step runs, and publishes while the next step runs: the training thread never
 * waits for the event loop or the broker between steps. At most two publications are pending.
 *
 * @param <I> what a step needs besides its batch (for example an energy snapshot)
 * @param <O> what a step produces, to publish
 */
public abstract class TrajectoryLearner<I, O> extends VerticleBase {

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
    /** Sends the steps' results in order, so that the training thread goes on with the next step. */
    private ExecutorService publisher;
    /** The newest batch's publication (consumer context only): async mode waits for the one before. */
    private CompletableFuture<Void> lastPublished = CompletableFuture.completedFuture(null);

    /** A step's outcome, and whether it was the plan's last. */
    private record Stepped<O>(O outcome, boolean last) {}

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

    /**
     * Completes with what the step on {@code batch} needs besides it; called on the event loop
     * in batch order, must not block.
     */
    protected abstract CompletableFuture<I> inputs(TrajectoryMessages.Decoded batch);

    /**
     * The learner's step on one batch (blocking, on the training thread, in batch order); records
     * the iteration's metrics. Returns what {@link #publish} sends.
     */
    protected abstract O step(TrajectoryMessages.Decoded batch, I inputs) throws Exception;

    /** Sends a step's results (snapshots, rewards); called on the publishing thread, in step order. */
    protected abstract CompletableFuture<Void> publish(O outcome);

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
            String publisherName = "dxmi-publish-" + role() + "-" + options.instanceId();
            publisher = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, publisherName);
                t.setDaemon(true);
                return t;
            });
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
                    .setHandler(this::handle).optDeadLetters(context.deadLetters())
                    .optMaxInFlight(plan.sync() ? 1 : 2).optMaxQueued(8)
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
        long offset = record.offset();
        CompletableFuture<Stepped<O>> stepped = inputs(batch).thenCompose(in -> training.submit(
                () -> stepAndCheckpoint(batch, offset, in)));
        CompletableFuture<Void> previous = lastPublished;
        CompletableFuture<Void> published = stepped.thenComposeAsync(s -> {
            if (s == null) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> sent = publish(s.outcome()).exceptionally(e -> {
                // The step is applied and checkpointed: the batch is not at fault, so it is not dead-lettered.
                LOG.error("{} could not publish after iteration {}: {}", role(), trainer.iteration(), e.toString());
                return null;
            });
            return s.last() ? sent.thenCompose(v -> onFinish()).handle((v, e) -> {
                if (e != null) {
                    LOG.error("{} could not finish its run cleanly: {}", role(), e.toString());
                }
                finished.tryComplete();
                return (Void) null;
            }) : sent;
        }, publisher);
        // A batch that failed (and went to the dead letters) must not fail the next one's wait.
        lastPublished = published.exceptionally(e -> null);
        // Synchronous: done when the results are out. Asynchronous: when the step is, once the previous
        // batch's results are out (at most two publications pending).
        CompletableFuture<Void> handled = plan.sync() ? published
                : stepped.thenCombine(previous, (s, p) -> (Void) null);
        return Future.fromCompletionStage(handled, vertx.getOrCreateContext());
    }

    /** On the training thread: one step, then the checkpoint when due, in the same task. */
    private Stepped<O> stepAndCheckpoint(TrajectoryMessages.Decoded batch, long offset, I in) throws Exception {
        if (done) {
            return null; // queued behind the plan's last batch (asynchronous mode)
        }
        O outcome = step(batch, in);
        nextOffset = offset + 1;
        boolean last = trainer.iteration() >= plan.iterations();
        if (last || trainer.iteration() % plan.checkpointEvery() == 0) {
            checkpoints.save(trainer, dataInfo,
                    new LearnerCheckpoints.Position(nextOffset, trainer.iteration(), otherVersion()));
            lastCheckpointMillis = System.currentTimeMillis();
        }
        done = last;
        return new Stepped<>(outcome, last);
    }

    /** Called once after the last iteration (and its checkpoint). */
    protected CompletableFuture<Void> onFinish() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Future<?> stop() {
        Future<Void> c = consumer == null ? Future.succeededFuture() : consumer.closeAsync();
        return c.compose(v -> vertx.executeBlocking(() -> {
            if (publisher != null) {
                // Results already computed still go out (the producer closes below).
                publisher.shutdown();
                publisher.awaitTermination(30, TimeUnit.SECONDS);
            }
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
