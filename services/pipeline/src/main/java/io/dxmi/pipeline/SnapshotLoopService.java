package io.dxmi.pipeline;

import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.engine.DjlRuntime;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.CancellationException;

/**
 * What the services that follow snapshots and work in a loop share (sampler-actors,
 * evaluators): open the run, build the model from its plan, follow some snapshots, and run
 * {@link #loop()} on a thread of their own with gradient recording off (inference only). A
 * failure of the loop, or of a snapshot reader, fails {@link #finished()}: the service stops
 * loudly (the command exits non-zero) instead of staying up without working.
 */
public abstract class SnapshotLoopService extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotLoopService.class);

    protected final ServiceOptions options;
    private final Promise<Void> finished = Promise.promise();
    protected PipelineContext context;
    protected RunPlan plan;
    protected DxmiModel model;
    protected SnapshotFollower follower;
    private Thread thread;
    private volatile boolean stopping;

    protected SnapshotLoopService(ServiceOptions options) {
        this.options = options;
    }

    /** The service's name. */
    protected abstract String role();

    /** The snapshots to follow (called once the plan is known). */
    protected abstract Set<String> follows();

    /** The service's work; returns when the run is done. Interruption means stop. */
    protected abstract void loop() throws Exception;

    /** Completes when {@link #loop()} has returned (or fails with its error). */
    public Future<Void> finished() {
        return finished.future();
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> {
            context = PipelineContext.open(vertx, options.settings(), options.run(), role(), options.metrics());
            plan = context.awaitPlan(options.planTimeout());
            model = plan.spec().newModel();
            SnapshotFollower.Builder b = SnapshotFollower.builder().setContext(context).setModels(follows())
                    .optPlan(plan);
            for (String name : follows()) {
                b.optLayout(name, ModelParts.weights(model, name));
            }
            follower = b.build().start();
            thread = new Thread(this::run, "dxmi-" + role() + "-" + options.instanceId());
            thread.setDaemon(true);
            thread.start();
            return null;
        });
    }

    private void run() {
        DjlRuntime.noGradientsOnThisThread();
        try {
            loop();
            finished.tryComplete();
        } catch (InterruptedException | CancellationException e) {
            finished.tryComplete();
        } catch (Exception e) {
            if (!stopping) {
                LOG.error("{} {} stopped: {}", role(), options.instanceId(), e.toString());
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
            if (thread != null) {
                thread.interrupt();
                thread.join(10_000);
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
