package io.dxmi.sampleractor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.DxmiTrainer;
import io.dxmi.core.random.Rng;
import io.dxmi.pipeline.PipelineContext;
import io.dxmi.pipeline.RunPlan;
import io.dxmi.pipeline.RunTopics;
import io.dxmi.pipeline.ServiceOptions;
import io.dxmi.pipeline.SnapshotFollower;
import io.dxmi.pipeline.TrajectoryMessages;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

/**
 * Rolls out batches with the newest policy on its own thread (inference only: no gradient
 * collector, so it may run beside the learners' training thread).
 *
 * <p>Pacing: a batch is consumed at the learner iteration equal to its offset on the
 * single-partition trajectories topic, so the actor rolls out its next batch only with a policy
 * at most {@code maxStaleness} versions behind that iteration. In the synchronous mode
 * (staleness 0, one actor) that is Algorithm 1's lockstep; the first actor ("0") then draws
 * exactly the single-process trainer's rollout noise.
 */
public final class SamplerActorVerticle extends VerticleBase {

    public static final String ROLE = "sampler-actor";
    private static final Logger LOG = LoggerFactory.getLogger(SamplerActorVerticle.class);

    private final ServiceOptions options;
    private final Promise<Void> finished = Promise.promise();
    private PipelineContext context;
    private RunPlan plan;
    private DxmiModel model;
    private SnapshotFollower follower;
    private Thread loop;
    private volatile boolean stopping;
    private volatile long produced;
    private io.dxmi.pipeline.PhaseTimes phases;

    public SamplerActorVerticle(ServiceOptions options) {
        this.options = options;
    }

    public Future<Void> finished() {
        return finished.future();
    }

    /** Where this actor's time went (mean milliseconds per phase). */
    public java.util.Map<String, Double> phaseMillis() {
        return phases == null ? java.util.Map.of() : phases.meanMillis();
    }

    public long produced() {
        return produced;
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> {
            context = PipelineContext.open(vertx, options.settings(), options.run(), ROLE, options.metrics());
            plan = context.awaitPlan(options.planTimeout());
            model = plan.spec().newModel();
            follower = new SnapshotFollower(options.settings(), context.topics(), Set.of(RunTopics.POLICY),
                    context.deadLetters(), options.metrics()).start();
            loop = new Thread(this::run, "dxmi-actor-" + options.instanceId());
            loop.setDaemon(true);
            loop.start();
            return null;
        });
    }

    private Rng rolloutStream() {
        long seed = plan.spec().config().seed();
        if ("0".equals(options.instanceId())) {
            return DxmiTrainer.randomStreams(seed)[0];
        }
        return new Rng(seed ^ (0x9E3779B97F4A7C15L * (options.instanceId().hashCode() + 1L)));
    }

    private void run() {
        io.dxmi.core.engine.DjlRuntime.noGradientsOnThisThread();
        var m = options.metrics();
        CounterDataPoint rollouts = m.counterFamily("dxmi_iterations_total", "Rollouts (actors)", "run")
                .labels(options.run());
        GaugeDataPoint version = m.gauge("dxmi_policy_version", "Policy version the actor samples with");
        phases = new io.dxmi.pipeline.PhaseTimes(m);
        Rng rng = rolloutStream();
        int batch = plan.spec().config().batchSize();
        long total = plan.iterations();
        long loaded = -1;
        long lastOffset = -1;
        try {
            while (!stopping) {
                // The trajectories topic has one partition: a batch's offset is the learner iteration
                // that will consume it. So the next batch (offset > lastOffset) is at most K versions
                // stale if it is rolled out with policy version >= lastOffset + 1 - K.
                long need = Math.max(0, lastOffset + 1 - plan.maxStaleness());
                long t0 = System.nanoTime();
                SnapshotFollower.Versioned policy = follower.await(RunTopics.POLICY, need).get(1, TimeUnit.DAYS);
                long t1 = System.nanoTime();
                phases.record("actor.wait_policy", t1 - t0);
                if (policy.version() >= total) {
                    break;
                }
                if (policy.version() != loaded) {
                    model.loadPolicyWeights(policy.weights());
                    loaded = policy.version();
                    version.set(loaded);
                }
                byte[] message;
                long t2 = System.nanoTime();
                try (NDManager scope = model.manager().newSubManager()) {
                    NDArray[] states = model.sampler().rollout(batch, rng, scope);
                    message = TrajectoryMessages.encode(options.run(), options.instanceId(), loaded, loaded, states);
                }
                long t3 = System.nanoTime();
                phases.record("actor.rollout", t3 - t2);
                lastOffset = context.producer().send(context.topics().trajectories(), options.instanceId(), message)
                        .toCompletionStage().toCompletableFuture().get().offset();
                phases.record("actor.send", System.nanoTime() - t3);
                produced++;
                rollouts.inc();
            }
            finished.tryComplete();
        } catch (InterruptedException | CancellationException e) {
            finished.tryComplete();
        } catch (Exception e) {
            if (!stopping) {
                LOG.error("actor {} stopped: {}", options.instanceId(), e.toString());
                finished.tryFail(e);
            }
        }
    }

    @Override
    public Future<?> stop() {
        stopping = true;
        return vertx.executeBlocking(() -> {
            if (follower != null) {
                follower.close();
            }
            if (loop != null) {
                loop.interrupt();
                loop.join(10_000);
            }
            if (context != null) {
                context.close();
            }
            if (model != null) {
                model.close();
            }
            return null;
        });
    }
}
