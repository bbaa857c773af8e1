package io.dxmi.anomalyscorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.platform.broker.EmbeddedKafkaBroker;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.schemas.AnomalyScore;
import io.dxmi.schemas.DeadLetter;
import io.dxmi.schemas.Frame;
import io.dxmi.schemas.codec.Codecs;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;

/**
 * A scorer process is killed with SIGKILL in the middle of a stream and started again: every good
 * frame appears exactly once in the committed scores, every bad frame exactly once in the dead
 * letters with its reason (real broker, transactions, read_committed).
 */
@Tag("integration")
class ExactlyOnceKillTest {

    @TempDir
    Path tmp;

    private static byte[] badFrame(String encoding, int width, byte[] data) {
        return Codecs.encode(Frame.newBuilder().setCameraId("bad").setFrameId(width).setCaptureTimeMicros(1)
                .setEncoding(encoding).setWidth(width).setHeight(8).setChannels(1).setData(ByteBuffer.wrap(data))
                .build());
    }

    @Test
    void everyFrameIsScoredExactlyOnceAcrossAKill9() throws Exception {
        Path model = tmp.resolve("model");
        ScorerFixtures.writeModel(model, 1, 0.0);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().setDataDir(tmp.resolve("kafka")).build()
                .start()) {
            KafkaSettings kafka = KafkaSettings.builder().setBootstrapServers(broker.bootstrapServers()).build();
            ScorerSettings s = ScorerSettings.defaults("a").withPartitions(3);
            ScorerFixtures.createTopics(kafka, s);
            Process first = ScorerProcess.start(broker.bootstrapServers(), model.toString(), "a", tmp.resolve("scorer-1.log"));
            try {
                // 3 cameras x 200 frames at 100 frames/s each: about 2 s of stream.
                Thread sender = ScorerFixtures.startCamera(new CameraSimulator(kafka, s.framesTopic(),
                        ScorerFixtures.imageSet(50, 2), null, 3, 100, 200, 0, "raw", 3));
                // Bad frames among them: garbage, a wrong size, an unknown encoding, a corrupt PNG.
                Map<String, Object> p = new HashMap<>(kafka.producerProperties());
                p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
                p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
                    producer.send(new ProducerRecord<>(s.framesTopic(), "bad", new byte[] {1, 2, 3}));
                    producer.send(new ProducerRecord<>(s.framesTopic(), "bad", badFrame("raw", 8, new byte[10])));
                    producer.send(new ProducerRecord<>(s.framesTopic(), "bad", badFrame("webp", 8, new byte[64])));
                    producer.send(new ProducerRecord<>(s.framesTopic(), "bad", badFrame("png", 8, new byte[64])));
                    producer.flush();
                }
                // Liveness bounds, not speed: a separate JVM on a busy 2-core machine can take minutes to start.
                int before = ScorerFixtures.awaitScores(kafka, s.scoresTopic(), 150, Duration.ofSeconds(300));
                assertTrue(before >= 150, "the first scorer committed only " + before + " scores: "
                        + Files.readString(tmp.resolve("scorer-1.log")));
                first.destroyForcibly().waitFor(); // SIGKILL, mid-stream
                assertTrue(before < 600, "the stream was over before the kill (" + before + " scores)");
                sender.join();
            } finally {
                first.destroyForcibly();
            }
            Process second = ScorerProcess.start(broker.bootstrapServers(), model.toString(), "a", tmp.resolve("scorer-2.log"));
            try {
                List<AnomalyScore> scores = ScorerFixtures.awaitExactlyOnce(kafka, s.scoresTopic(), 3, 200,
                        tmp.resolve("scorer-2.log"));
                List<DeadLetter> dead = ScorerFixtures.deadLetters(kafka, s.deadLetterTopic());
                List<String> reasons = dead.stream().map(DeadLetter::getReason).sorted().toList();
                assertEquals(4, reasons.size(), "dead letters: " + reasons);
                assertTrue(reasons.get(0).startsWith("corrupt:"), reasons.toString());
                assertTrue(reasons.get(1).startsWith("undecodable:"), reasons.toString());
                assertTrue(reasons.get(2).startsWith("unknown_encoding:"), reasons.toString());
                assertTrue(reasons.get(3).startsWith("wrong_size:"), reasons.toString());
                assertTrue(scores.stream().allMatch(a -> a.getThresholdId().startsWith("cal-")
                        && a.getModelVersion().startsWith("model@") && a.getMap() != null));
            } finally {
                second.destroyForcibly().waitFor();
            }
        }
    }
}
