package io.dxmi.anomalyscorer;

import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.platform.broker.Topics;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.messaging.TransactionalBatchLoop;
import io.dxmi.platform.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One anomaly-scorer instance: creates the topics it needs, loads its first model (a directory or
 * a run's newest energy), reads the threshold control topic, starts the exactly-once batch loop
 * (frames → scores and dead letters) on a thread of its own, and serves the threshold endpoint.
 * Any number of instances with the same group share the frames' partitions.
 */
public final class AnomalyScorerVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(AnomalyScorerVerticle.class);

    private final ScorerSettings settings;
    private final KafkaSettings kafka;
    private final Metrics metrics;
    private final Path modelDir;
    private final String followRun;
    private final Duration planTimeout;
    private final SnapshotDensity snapshotDensity;
    private ScorerState state;
    private ModelSource source;
    private ThresholdControl control;
    private ThresholdEndpoint endpoint;
    private TransactionalBatchLoop loop;
    private volatile int httpPort = -1;

    private AnomalyScorerVerticle(Builder b) {
        this.settings = b.settings;
        this.kafka = b.kafka;
        this.metrics = b.metrics;
        this.modelDir = b.modelDir;
        this.followRun = b.followRun;
        this.planTimeout = b.planTimeout;
        this.snapshotDensity = b.snapshotDensity;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> {
            DjlRuntime.configureFromEnvironment();
            ensureTopics();
            ScorerMetrics scorerMetrics = new ScorerMetrics(metrics);
            state = new ScorerState(scorerMetrics);
            source = modelDir != null ? new DirectoryModelSource(modelDir, settings.watchInterval())
                    : new RunModelSource(vertx, kafka, followRun, metrics, planTimeout, snapshotDensity);
            source.start(state);
            control = new ThresholdControl(kafka, settings.controlTopic(), settings.group())
                    .start(state, Duration.ofSeconds(10));
            FrameBatchScorer scorer = new FrameBatchScorer(settings, state, scorerMetrics);
            loop = TransactionalBatchLoop.builder().setSettings(kafka).setGroupId(settings.group())
                    .setTransactionalId(settings.transactionalId()).setTopics(List.of(settings.framesTopic()))
                    .setHandler(scorer)
                    .optMaxBatch(settings.maxBatch()).optMaxDelay(settings.maxDelay())
                    .optBetweenBatches(() -> {
                        DjlRuntime.noGradientsOnThisThread(); // inference; maps record their own gradients
                        state.apply();
                    })
                    .optCommitListener((batch, out, committedAt, transactionSeconds) -> scorerMetrics.committed(
                            batch.size(), latencies(scorer.lastCaptureMicros(), committedAt), transactionSeconds))
                    .build();
            metrics.gauge("dxmi_anomaly_aborted_batches", "Batches aborted and retried (never skipped)",
                    () -> loop.abortedBatches());
            loop.start("dxmi-anomaly-scorer-" + settings.instanceId());
            return null;
        }).compose(x -> {
            if (settings.httpPort() < 0) {
                return Future.succeededFuture();
            }
            endpoint = new ThresholdEndpoint(vertx, settings, state, control);
            return endpoint.start().onSuccess(p -> {
                httpPort = p;
                LOG.info("threshold endpoint at http://{}:{}/threshold", settings.httpHost(), p);
            });
        });
    }

    /** Capture → commit, in seconds, of each scored frame of a committed batch. */
    private static double[] latencies(long[] captureMicros, long committedAtMicros) {
        double[] l = new double[captureMicros.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = Math.max(0, committedAtMicros - captureMicros[i]) / 1e6;
        }
        return l;
    }

    private void ensureTopics() {
        try (Admin admin = Admin.create(new HashMap<>(kafka.adminProperties()))) {
            Map<String, String> none = Map.of();
            Topics.ensure(admin, settings.framesTopic(), settings.partitions(), none);
            Topics.ensure(admin, settings.scoresTopic(), settings.partitions(), none);
            Topics.ensure(admin, settings.deadLetterTopic(), 1, none);
            Topics.ensure(admin, settings.controlTopic(), 1,
                    Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        }
    }

    /** The threshold endpoint's bound port (-1 before start or without one). */
    public int httpPort() {
        return httpPort;
    }

    /** Whether the batch loop runs (false after a fatal error, such as being fenced). */
    public boolean isRunning() {
        return loop != null && loop.isRunning();
    }

    /** Batches committed so far. */
    public long committedBatches() {
        return loop == null ? 0 : loop.committedBatches();
    }

    @Override
    public Future<?> stop() {
        Future<Void> http = endpoint == null ? Future.succeededFuture() : endpoint.close();
        return http.eventually(() -> vertx.executeBlocking(() -> {
            if (loop != null) {
                loop.close();
            }
            if (control != null) {
                control.close();
            }
            if (source != null) {
                source.close();
            }
            if (state != null) {
                state.close();
            }
            return null;
        }));
    }

    /** Builder: {@code setSettings}, {@code setKafka}, {@code setMetrics} and one model source are required. */
    public static final class Builder {
        private ScorerSettings settings;
        private KafkaSettings kafka;
        private Metrics metrics;
        private Path modelDir;
        private String followRun;
        private Duration planTimeout = Duration.ofMinutes(5);
        private SnapshotDensity snapshotDensity;

        private Builder() {}

        public Builder setSettings(ScorerSettings settings) {
            this.settings = settings;
            return this;
        }

        public Builder setKafka(KafkaSettings kafka) {
            this.kafka = kafka;
            return this;
        }

        public Builder setMetrics(Metrics metrics) {
            this.metrics = metrics;
            return this;
        }

        /** Score with this model directory (watched for new weights and calibrations). */
        public Builder optModelDirectory(Path dir) {
            this.modelDir = dir;
            return this;
        }

        /** Score with the newest energy snapshot of this training run. */
        public Builder optFollowRun(String run) {
            this.followRun = run;
            return this;
        }

        /** How long to wait for a followed run's plan and first energy (default 5 min). */
        public Builder optPlanTimeout(Duration d) {
            this.planTimeout = d;
            return this;
        }

        /**
         * With a followed run: fit a feature density on these normal images to each energy snapshot, so that it scores
         * as a model directory with a density does (a model directory carries its own: {@code dxmi feature-density}).
         */
        public Builder optSnapshotDensity(SnapshotDensity density) {
            this.snapshotDensity = density;
            return this;
        }

        public AnomalyScorerVerticle build() {
            if (settings == null || kafka == null || metrics == null) {
                throw new IllegalStateException("AnomalyScorerVerticle needs setSettings, setKafka and setMetrics");
            }
            if ((modelDir == null) == (followRun == null)) {
                throw new IllegalArgumentException("give exactly one model source: a model directory or a run to follow");
            }
            if (snapshotDensity != null && followRun == null) {
                throw new IllegalArgumentException("normal images for a density go with a followed run; a model "
                        + "directory carries its own density (dxmi feature-density)");
            }
            return new AnomalyScorerVerticle(this);
        }
    }
}
