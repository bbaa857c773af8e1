package io.dxmi.evaluator;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.eval.Evaluator;
import io.dxmi.core.figures.MetricHistory;
import io.dxmi.core.figures.RunFigures;
import io.dxmi.pipeline.PipelineContext;
import io.dxmi.pipeline.RunTopics;
import io.dxmi.pipeline.ServiceOptions;
import io.dxmi.pipeline.SnapshotFollower;
import io.dxmi.pipeline.SnapshotLoopService;
import io.dxmi.schemas.EvaluationReport;
import io.dxmi.schemas.codec.Codecs;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Evaluates the newest policy and energy every {@link io.dxmi.pipeline.RunPlan#evalEvery()}
 * policy versions and at the end, with a light protocol (5,000 samples, 500 directions,
 * 1 sampling) so that it keeps up; the run's final figures use the full protocol. With a
 * figures directory it redraws the run's PNG figures before publishing each report.
 */
public final class EvaluatorVerticle extends SnapshotLoopService {

    public static final String ROLE = "evaluator";

    private static final Logger LOG = LoggerFactory.getLogger(EvaluatorVerticle.class);

    private final List<EvaluationReport> reports = Collections.synchronizedList(new ArrayList<>());
    private RunFigures figures;

    public EvaluatorVerticle(ServiceOptions options) {
        super(options);
    }

    @Override
    protected String role() {
        return ROLE;
    }

    @Override
    protected Set<String> follows() {
        return Set.of(RunTopics.POLICY, RunTopics.EBM);
    }

    /** Reports published so far, oldest first. */
    public List<EvaluationReport> reports() {
        return List.copyOf(reports);
    }

    @Override
    protected void loop() throws Exception {
        var m = options.metrics();
        GaugeDataPoint sw = m.gauge("dxmi_eval_sw", "Sliced Wasserstein distance of the newest evaluation");
        GaugeDataPoint auc = m.gauge("dxmi_eval_auc", "Energy AUC of the newest evaluation");
        DataSource data = PipelineContext.openData(plan);
        Evaluator evaluator = Evaluator.builder().setData(data).optSamples(5000).optRepeats(1).optDirections(500)
                .optSeed(plan.spec().config().seed() + 2000).build();
        long total = plan.iterations();
        long next = Math.min(plan.evalEvery(), total);
        while (true) {
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
            List<String> figureFiles = writeFigures(data, policy.version(), metrics);
            EvaluationReport report = EvaluationReport.newBuilder().setRunId(options.run())
                    .setPolicyVersion(policy.version()).setEbmVersion(ebm.version()).setIteration(policy.version())
                    .setMetrics(metrics).setCreatedAtMillis(System.currentTimeMillis())
                    .setEvaluator(ROLE + "-" + options.instanceId()).setFigures(figureFiles).build();
            context.producer().send(context.topics().evaluations(), Long.toString(policy.version()),
                    Codecs.encode(report)).toCompletionStage().toCompletableFuture().get();
            reports.add(report);
            if (policy.version() >= total) {
                return;
            }
            next = Math.min(total, (policy.version() / plan.evalEvery() + 1) * plan.evalEvery());
        }
    }

    /** The metrics of these reports as a history for the figures. */
    public static MetricHistory history(List<EvaluationReport> reports) {
        MetricHistory history = new MetricHistory();
        for (EvaluationReport r : reports) {
            history.add(r.getIteration(), r.getMetrics());
        }
        return history;
    }

    /**
     * Redraws the figures (when a directory is configured) from the reports so far and this
     * evaluation, before the report is published: a dashboard reacting to the report finds the
     * new files. The evaluator follows only the energy, not the value network. Returns the
     * files' paths for the report (none without a directory, or when drawing failed: figures
     * are a view, not worth stopping the evaluations for).
     */
    private List<String> writeFigures(DataSource data, long iteration, Map<String, Double> metrics) {
        if (options.figuresDir() == null) {
            return List.of();
        }
        if (figures == null) {
            figures = RunFigures.builder().setData(data).optSeed(plan.spec().config().seed())
                    .optValuesUnavailable("V(x, t) lives in the value-learner;\nthe evaluator follows only the energy")
                    .build();
        }
        MetricHistory history = history(reports()).add(iteration, metrics);
        try {
            return figures.write(model, history, options.figuresDir()).files().stream().map(Path::toString).toList();
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("could not write the figures into {}: {}", options.figuresDir(), e.toString());
            return List.of();
        }
    }
}
