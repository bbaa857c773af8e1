package io.dxmi.pipeline;

// Over 400 lines: the learners' one shared loop (decode, order, step, checkpoint, publish, pacing) kept in one place so
// that both learners cannot drift apart; its parts are documented in the class comment.

import io.dxmi.core.data.DataSource;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.DxmiTrainer;
import io.dxmi.core.dxmi.IterationStats;
import io.dxmi.core.engine.TrainingThread;
import io.dxmi.core.model.DataInfo;
import io.dxmi.platform.messaging.Consumer;
import io.dxmi.platform.metrics.Metrics;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * What the two learners share: read the run's trajectory records in order from the checkpoint's
 * offset, decide for each one what it is, run the learner's step on its own training thread
 * (learners of one process train in parallel), checkpoint in the same task every
 * {@link RunPlan#checkpointEvery()} iterations, publish on a thread of its own, stop after the
 * plan's iterations.
 *
 * <p>A learner numbers its iterations by the batches it accepts, never by offsets, so one
 * refused record cannot stall the run. For each record, in order, both learners decide alike:
 * <ul>
 *   <li>not a batch of this run and shape, a batch id already learned (sent twice), or a batch
 *       rolled out with a policy version the learner has not reached (no such policy yet):
 *       refused, dead-lettered by the reporting learner, no iteration;</li>
 *   <li>a batch whose states are not all finite (a diverged policy): a skipped iteration, as the
 *       single-process trainer skips a non-finite update: counted, its guard runs, versions go
 *       out with unchanged weights, and the actor that sent it goes on;</li>
 *   <li>otherwise learned. In the synchronous mode a batch of an older policy than the
 *       iteration (an actor restarted while its batch was in flight) is learned too, and counted
 *       ({@code dxmi_stale_batches_total}).</li>
 * </ul>
 * With nothing refused, the synchronous mode is Algorithm 1 step for step.
 *
 * <p>Faults: a checkpoint that cannot be written stops learning until the disk takes it
 * ({@link LearnerCheckpoints#saveUntilWritten}); a publication is retried through a broker
 * outage and the learner fails loudly only when it gives up; a failed step is a skipped iteration.
 *
 * <p>Synchronous mode handles one batch at a time, each done when its results are out.
 * Asynchronous mode keeps the next batch queued on the training thread while a step runs, and
 * publishes while the next step runs (at most two publications pending).
 *
 * @param <I> what a step needs besides its batch (for example an energy snapshot)
 * @param <O> what a step produces, to publish
 */
public abstract class TrajectoryLearner<I, O> extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(TrajectoryLearner.class);
    /** Batch ids remembered to refuse a batch sent twice. */
    private static final int RECENT_IDS = 256;

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
    /** Event-loop side: the iteration the next accepted batch gets. */
    private long assigned;
    /** (offset, batch id) of the newest accepted batches, in order; guarded by itself. */
    private final ArrayDeque<Map.Entry<Long, String>> recent = new ArrayDeque<>();
    private volatile long nextOffset;
    /** The offset of the batch being stepped (training thread). */
    private long steppingOffset;
    private volatile boolean done;
    private volatile boolean stopping;
    private Metrics.Family<GaugeDataPoint> lossGauges;
    private CounterDataPoint iterationsCounter;
    private CounterDataPoint skippedCounter;
    private CounterDataPoint recoveriesCounter;
    private CounterDataPoint staleCounter;
    private long reportedSkipped;
    private long reportedRecoveries;
    private volatile IterationStats lastStats;
    private volatile Map<String, Double> lastLosses = Map.of();
    /** Wall-clock time of the newest checkpoint (written or restored), epoch ms; 0 = none yet. */
    private volatile long lastCheckpointMillis;
    /** Sends the steps' results in order, so that the training thread goes on with the next step. */
    private ExecutorService publisher;
    /** The newest batch's publication (event loop only): async mode waits for the one before. */
    private CompletableFuture<Void> lastPublished = CompletableFuture.completedFuture(null);

    /** A step's outcome, and whether it was the plan's last. */
    private record Stepped<O>(O outcome, boolean last) {}

    protected TrajectoryLearner(ServiceOptions options) {
        this.options = options;
    }

    /** The service's name. */
    protected abstract String role();

    /**
     * After the trainer exists and any checkpoint is restored (blocking; off the event loop):
     * start followers, publish initial snapshots.
     */
    protected abstract void initialise(LearnerCheckpoints.Position restored) throws Exception;

    /**
     * Completes with what the step of iteration {@code iteration} on {@code batch} needs besides
     * it; called on the event loop in batch order, must not block.
     */
    protected abstract CompletableFuture<I> inputs(TrajectoryMessages.Decoded batch, long iteration);

    /**
     * The learner's step on one batch (blocking, on the training thread, in batch order); records
     * the iteration's metrics. Returns what {@link #publish} sends.
     */
    protected abstract O step(TrajectoryMessages.Decoded batch, I inputs) throws Exception;

    /** A skipped iteration (no update; the trainer counts it and runs its guard); returns what to publish. */
    protected abstract O skip(TrajectoryMessages.Decoded batch, I inputs);

    /** Sends a step's results; called on the publishing thread, in step order. */
    protected abstract CompletableFuture<Void> publish(O outcome);

    /** The position of the other model to store besides the trainer (the value-learner's EBM). */
    protected long otherVersion() {
        return -1;
    }

    /** After a checkpoint is written (training thread). */
    protected void checkpointed() throws Exception {}

    /** The learner's own directory under the state directory (its checkpoints, lock and journals). */
    protected Path stateDir() {
        return checkpoints.dir();
    }

    /** Completes when the plan's iterations are done; fails when the learner had to stop. */
    public Future<Void> finished() {
        return finished.future();
    }

    /** Where this learner's time went (mean milliseconds per phase). */
    public Map<String, Double> phaseMillis() {
        return phases == null ? Map.of() : phases.meanMillis();
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

    /** The position of the newest checkpoint or step: every record before it is learned or refused. */
    protected long nextOffset() {
        return nextOffset;
    }

    /** During a step (training thread): the position after the batch being learned. */
    protected long stepNextOffset() {
        return steppingOffset + 1;
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
            checkpoints = new LearnerCheckpoints(options.stateDir(), role(), plan, role() + " " + options.instanceId(),
                    options.metrics());
            DataSource data = PipelineContext.openData(plan);
            dataInfo = DataInfo.of(data);
            model = plan.spec().newModel();
            trainer = new DxmiTrainer(model, data::sample);
            var restored = checkpoints.restore(trainer);
            lastCheckpointMillis = checkpoints.newestMillis();
            nextOffset = restored.map(LearnerCheckpoints.Position::nextOffset).orElse(0L);
            assigned = trainer.iteration();
            restored.ifPresent(p -> {
                LOG.info("{} resumed at iteration {} (next offset {})", role(), p.iteration(), p.nextOffset());
                p.recentBatchIds().forEach(id -> recent.add(Map.entry(-1L, id)));
            });
            registerMetrics();
            phases = new PhaseTimes(options.metrics());
            initialise(restored.orElse(null));
            done = trainer.iteration() >= plan.iterations();
            // Blocking the first time (a reporter reads the dead letters sent before): here, off the event loop.
            return context.deadLettersFor(context.topics().trajectories());
        }).compose(trajectoryLetters -> {
            if (done) {
                finished.tryComplete();
                return Future.succeededFuture();
            }
            consumer = Consumer.builder().setVertx(vertx).setSettings(options.settings())
                    .setStartOffsets(Map.of(new TopicPartition(context.topics().trajectories(), 0), nextOffset))
                    .setHandler(this::handle).optDeadLetters(trajectoryLetters)
                    .optMaxInFlight(plan.sync() ? 1 : 2).optMaxQueued(8)
                    .optStrictOffsets(e -> stopLoudly("cannot resume: " + e.getMessage(), e))
                    .optMetrics(options.metrics())
                    .build();
            return consumer.start();
        });
    }

    private void registerMetrics() {
        Metrics m = options.metrics();
        iterationsCounter = m.counter("dxmi_iterations_total", "Learner iterations");
        skippedCounter = m.counter("dxmi_skipped_updates_total", "Updates refused for non-finite values");
        recoveriesCounter = m.counter("dxmi_guard_recoveries_total", "Rollbacks to the last good state");
        staleCounter = m.counter("dxmi_stale_batches_total",
                "Synchronous mode: batches of an older policy than their iteration (learned)");
        lossGauges = m.gaugeFamily("dxmi_loss", "Latest loss of each kind", "kind");
        // The counter above starts at 0 in every instance; this follows the run across restarts (resumed ones too).
        m.gauge("dxmi_learner_iteration", "The run's iterations this learner has completed, across restarts",
                () -> trainer == null ? Double.NaN : (double) trainer.iteration());
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
                lossGauges.labels(k).set(v);
            }
        });
        skippedCounter.inc(Math.max(0, trainer.skippedUpdates() - reportedSkipped));
        reportedSkipped = trainer.skippedUpdates();
        recoveriesCounter.inc(Math.max(0, trainer.recoveries() - reportedRecoveries));
        reportedRecoveries = trainer.recoveries();
    }

    private Future<Void> handle(ConsumerRecord<String, byte[]> record) {
        if (done || assigned >= plan.iterations()) {
            return Future.succeededFuture(); // the run is over; later batches are not needed
        }
        var c = plan.spec().config();
        TrajectoryMessages.Decoded batch = TrajectoryMessages.decode(record.value(), options.run(), c.samplerSteps(),
                c.batchSize(), plan.spec().data().sampleShape());
        String id = batch.message().getBatchId();
        long policy = batch.message().getPolicyVersion();
        long iteration = assigned;
        synchronized (recent) {
            if (recent.stream().anyMatch(e -> e.getValue().equals(id))) {
                throw new IllegalArgumentException("batch " + id + " was learned already (sent twice)");
            }
            if (policy > iteration) {
                throw new IllegalArgumentException("batch " + id + " was rolled out with policy v" + policy
                        + " but the learner is at iteration " + iteration + ": no such policy yet");
            }
            recent.add(Map.entry(record.offset(), id));
            while (recent.size() > RECENT_IDS) {
                recent.poll();
            }
        }
        assigned++;
        if (plan.sync() && policy < iteration) {
            staleCounter.inc();
            LOG.warn("{}: batch {} of policy v{} learned at iteration {} (an actor restarted?)", role(), id, policy,
                    iteration);
        }
        long offset = record.offset();
        CompletableFuture<Stepped<O>> stepped = inputs(batch, iteration).thenCompose(in -> training.submit(
                () -> stepAndCheckpoint(batch, offset, in)));
        CompletableFuture<Void> previous = lastPublished;
        CompletableFuture<Void> published = stepped.thenComposeAsync(s -> {
            if (s == null) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> sent = publish(s.outcome());
            return s.last() ? sent.thenCompose(v -> onFinish()).thenRun(finished::tryComplete) : sent;
        }, publisher).whenComplete((v, e) -> {
            if (e != null) {
                stopLoudly("could not publish after iteration " + (iteration + 1), e);
            }
        });
        lastPublished = published.exceptionally(e -> null);
        // Synchronous: done when the results are out. Asynchronous: when the step is, once the previous
        // batch's results are out (at most two publications pending). A failure here is never the batch's.
        CompletableFuture<Void> handled = plan.sync() ? published.exceptionally(e -> null)
                : stepped.thenCombine(previous, (s, p) -> (Void) null).exceptionally(e -> null);
        return Future.fromCompletionStage(handled, vertx.getOrCreateContext());
    }

    /** On the training thread: one step (or a skipped one), then the checkpoint when due, in the same task. */
    private Stepped<O> stepAndCheckpoint(TrajectoryMessages.Decoded batch, long offset, I in) throws Exception {
        if (done) {
            return null; // queued behind the plan's last batch (asynchronous mode)
        }
        O outcome;
        steppingOffset = offset;
        if (!batch.finite()) {
            LOG.warn("{}: batch {} holds non-finite states; iteration {} is skipped", role(),
                    batch.message().getBatchId(), trainer.iteration() + 1);
            outcome = skip(batch, in);
        } else {
            long before = trainer.iteration();
            try {
                outcome = step(batch, in);
            } catch (RuntimeException e) {
                if (trainer.iteration() != before) {
                    throw e;
                }
                LOG.error("{}: the step of iteration {} failed ({}); it is skipped", role(), before + 1, e.toString());
                outcome = skip(batch, in);
            }
        }
        nextOffset = offset + 1;
        boolean last = trainer.iteration() >= plan.iterations();
        if (last || trainer.iteration() % plan.checkpointEvery() == 0) {
            List<String> ids;
            synchronized (recent) {
                ids = recent.stream().filter(e -> e.getKey() <= offset).map(Map.Entry::getValue).toList();
            }
            checkpoints.saveUntilWritten(trainer, dataInfo, new LearnerCheckpoints.Position(nextOffset,
                    trainer.iteration(), otherVersion(), ids), () -> stopping);
            lastCheckpointMillis = System.currentTimeMillis();
            checkpointed();
        }
        done = last;
        return new Stepped<>(outcome, last);
    }

    /** Fails the learner: one clear line; the service exits non-zero. */
    protected void stopLoudly(String why, Throwable e) {
        if (!stopping && finished.tryFail(e)) {
            LOG.error("{} stops: {} ({})", role(), why, e.toString());
        }
    }

    /** Called once after the last iteration (and its checkpoint). */
    protected CompletableFuture<Void> onFinish() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Future<?> stop() {
        stopping = true;
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
            if (checkpoints != null) {
                checkpoints.close();
            }
            return null;
        }));
    }

    /** Releases followers and the like (blocking). */
    protected void closeResources() {}
}
