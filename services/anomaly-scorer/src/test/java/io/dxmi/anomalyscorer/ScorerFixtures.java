package io.dxmi.anomalyscorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.anomaly.CalibrationFile;
import io.dxmi.core.anomaly.Calibrator;
import io.dxmi.core.data.CsvDataset;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.DxmiTrainer;
import io.dxmi.core.dxmi.ModelStore;
import io.dxmi.core.dxmi.ValueSharing;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.model.DataInfo;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.ConvEnergyConfig;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.core.nn.UNetConfig;
import io.dxmi.core.random.Rng;
import io.dxmi.platform.broker.Topics;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.schemas.AnomalyScore;
import io.dxmi.schemas.DeadLetter;
import io.dxmi.schemas.codec.Codecs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Tiny 8x8 energy models, test images and committed-topic readers for the scorer's tests. */
final class ScorerFixtures {

    static final SampleShape SHAPE = SampleShape.image(1, 8, 8);
    static final NetworkConfig TINY = new NetworkConfig(16, 2, 16);

    private ScorerFixtures() {}

    /** Writes an (untrained) 64-value DxMI model with tiny networks, calibrated by hand at {@code threshold}. */
    static void writeModel(Path dir, long seed, double threshold) throws Exception {
        DjlRuntime.configure(1);
        DxmiConfig cfg = DxmiConfig.builder().optNetwork(TINY).optValueSharing(ValueSharing.SEPARATE)
                .optEnergyEmaDecay(0).optSeed(seed).optBatchSize(8).build();
        PretrainConfig sampler = new PretrainConfig(1000, 1e-4, 0.02, 1, 8, 2e-3f, true, TINY, seed);
        float[] rows = images(32, seed);
        CsvDataset data = CsvDataset.of("tiny-8x8", rows, SHAPE.size());
        try (DxmiModel m = DxmiModel.untrained(cfg, sampler, SHAPE.size(), Normalization.identity(SHAPE.size()),
                new Rng(seed))) {
            ModelStore.saveDxmi(dir, new DxmiTrainer(m, data::sample), DataInfo.of(data), null);
        }
        calibrateByHand(dir, threshold);
    }

    /**
     * Writes an (untrained) DxMI model of 8x8 grey images with a tiny convolutional energy, the kind a feature density
     * can be fitted to, calibrated by hand at {@code threshold}.
     */
    static void writeImageModel(Path dir, long seed, double threshold) throws Exception {
        DjlRuntime.configure(1);
        DxmiConfig cfg = DxmiConfig.imageBuilder().optSamplerSteps(2).optSeed(seed).optBatchSize(8)
                .optNetwork(NetworkConfig.of(new ConvEnergyConfig(4, false, 8))).build();
        PretrainConfig sampler = new PretrainConfig(100, 1e-4, 0.02, 0, 8, 1e-3f, true,
                NetworkConfig.of(new UNetConfig(8, new int[] {1}, 1, false, 4)), seed);
        CsvDataset data = CsvDataset.of("tiny-8x8", images(32, seed), SHAPE.size());
        DataInfo rows = DataInfo.of(data);
        DataInfo info = new DataInfo(rows.name(), rows.dimension(), rows.contentHash(), rows.boxLo(), rows.boxHi(),
                rows.boxDescription(), SHAPE.dims());
        try (DxmiModel m = DxmiModel.untrained(cfg, sampler, SHAPE, Normalization.pixels(SHAPE.size()),
                new Rng(seed))) {
            ModelStore.saveDxmi(dir, new DxmiTrainer(m, data::sample), info, null);
        }
        calibrateByHand(dir, threshold);
    }

    /** Stores a hand-set calibration at {@code threshold} for the weights of the model in {@code dir}. */
    private static void calibrateByHand(Path dir, double threshold) throws Exception {
        ModelStore.LoadedDxmi loaded = ModelStore.loadDxmi(dir);
        loaded.model().close();
        String weights = loaded.manifest().path("provenance").path("weightsSha256").asText();
        CalibrationFile.write(dir, Calibrator.manual(threshold, threshold - 1, threshold + 1, weights));
    }

    /** n random 8x8 images in [0, 1]. */
    static float[] images(int n, long seed) {
        Rng rng = new Rng(seed);
        return rng.uniforms(n * SHAPE.size(), 0f, 1f);
    }

    static CameraSimulator.Images imageSet(int n, long seed) {
        return new CameraSimulator.Images(SHAPE, images(n, seed), null);
    }

    static void createTopics(KafkaSettings kafka, ScorerSettings s) {
        try (Admin admin = Admin.create(new HashMap<>(kafka.adminProperties()))) {
            Topics.ensure(admin, s.framesTopic(), s.partitions(), Map.of());
            Topics.ensure(admin, s.scoresTopic(), s.partitions(), Map.of());
            Topics.ensure(admin, s.deadLetterTopic(), 1, Map.of());
            Topics.ensure(admin, s.controlTopic(), 1,
                    Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        }
    }

    /** Every committed record of a topic (read_committed), from the start to its current end. */
    static List<ConsumerRecord<String, byte[]>> committed(KafkaSettings kafka, String topic) {
        Map<String, Object> p = new HashMap<>(kafka.consumerProperties(null));
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < deadline
                    && !end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue())) {
                c.poll(Duration.ofMillis(100)).forEach(out::add);
            }
        }
        return out;
    }

    static List<AnomalyScore> scores(KafkaSettings kafka, String topic) {
        return committed(kafka, topic).stream().map(r -> Codecs.decode(AnomalyScore.class, r.value()))
                .collect(Collectors.toList());
    }

    static List<DeadLetter> deadLetters(KafkaSettings kafka, String topic) {
        return committed(kafka, topic).stream().map(r -> Codecs.decode(DeadLetter.class, r.value()))
                .collect(Collectors.toList());
    }

    /**
     * Waits for the scores of every frame of cameras {@code cam-0…} ({@code frames} each), lets anything scored twice
     * show up, and checks that each frame was scored exactly once; returns the committed scores.
     *
     * @param log the restarted scorer's output, shown when the scores do not all arrive
     */
    static List<AnomalyScore> awaitExactlyOnce(KafkaSettings kafka, String topic, int cameras, int frames, Path log)
            throws Exception {
        int n = awaitScores(kafka, topic, cameras * frames, Duration.ofSeconds(300));
        assertEquals(cameras * frames, n, "committed scores after the restart: " + Files.readString(log));
        Thread.sleep(3000); // anything scored twice would show up now
        List<AnomalyScore> scores = scores(kafka, topic);
        Set<String> seen = new HashSet<>();
        for (AnomalyScore a : scores) {
            assertTrue(seen.add(a.getCameraId() + "/" + a.getFrameId()), "scored twice: " + a.getCameraId() + "/"
                    + a.getFrameId());
        }
        for (int c = 0; c < cameras; c++) {
            for (int f = 0; f < frames; f++) {
                assertTrue(seen.contains("cam-" + c + "/" + f), "lost: cam-" + c + "/" + f);
            }
        }
        return scores;
    }

    /** Runs {@code camera} on a thread of its own, started; join it to wait until every frame was sent. */
    static Thread startCamera(CameraSimulator camera) {
        Thread sender = new Thread(() -> {
            try {
                camera.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "camera");
        sender.start();
        return sender;
    }

    /** Waits until {@code count} committed scores exist (or the timeout passes); returns the last count seen. */
    static int awaitScores(KafkaSettings kafka, String topic, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int n = 0;
        while (System.nanoTime() < deadline) {
            n = committed(kafka, topic).size();
            if (n >= count) {
                return n;
            }
            Thread.sleep(300);
        }
        return n;
    }
}
