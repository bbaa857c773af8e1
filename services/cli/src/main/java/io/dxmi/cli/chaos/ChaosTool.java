package io.dxmi.cli.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dxmi.pipeline.PipelineContext;
import io.dxmi.pipeline.RunPlan;
import io.dxmi.pipeline.RunTopics;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.messaging.DeadLetters;
import io.dxmi.platform.metrics.Metrics;
import io.dxmi.schemas.EvaluationReport;
import io.dxmi.schemas.codec.Codecs;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The fault injection of {@code scripts/fuzz-topics} and {@code scripts/chaos}, on a run that
 * goes on:
 * <ul>
 *   <li>{@code inject BOOTSTRAP RUN ROUNDS SECONDS SEED}: rounds of {@link BadRecords} on every
 *       topic a service reads; one JSON line per record sent (topic, offset, kind, whether it
 *       must be dead-lettered);</li>
 *   <li>{@code check BOOTSTRAP RUN FILE}: compares the run's dead letters with the records of
 *       {@code FILE} (lines of {@code inject}): each dead-lettered exactly once, nothing else
 *       dead-lettered but batches sent twice; prints a summary, exits 1 on a mismatch;</li>
 *   <li>{@code report BOOTSTRAP RUN}: the run's newest evaluation report as JSON.</li>
 * </ul>
 * The anomaly scorer's counterpart is {@link FrameChaos}.
 */
public final class ChaosTool {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChaosTool() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            usage();
        }
        KafkaSettings settings = KafkaSettings.builder().setBootstrapServers(args[1]).optClientIdPrefix("chaos")
                .build();
        RunTopics topics = new RunTopics(args[2]);
        switch (args[0]) {
            case "inject" -> {
                if (args.length != 6) {
                    usage();
                }
                inject(settings, args[2], Integer.parseInt(args[3]), Double.parseDouble(args[4]),
                        Long.parseLong(args[5]));
            }
            case "check" -> System.exit(check(settings, topics, Path.of(args[3])) ? 0 : 1);
            case "report" -> {
                EvaluationReport[] last = new EvaluationReport[1];
                readCommitted(settings, topics.evaluations(), r -> last[0] = Codecs.decode(EvaluationReport.class,
                        r.value()));
                System.out.println(last[0] == null ? "{}" : JSON.writeValueAsString(Map.of("iteration",
                        last[0].getIteration(), "metrics", last[0].getMetrics())));
            }
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: ChaosTool inject BOOTSTRAP RUN ROUNDS SECONDS SEED | check BOOTSTRAP RUN FILE"
                + " | report BOOTSTRAP RUN");
        System.exit(2);
    }

    private static void inject(KafkaSettings settings, String run, int rounds, double seconds, long seed)
            throws Exception {
        Vertx vertx = Vertx.vertx();
        try (PipelineContext ctx = PipelineContext.open(vertx, settings, run, "chaos", Metrics.create("chaos"))) {
            RunPlan plan = ctx.awaitPlan(Duration.ofMinutes(5));
            BadRecords bad = new BadRecords(ctx, plan, seed);
            for (int round = 0; round < rounds; round++) {
                for (BadRecords.Injected i : bad.injectAll()) {
                    System.out.println(JSON.writeValueAsString(i));
                }
                System.out.flush();
                Thread.sleep((long) (seconds * 1000));
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    private static boolean check(KafkaSettings settings, RunTopics topics, Path injectedFile) throws Exception {
        Map<String, Integer> letters = new HashMap<>();
        Map<String, String> reasons = new HashMap<>();
        readCommitted(settings, topics.deadLetters(), r -> {
            letters.merge(r.key(), 1, Integer::sum);
            try {
                reasons.put(r.key(), DeadLetters.decode(r.value()).reason());
            } catch (Exception e) {
                reasons.put(r.key(), "undecodable dead letter");
            }
        });
        Map<String, Integer> byKind = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        int expected = 0;
        int skippedIterations = 0;
        Set<String> injectedKeys = new HashSet<>();
        for (String line : Files.readAllLines(injectedFile)) {
            if (line.isBlank() || !line.startsWith("{")) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            String key = DeadLetters.keyOf(n.get("topic").asText(), 0, n.get("offset").asLong());
            injectedKeys.add(key);
            int got = letters.getOrDefault(key, 0);
            if (n.get("deadLettered").asBoolean()) {
                expected++;
                byKind.merge(n.get("kind").asText(), 1, Integer::sum);
                if (got != 1) {
                    problems.add(n.get("kind").asText() + " at " + key + ": " + got + " dead letters");
                }
            } else {
                skippedIterations++;
                if (got != 0) {
                    problems.add(n.get("kind").asText() + " at " + key + " was dead-lettered");
                }
            }
        }
        int duplicates = 0;
        for (String key : letters.keySet()) {
            if (!injectedKeys.contains(key)) {
                if (reasons.getOrDefault(key, "").contains("sent twice")) {
                    duplicates++; // a send retried through an outage landed twice: the copy is refused
                } else {
                    problems.add("unexpected dead letter " + key + ": " + reasons.get(key));
                }
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("injected_dead_letter_kinds", byKind);
        summary.put("expected_dead_letters", expected);
        summary.put("dead_letters", letters.values().stream().mapToInt(Integer::intValue).sum());
        summary.put("non_finite_batches_injected", skippedIterations);
        summary.put("retried_batches_refused_as_sent_twice", duplicates);
        summary.put("problems", problems);
        System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary));
        return problems.isEmpty();
    }

    /**
     * Every committed record of every partition of {@code topic} (read_committed: what a transactional writer
     * aborted is not there), from the start to the end it had when the read began; at most a minute.
     */
    static void readCommitted(KafkaSettings settings, String topic, Consumer<ConsumerRecord<String, byte[]>> each) {
        Map<String, Object> p = new HashMap<>(settings.consumerProperties(null));
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && end.entrySet().stream().anyMatch(e -> c.position(e.getKey())
                    < e.getValue())) {
                c.poll(Duration.ofMillis(200)).forEach(each);
            }
        }
    }
}
