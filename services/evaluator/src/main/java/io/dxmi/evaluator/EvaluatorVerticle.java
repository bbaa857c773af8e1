package io.dxmi.evaluator;

import io.dxmi.core.data.DataSource;
import io.dxmi.evaluator.api.EvaluationContext;
import io.dxmi.evaluator.api.EvaluationMetric;
import io.dxmi.evaluator.api.EvaluationMetrics;
import io.dxmi.core.job.RunResult;
import io.dxmi.evaluator.output.FinalModel;
import io.dxmi.core.eval.MetricHistory;
import io.dxmi.figures.RunFigures;
import io.dxmi.pipeline.ModelParts;
import io.dxmi.pipeline.PipelineContext;
import io.dxmi.pipeline.RunTopics;
import io.dxmi.pipeline.ServiceOptions;
import io.dxmi.pipeline.SnapshotFollower;
import io.dxmi.pipeline.SnapshotLoopService;
import io.dxmi.schemas.EvaluationReport;
import io.dxmi.schemas.codec.Codecs;

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
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.concurrent.ExecutionException;
import java.io.IOException;
import java.time.Duration;

/**
 * Evaluates the newest policy and energy every {@link io.dxmi.pipeline.RunPlan#evalEvery()}
 * policy versions (or every {@code optEvery}) and at the end, with a set of metric plug-ins
 * ({@link io.dxmi.evaluator.api}): by default every plug-in on the class path, which includes the
 * built-in SW and AUC with a light protocol (5,000 samples, 500 directions, 1 sampling) so that
 * it keeps up; the run's final figures use the full protocol.
 *
 * <p>The same verticle, under another name and with its own plug-ins, is the separate-process
 * evaluator of {@link ExternalEvaluatorCommand}: the name is its service name, and its reports
 * carry {@code <name>-<instance id>} as their evaluator.
 *
 * <p>With a figures directory it redraws the run's PNG figures before publishing each report.
 */
public final class EvaluatorVerticle extends SnapshotLoopService {

    public static final String ROLE = "evaluator";

    private static final Logger LOG = LoggerFactory.getLogger(EvaluatorVerticle.class);

    /** Rows the light protocol draws per evaluation. */
    static final int SAMPLES = 5000;

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,63}");

    private final String name;
    private final List<EvaluationMetric> plugins;
    private final int every;
    private final Map<String, String> metricOptions;
    private final List<EvaluationReport> reports = Collections.synchronizedList(new ArrayList<>());
    private final Path output;
    private RunFigures figures;
    private long loadedValueVersion = -1;

    /** The run's evaluator with every plug-in on the class path. */
    public EvaluatorVerticle(ServiceOptions options) {
        this(builder().setOptions(options).validated());
    }

    private EvaluatorVerticle(Builder b) {
        super(b.options);
        this.name = b.name;
        this.plugins = b.plugins;
        this.every = b.every;
        this.metricOptions = Map.copyOf(b.metricOptions);
        this.output = b.output;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected String role() {
        return name;
    }

    @Override
    protected Set<String> follows() {
        return model.emaValues() != null
                ? Set.of(RunTopics.POLICY, RunTopics.EBM, RunTopics.EMA, RunTopics.VALUE)
                : Set.of(RunTopics.POLICY, RunTopics.EBM, RunTopics.VALUE);
    }

    /** The EMA the ebm-learner publishes at or before {@code version}: at the evaluation cadence and at the end. */
    private long emaVersion(long version) {
        long total = plan.iterations();
        if (version >= total) {
            return total;
        }
        return plan.evalEvery() > 0 ? version / plan.evalEvery() * plan.evalEvery() : 0;
    }

    /** Reports published so far, oldest first. */
    public List<EvaluationReport> reports() {
        return List.copyOf(reports);
    }

    /** The plug-ins this evaluator runs, in order. */
    public List<EvaluationMetric> plugins() {
        return plugins;
    }

    @Override
    protected void loop() throws Exception {
        DataSource data = PipelineContext.openData(plan);
        MetricRunner runner = new MetricRunner(plugins, options.metrics());
        try {
            EvaluationContext.Builder contexts = EvaluationContext.builder().setData(data).setSampler(model::sample)
                    .optEnergy(model::energy).optSeed(plan.spec().config().seed() + 2000).optSamples(SAMPLES)
                    .optPlan(plan).optOptions(metricOptions);
            long total = plan.iterations();
            long interval = every > 0 ? every : plan.evalEvery();
            long next = interval > 0 ? Math.min(interval, total) : total; // 0: the final version only
            SnapshotFollower.Versioned first = null;
            while (true) {
                SnapshotFollower.Versioned policy = follower.await(RunTopics.POLICY, next).get(1, TimeUnit.DAYS);
                SnapshotFollower.Versioned ebm = follower.await(RunTopics.EBM, Math.min(policy.version(), total))
                        .get(1, TimeUnit.DAYS);
                model.loadPolicyWeights(policy.weights());
                ModelParts.load(model, RunTopics.EBM, ebm.weights());
                if (follows().contains(RunTopics.EMA)) {
                    ModelParts.load(model, RunTopics.EMA, follower.await(RunTopics.EMA, emaVersion(policy.version()))
                            .get(1, TimeUnit.DAYS).weights());
                }
                Map<String, Double> metrics = new LinkedHashMap<>(
                        runner.evaluate(contexts.optVersions(policy.version(), ebm.version()).build()));
                List<String> figureFiles = writeFigures(data, policy.version(), metrics);
                EvaluationReport report = EvaluationReport.newBuilder().setRunId(options.run())
                        .setPolicyVersion(policy.version()).setEbmVersion(ebm.version()).setIteration(policy.version())
                        .setMetrics(metrics).setCreatedAtMillis(System.currentTimeMillis())
                        .setEvaluator(name + "-" + options.instanceId()).setFigures(figureFiles).build();
                byte[] record = Codecs.encode(report);
                context.retry().until("evaluations", "report of v" + policy.version(), () -> context.producer()
                        .send(context.topics().evaluations(), Long.toString(policy.version()), record))
                        .toCompletionStage().toCompletableFuture().get();
                reports.add(report);
                if (first == null) {
                    first = policy;
                }
                if (policy.version() >= total) {
                    if (output != null) {
                        writeFinalModel(data, first, policy, ebm);
                    }
                    return;
                }
                next = interval > 0 ? Math.min(total, (policy.version() / interval + 1) * interval) : total;
            }
        } finally {
            runner.close(); // plug-ins that hold native memory (the fd plug-in's classifier) free it
        }
    }

    /**
     * Writes the run's final model, samples, figures and result.json into the output directory: the value
     * networks are those the value-learner publishes when it finishes (an older version after two minutes).
     * The training rate is measured between the first and the last policy this evaluator saw.
     */
    private void writeFinalModel(DataSource data, SnapshotFollower.Versioned first, SnapshotFollower.Versioned policy,
            SnapshotFollower.Versioned ebm) throws Exception {
        SnapshotFollower.Versioned value = FinalModel.awaitOrNewest(follower, RunTopics.VALUE, policy.version(),
                Duration.ofMinutes(2));
        SnapshotFollower.Versioned ema = follows().contains(RunTopics.EMA)
                ? FinalModel.awaitOrNewest(follower, RunTopics.EMA, emaVersion(policy.version()), Duration.ofMinutes(2))
                : null;
        double seconds = (policy.meta().getCreatedAtMillis() - first.meta().getCreatedAtMillis()) / 1000.0;
        Double rate = policy.version() > first.version() && seconds > 0
                ? (policy.version() - first.version()) / seconds : null;
        RunResult r = FinalModel.write(plan, data, new FinalModel.Parts(policy, ebm, ema, value), output,
                FinalModel.history(options.settings(), options.run()), name + " " + options.instanceId(), result -> result.withTiming(
                        new RunResult.Timing(policy.version(), null, null, null, null,
                                result.timing().evalSeconds(), null, rate, null, null))
                        .withTrainer("distributed pipeline (services as separate processes); model assembled"
                                + " from the run's final snapshots by its evaluator"));
        LOG.info("{}: wrote the run's final model and result into {} ({})", name, output, r.headline());
    }

    /**
     * Builder: {@code setOptions} is required; by default the verticle is the run's evaluator
     * ({@value #ROLE}) running every plug-in on the class path every {@code evalEvery} versions.
     */
    public static final class Builder {
        private ServiceOptions options;
        private String name = ROLE;
        private List<EvaluationMetric> plugins;
        private int every;
        private final Map<String, String> metricOptions = new LinkedHashMap<>();
        private Path output;

        private Builder() {}

        public Builder setOptions(ServiceOptions options) {
            this.options = options;
            return this;
        }

        /** The service and evaluator name (lower-case letters, digits, '-'). */
        public Builder optName(String name) {
            this.name = name;
            return this;
        }

        /** The plug-ins to run, in order (default: every one discovered on the class path). */
        public Builder optPlugins(List<? extends EvaluationMetric> plugins) {
            this.plugins = List.copyOf(plugins);
            return this;
        }

        /** Policy versions between evaluations (default 0: the run plan's evalEvery). */
        public Builder optEvery(int every) {
            this.every = every;
            return this;
        }

        /**
         * Where to write the run's final model, samples, figures and result.json when the run ends (default:
         * nowhere; one evaluator of a run should have it).
         */
        public Builder optOutput(Path output) {
            this.output = output;
            return this;
        }

        /** Options handed to the plug-ins ({@link EvaluationContext#options()}). */
        public Builder optMetricOptions(Map<String, String> metricOptions) {
            this.metricOptions.putAll(metricOptions);
            return this;
        }

        public EvaluatorVerticle build() {
            return new EvaluatorVerticle(validated());
        }

        private Builder validated() {
            if (options == null) {
                throw new IllegalStateException("EvaluatorVerticle needs setOptions");
            }
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalStateException("an evaluator name is lower-case letters, digits and '-', got '"
                        + name + "'");
            }
            if (every < 0) {
                throw new IllegalStateException("the evaluation interval must be >= 0 (0: the plan's), got " + every);
            }
            if (plugins == null) {
                plugins = List.copyOf(EvaluationMetrics.discover().values());
            }
            if (plugins.isEmpty()) {
                throw new IllegalStateException("evaluator '" + name + "' has no metric plug-ins");
            }
            EvaluationMetrics.byId(plugins); // malformed or clashing ids fail here, before the run
            return this;
        }
    }

    /**
     * Loads the value network of this iteration for the V(x, t) panels: the value-learner
     * publishes it right after the policy of the same version, so it is waited for briefly; an
     * older one is used when it does not come (an external evaluator's own cadence). False when
     * none has arrived yet.
     */
    private boolean loadValueNetwork(long iteration) throws InterruptedException {
        SnapshotFollower.Versioned value;
        try {
            value = follower.await(RunTopics.VALUE, iteration).get(2, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            value = follower.newest(RunTopics.VALUE);
        }
        if (value == null) {
            return false;
        }
        if (value.version() != loadedValueVersion) {
            model.loadValueWeights(value.weights());
            loadedValueVersion = value.version();
        }
        return true;
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
     * new files. V(x, t) comes from the value-learner's newest value snapshot. Returns the
     * files' paths for the report (none without a directory, or when drawing failed: figures
     * are a view, not worth stopping the evaluations for).
     */
    private List<String> writeFigures(DataSource data, long iteration, Map<String, Double> metrics) {
        if (options.figuresDir() == null) {
            return List.of();
        }
        if (figures == null) {
            figures = RunFigures.builder().setData(data).optSeed(plan.spec().config().seed()).build();
        }
        MetricHistory history = history(reports()).add(iteration, metrics);
        try {
            String valuesUnavailable = loadValueNetwork(iteration) ? null
                    : "no value snapshot yet:\nthe value-learner publishes one every evaluation";
            return figures.write(model, history, options.figuresDir(), valuesUnavailable).files().stream()
                    .map(Path::toString).toList();
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not write the figures into {}: {}", options.figuresDir(), e.toString());
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stopping: the loop ends at its next wait
            return List.of();
        }
    }
}
