package io.dxmi.pipeline;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.ToyDatasets;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.dxmi.RunSpec;
import io.dxmi.core.dxmi.ValueSharing;
import io.dxmi.core.model.DataInfo;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.messaging.DeadLetters;
import io.vertx.core.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** What the pipeline's broker tests share. */
final class PipelineTestSupport {

    static final NetworkConfig TINY = new NetworkConfig(16, 2, 16);

    private PipelineTestSupport() {}

    static DxmiConfig tinyConfig() {
        return DxmiConfig.builder().optBatchSize(32).optNetwork(TINY).optIterations(5).build();
    }

    static PretrainConfig tinyPretrain() {
        return new PretrainConfig(1000, 1e-4, 0.02, 50, 64, 2e-3f, true, TINY, 1L);
    }

    /** A plan built without pretraining (enough for topics and snapshot provenance; no DJL). */
    static RunPlan planWithoutPretraining(String run) {
        DataSource ds = ToyDatasets.byName("8gaussians");
        DxmiConfig config = tinyConfig().toBuilder().optValueSharing(ValueSharing.SEPARATE).optIterations(100).build();
        Normalization n = Normalization.identity(2);
        RunSpec spec = new RunSpec(run, config, tinyPretrain(), DataInfo.of(ds), "8gaussians", n.shift(), n.scale());
        return new RunPlan(spec, "sync", 0, 10, 10);
    }

    /** Creates the run's topics as a submission does (snapshot topics sized for small test snapshots). */
    static void createTopics(PipelineContext ctx, RunPlan plan) {
        ctx.createTopics(plan, 4096, Map.of(RunTopics.POLICY, 1L << 20, RunTopics.EBM, 1L << 20, RunTopics.VALUE,
                1L << 20));
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /** A plain consumer reading a whole (single-partition) topic from the beginning. */
    static final class TopicReader implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();

        TopicReader(KafkaSettings settings, String topic) {
            Map<String, Object> props = new HashMap<>(settings.consumerProperties(null));
            consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
        }

        /** Reads until a record matches (returns it) or the timeout passes (AssertionError). */
        ConsumerRecord<String, byte[]> awaitRecord(Predicate<ConsumerRecord<String, byte[]>> wanted, Duration timeout,
                String what) {
            for (ConsumerRecord<String, byte[]> r : seen) {
                if (wanted.test(r)) {
                    return r;
                }
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                ConsumerRecord<String, byte[]> found = null;
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(r); // every record of the poll, also after a match: a later call may want them
                    if (found == null && wanted.test(r)) {
                        found = r;
                    }
                }
                if (found != null) {
                    return found;
                }
            }
            throw new AssertionError("no record within " + timeout + ": " + what + " (saw " + seen.size() + ")");
        }

        /** Waits for a dead letter whose envelope matches. */
        DeadLetters.Envelope awaitDeadLetter(Predicate<DeadLetters.Envelope> wanted, Duration timeout, String what) {
            ConsumerRecord<String, byte[]> r = awaitRecord(rec -> wanted.test(envelope(rec.value())), timeout, what);
            return envelope(r.value());
        }

        /** Every record, reading until none came for {@code quiet}. */
        List<ConsumerRecord<String, byte[]>> drain(Duration quiet) {
            while (true) {
                var records = consumer.poll(quiet);
                if (records.isEmpty()) {
                    return seen;
                }
                records.forEach(seen::add);
            }
        }

        List<ConsumerRecord<String, byte[]>> seen() {
            return seen;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    static DeadLetters.Envelope envelope(byte[] bytes) {
        try {
            return DeadLetters.decode(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
