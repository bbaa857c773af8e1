package io.dxmi.dashboard;

import io.dxmi.core.model.ModelDirectory;
import io.dxmi.pipeline.RunPlan;
import io.dxmi.pipeline.RunTopics;
import io.dxmi.platform.broker.Topics;
import io.dxmi.platform.messaging.Consumer;
import io.dxmi.schemas.EvaluationReport;
import io.dxmi.schemas.codec.Codecs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The run's records from Kafka, as the page's JSON: the plan from the spec topic and every
 * {@link EvaluationReport} from the evaluations topic, both read from offset 0 with the platform
 * {@link Consumer} (a page that opens late still gets the whole history). A record that cannot be decoded is
 * skipped: logged by the consumer and counted. Read-only: it publishes nothing, so no dead letters either.
 */
final class RunFeed {

    private static final Logger LOG = LoggerFactory.getLogger(RunFeed.class);

    /** Where the decoded records go; called on the consumer's thread. */
    interface Listener {
        void plan(JsonObject plan);

        void report(JsonObject report);

        void skipped();
    }

    private final Vertx vertx;
    private final DashboardSettings settings;
    private final RunTopics topics;
    private final Listener listener;
    private volatile Consumer consumer;
    private volatile boolean stopped;

    RunFeed(Vertx vertx, DashboardSettings settings, Listener listener) {
        this.vertx = vertx;
        this.settings = settings;
        this.topics = new RunTopics(settings.run());
        this.listener = listener;
    }

    /**
     * Starts reading the spec and evaluations from offset 0 once the run's topics exist (checked every second:
     * the dashboard may start before the run is submitted, and only the submission knows the topics' settings).
     * A page that opens late still gets the whole history.
     */
    Future<Void> start() {
        startOnceSubmitted();
        return Future.succeededFuture();
    }

    private void startOnceSubmitted() {
        vertx.executeBlocking(() -> {
            // Short timeouts: with the broker gone this check must not hold a worker (and the dashboard's
            // shutdown) for the client's default minute; it is retried every second anyway.
            Map<String, Object> props = new HashMap<>(settings.kafka().adminProperties());
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
            try (Admin admin = Admin.create(props)) {
                return Topics.exists(admin, topics.spec()) && Topics.exists(admin, topics.evaluations());
            }
        }).onComplete(ar -> {
            if (stopped) {
                return;
            }
            if (ar.failed() || !ar.result()) {
                vertx.setTimer(1000, id -> startOnceSubmitted());
                return;
            }
            Map<TopicPartition, Long> fromStart = Map.of(new TopicPartition(topics.spec(), 0), 0L,
                    new TopicPartition(topics.evaluations(), 0), 0L);
            consumer = Consumer.builder().setVertx(vertx).setSettings(settings.kafka()).setStartOffsets(fromStart)
                    .optMaxInFlight(1).setHandler(this::onRecord).build();
            consumer.start().onFailure(e -> LOG.warn("dashboard: cannot read the run's topics: {}", e.toString()));
        });
    }

    Future<Void> close() {
        stopped = true;
        return consumer == null ? Future.succeededFuture() : consumer.closeAsync();
    }

    private Future<Void> onRecord(ConsumerRecord<String, byte[]> record) {
        try {
            if (record.topic().equals(topics.spec())) {
                if (RunPlan.KEY.equals(record.key())) {
                    listener.plan(planJson(RunPlan.decode(record.value()), record.timestamp()));
                }
            } else {
                EvaluationReport report = Codecs.decode(EvaluationReport.class, record.value());
                if (!settings.run().contentEquals(report.getRunId())) {
                    throw new IllegalArgumentException("evaluation report of run '" + report.getRunId()
                            + "' on run '" + settings.run() + "''s topic");
                }
                listener.report(reportJson(report, record.offset()));
            }
            return Future.succeededFuture();
        } catch (RuntimeException e) {
            // The consumer logs the failure and goes on; the page shows how many were skipped.
            listener.skipped();
            return Future.failedFuture(e);
        }
    }

    static JsonObject planJson(RunPlan plan, long publishedAt) {
        var spec = plan.spec();
        var c = spec.config();
        JsonObject full;
        try {
            full = new JsonObject(ModelDirectory.json().writeValueAsString(plan));
        } catch (IOException | RuntimeException e) {
            full = new JsonObject().put("error", "the plan could not be shown: " + e.getMessage());
        }
        return new JsonObject().put("run", spec.runId()).put("mode", plan.mode()).put("data", spec.dataSource())
                .put("dataName", spec.data().name()).put("dimension", spec.data().dimension())
                .put("steps", c.samplerSteps()).put("tauEntropy", exact(c.tauEntropy()))
                .put("tauVelocity", exact(c.tauVelocity())).put("iterations", plan.iterations())
                .put("batch", c.batchSize()).put("evalEvery", plan.evalEvery())
                .put("checkpointEvery", plan.checkpointEvery()).put("maxStaleness", plan.maxStaleness())
                .put("seed", c.seed()).put("publishedAt", publishedAt).put("config", full);
    }

    static JsonObject reportJson(EvaluationReport report, long offset) {
        JsonObject metrics = new JsonObject();
        new TreeMap<>(stringKeys(report.getMetrics())).forEach((k, v) -> metrics.put(k, Json.num(v)));
        JsonArray figures = new JsonArray();
        report.getFigures().forEach(f -> figures.add(f.toString()));
        return new JsonObject().put("offset", offset).put("iteration", report.getIteration())
                .put("policyVersion", report.getPolicyVersion()).put("ebmVersion", report.getEbmVersion())
                .put("createdAt", report.getCreatedAtMillis()).put("evaluator", report.getEvaluator().toString())
                .put("metrics", metrics).put("figures", figures);
    }

    private static Map<String, Double> stringKeys(Map<? extends CharSequence, Double> m) {
        Map<String, Double> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k.toString(), v));
        return out;
    }

    /** The float as the user typed it (0.1, not 0.10000000149). */
    private static double exact(float f) {
        return Double.parseDouble(Float.toString(f));
    }
}
