package io.dxmi.evaluator;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.eval.Evaluator;
import io.dxmi.pipeline.PipelineContext;
import io.dxmi.pipeline.RunPlan;
import io.dxmi.pipeline.RunTopics;
import io.dxmi.pipeline.ServiceOptions;
import io.dxmi.pipeline.SnapshotFollower;
import io.dxmi.schemas.EvaluationReport;
import io.dxmi.schemas.codec.Codecs;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

/**
 * Evaluates the newest policy and energy every {@link RunPlan#evalEvery()} policy versions and at
 * the end, with a light protocol (5,000 samples, 500 directions, 1 sampling) so that it keeps up;
 * the run's final figures use the full protocol.
 */
public final class EvaluatorVerticle extends VerticleBase {

    public static final String ROLE = "evaluator";
    private static final Logger LOG = LoggerFactory.getLogger(EvaluatorVerticle.class);

    private final ServiceOptions options;
    private final Promise<Void> finished = Promise.promise();
    private final List<EvaluationReport> reports = Collections.synchronizedList(new ArrayList<>());
    private PipelineContext context;
    private RunPlan plan;
    private DxmiModel model;
    private SnapshotFollower follower;
    private Thread loop;
    private volatile boolean stopping;

    public EvaluatorVerticle(ServiceOptions options) {
        this.options = options;
    }

    public Future<Void> finished() {
        return finished.future();
    }

    /** Reports published so far, oldest first. */
    public List<EvaluationReport> reports() {
        return List.copyOf(reports);
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> {
            context = PipelineContext.open(vertx, options.settings(), options.run(), ROLE, options.metrics());
            plan = context.awaitPlan(options.planTimeout());
            model = plan.spec().newModel();
            follower = new SnapshotFollower(options.settings(), context.topics(),
                    Set.of(RunTopics.POLICY, RunTopics.EBM), context.deadLetters(), options.metrics()).start();
            loop = new Thread(this::run, "dxmi-evaluator-" + options.instanceId());
            loop.setDaemon(true);
            loop.start();
            return null;
        });
    }

    private void run() {
        io.dxmi.core.engine.DjlRuntime.noGradientsOnThisThread();
        var m = options.metrics();
        GaugeDataPoint sw = m.gauge("dxmi_eval_sw", "Sliced Wasserstein distance of the newest evaluation");
        GaugeDataPoint auc = m.gauge("dxmi_eval_auc", "Energy AUC of the newest evaluation");
        DataSource data = PipelineContext.openData(plan);
        Evaluator evaluator = Evaluator.builder().setData(data).optSamples(5000).optRepeats(1).optDirections(500)
                .optSeed(plan.spec().config().seed() + 2000).build();
        long total = plan.iterations();
        long next = Math.min(plan.evalEvery(), total);
        try {
            while (!stopping) {
                SnapshotFollower.Versioned policy = follower.await(RunTopics.POLICY, next).get(1, TimeUnit.DAYS);
                SnapshotFollower.Versioned ebm = follower.await(RunTopics.EBM, Math.min(policy.version(), total))
                        .get(1, TimeUnit.DAYS);
                model.loadPolicyWeights(policy.weights());
                model.loadEnergyWeights(ebm.weights());
                Map<String, Double> metrics = new LinkedHashMap<>();
                metrics.put("sw", evaluator.slicedWasserstein(model::sample).mean());
                metrics.put("auc", evaluator.energyAuc(model::energy));
                sw.set(metrics.get("sw"));
                auc.set(metrics.get("auc"));
                EvaluationReport report = EvaluationReport.newBuilder().setRunId(options.run())
                        .setPolicyVersion(policy.version()).setEbmVersion(ebm.version()).setIteration(policy.version())
                        .setMetrics(metrics).setCreatedAtMillis(System.currentTimeMillis())
                        .setEvaluator(ROLE + "-" + options.instanceId()).build();
                context.producer().send(context.topics().evaluations(), Long.toString(policy.version()),
                        Codecs.encode(report)).toCompletionStage().toCompletableFuture().get();
                reports.add(report);
                if (policy.version() >= total) {
                    break;
                }
                next = Math.min(total, (policy.version() / plan.evalEvery() + 1) * plan.evalEvery());
            }
            finished.tryComplete();
        } catch (InterruptedException | CancellationException e) {
            finished.tryComplete();
        } catch (Exception e) {
            if (!stopping) {
                LOG.error("evaluator stopped: {}", e.toString());
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
