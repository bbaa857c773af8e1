package io.dxmi.cli;

import io.dxmi.ebmlearner.EbmLearnerVerticle;
import io.dxmi.evaluator.EvaluatorVerticle;
import io.dxmi.evaluator.api.EvaluationContext;
import io.dxmi.evaluator.api.EvaluationMetric;
import io.dxmi.evaluator.api.EvaluationMetrics;
import io.dxmi.examples.modecoverage.ModeCoverageMain;
import io.dxmi.pipeline.RunTopics;
import io.dxmi.pipeline.ServiceOptions;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.metrics.Metrics;
import io.dxmi.sampleractor.SamplerActorVerticle;
import io.dxmi.schemas.EvaluationReport;
import io.dxmi.schemas.codec.Codecs;
import io.dxmi.valuelearner.ValueLearnerVerticle;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Evaluator plug-ins in a tiny run on a real broker: the run's evaluator picks up every plug-in
 * on the class path (the built-ins and mode coverage) and survives a broken one, while mode
 * coverage also runs as a separate evaluator (its command line, in this JVM) and publishes its
 * own reports to the same topic.
 */
@Tag("integration")
class EvaluatorPluginsIntegrationTest {

    static final String RUN = "plugins";

    @TempDir
    Path tmp;

    /** A plug-in with a bug: it must cost only its own values. */
    static final class Broken implements EvaluationMetric {
        @Override
        public String id() {
            return "broken";
        }

        @Override
        public Map<String, Double> evaluate(EvaluationContext context) {
            throw new IllegalStateException("a plug-in bug");
        }
    }

    @Test
    void builtInAndSeparateEvaluatorsBothPublishReports() throws Exception {
        int total = 6;
        try (TinyRun fixture = TinyRun.start(tmp, 50)) {
            Vertx vertx = fixture.vertx();
            KafkaSettings kafka = fixture.kafka();
            fixture.submit(RUN, TinyRun.config(total, 5), "sync", 0, 10, 3);
            Path state = tmp.resolve("state");
            Metrics evaluatorMetrics = Metrics.create(EvaluatorVerticle.ROLE);
            List<EvaluationMetric> plugins = new ArrayList<>(EvaluationMetrics.discover().values());
            plugins.add(new Broken());
            EvaluatorVerticle evaluator = EvaluatorVerticle.builder()
                    .setOptions(new ServiceOptions(kafka, RUN, "0", state, evaluatorMetrics, Duration.ofMinutes(1)))
                    .optPlugins(plugins).build();
            EbmLearnerVerticle ebm = new EbmLearnerVerticle(options(kafka, state, "ebm"));
            ValueLearnerVerticle value = new ValueLearnerVerticle(options(kafka, state, "value"));
            SamplerActorVerticle actor = new SamplerActorVerticle(options(kafka, state, "actor"));
            // The separate evaluator, through its real command line; it joins while the run goes on.
            CompletableFuture<Integer> external = CompletableFuture.supplyAsync(() -> ModeCoverageMain.run(
                    "--bootstrap", fixture.bootstrap(), "--run", RUN, "--every", "2", "--instance-id", "it",
                    "--metrics-port", "0", "--plan-timeout", "60"));
            await(vertx.deployVerticle(evaluator));
            await(vertx.deployVerticle(ebm));
            await(vertx.deployVerticle(value));
            await(vertx.deployVerticle(actor));

            await(value.finished());
            await(ebm.finished()); // its last rewards may still be in flight: close only after
            await(evaluator.finished());
            assertEquals(0, external.get(2, TimeUnit.MINUTES), "the separate evaluator's exit code");

            List<EvaluationReport> reports = readReports(kafka);
            List<EvaluationReport> builtIn = reports.stream().filter(r -> r.getEvaluator().equals("evaluator-0"))
                    .toList();
            List<EvaluationReport> separate = reports.stream()
                    .filter(r -> r.getEvaluator().equals("mode-coverage-it")).toList();
            assertEquals(reports.size(), builtIn.size() + separate.size(), reports.toString());

            // The run's evaluator: every 3 versions, with the built-ins and mode coverage, without the broken one.
            assertEquals(List.of(3L, 6L), builtIn.stream().map(EvaluationReport::getPolicyVersion).toList());
            for (EvaluationReport r : builtIn) {
                Map<String, Double> m = r.getMetrics();
                assertTrue(m.containsKey("sw") && m.containsKey("auc"), m.toString());
                assertModeCoverage(m);
                assertFalse(m.keySet().stream().anyMatch(k -> k.startsWith("broken")), m.toString());
            }
            assertEquals(2.0, errors(evaluatorMetrics, "broken"));
            assertEquals(0.0, errors(evaluatorMetrics, "mode_coverage"));

            // The separate evaluator: only its plug-in, up to the final version.
            assertFalse(separate.isEmpty(), reports.toString());
            assertEquals(total, separate.get(separate.size() - 1).getPolicyVersion());
            for (EvaluationReport r : separate) {
                assertTrue(r.getMetrics().keySet().stream().allMatch(k -> k.startsWith("mode_coverage.")),
                        r.getMetrics().toString());
                assertModeCoverage(r.getMetrics());
                // The evaluator takes the newest energy at least as new as the policy: in sync mode the
                // ebm-learner may already be an iteration or more ahead when the evaluator asks.
                assertTrue(r.getEbmVersion() >= r.getPolicyVersion() && r.getEbmVersion() <= total,
                        "the energy no older than the policy: " + r);
            }
        }
    }

    private static ServiceOptions options(KafkaSettings kafka, Path state, String service) {
        return new ServiceOptions(kafka, RUN, "0", state, Metrics.create(service), Duration.ofMinutes(1));
    }

    /** Eight shares and the off-mode share make up all samples; the dropped count matches the shares. */
    private static void assertModeCoverage(Map<String, Double> m) {
        double sum = m.get("mode_coverage.share_off_mode");
        int dropped = 0;
        for (int k = 0; k < 8; k++) {
            double share = m.get("mode_coverage.share_mode_" + k);
            sum += share;
            dropped += share < 0.1 / 8 ? 1 : 0;
        }
        assertEquals(1.0, sum, 1e-9, m.toString());
        assertEquals(dropped, m.get("mode_coverage.modes_dropped"), m.toString());
    }

    private static double errors(Metrics metrics, String plugin) {
        for (MetricSnapshot s : metrics.registry().scrape()) {
            if (s.getMetadata().getName().equals("dxmi_eval_plugin_errors")) {
                for (CounterSnapshot.CounterDataPointSnapshot p : ((CounterSnapshot) s).getDataPoints()) {
                    if (plugin.equals(p.getLabels().get("plugin"))) {
                        return p.getValue();
                    }
                }
            }
        }
        throw new AssertionError("no error counter for " + plugin);
    }

    private static List<EvaluationReport> readReports(KafkaSettings kafka) {
        Map<String, Object> props = new HashMap<>(kafka.consumerProperties(null));
        List<EvaluationReport> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(new RunTopics(RUN).evaluations(), 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (c.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(Codecs.decode(EvaluationReport.class, r.value()));
                }
            }
        }
        return out;
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
    }
}
