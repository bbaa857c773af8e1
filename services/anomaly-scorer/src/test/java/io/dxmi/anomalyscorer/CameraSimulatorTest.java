package io.dxmi.anomalyscorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.data.SampleShape;
import io.dxmi.platform.broker.EmbeddedKafkaBroker;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.schemas.Frame;
import io.dxmi.schemas.codec.Codecs;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;

/**
 * The camera simulator on a real broker: every camera's frames carry capture times at the asked
 * rate (measured from the records, not from this machine's clock during the test: a busy machine
 * delays sending, not capturing), each frame once and in order on its camera's partition,
 * anomalies drawn from the anomalous images at about the asked rate and labelled 1.
 */
@Tag("integration")
class CameraSimulatorTest {

    private static final SampleShape SHAPE = SampleShape.image(1, 4, 4);

    @TempDir
    Path tmp;

    /** n images whose every pixel is {@code level}: an image's source is read back from its bytes. */
    private static CameraSimulator.Images constant(int n, float level, int cls) {
        float[] rows = new float[n * SHAPE.size()];
        Arrays.fill(rows, level);
        int[] classes = new int[n];
        Arrays.fill(classes, cls);
        return new CameraSimulator.Images(SHAPE, rows, classes);
    }

    @Test
    void camerasSendAtTheirRateEachFrameOnceWithItsLabel() throws Exception {
        int cameras = 4;
        double fps = 50;
        int perCamera = 100;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().setDataDir(tmp.resolve("kafka")).build()
                .start()) {
            KafkaSettings kafka = KafkaSettings.builder().setBootstrapServers(broker.bootstrapServers()).build();
            ScorerSettings s = ScorerSettings.defaults("camera-test").withPartitions(2);
            ScorerFixtures.createTopics(kafka, s);
            CameraSimulator.Sent sent = new CameraSimulator(kafka, s.framesTopic(), constant(5, 0.2f, 0),
                    constant(5, 1f, 7), cameras, fps, perCamera, 0.25, "raw", 1).run();
            assertEquals(cameras * perCamera, sent.frames());
            assertTrue(sent.maxLagMillis() >= 0);

            List<ConsumerRecord<String, byte[]>> records = ScorerFixtures.committed(kafka, s.framesTopic());
            assertEquals(cameras * perCamera, records.size());
            Map<String, List<Frame>> byCamera = new HashMap<>();
            Map<String, Integer> partitionOf = new HashMap<>();
            Set<String> ids = new HashSet<>();
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            int anomalous = 0;
            for (ConsumerRecord<String, byte[]> r : records) {
                Frame f = Codecs.decode(Frame.class, r.value());
                assertEquals(f.getCameraId(), r.key(), "keyed by camera");
                assertEquals(r.partition(), partitionOf.computeIfAbsent(r.key(), k -> r.partition()),
                        "one camera, one partition");
                assertTrue(ids.add(f.getCameraId() + "/" + f.getFrameId()), "sent twice");
                byCamera.computeIfAbsent(f.getCameraId(), k -> new ArrayList<>()).add(f);
                first = Math.min(first, f.getCaptureTimeMicros());
                last = Math.max(last, f.getCaptureTimeMicros());
                // The pixels say where the image came from: 255 = the anomalous set (class 7), 51 = the normal one.
                int pixel = bytes(f.getData())[0] & 0xFF;
                boolean fromAnomalous = pixel == 255;
                assertEquals(fromAnomalous ? 1 : 0, f.getLabel());
                assertEquals(fromAnomalous ? 7 : 0, f.getSourceClass());
                assertEquals(fromAnomalous ? 255 : 51, pixel);
                anomalous += fromAnomalous ? 1 : 0;
            }
            assertEquals(sent.anomalous(), anomalous);
            // 400 draws at p = 0.25: mean 100, sd 8.7; 55..145 is beyond 5 sd.
            assertTrue(anomalous > 55 && anomalous < 145, "anomalous frames: " + anomalous);

            assertEquals(cameras, byCamera.size());
            for (Map.Entry<String, List<Frame>> e : byCamera.entrySet()) {
                List<Frame> frames = e.getValue();
                for (int k = 0; k < frames.size(); k++) {
                    assertEquals(k, frames.get(k).getFrameId(), e.getKey() + " in order on its partition");
                }
                double span = (frames.get(perCamera - 1).getCaptureTimeMicros()
                        - frames.get(0).getCaptureTimeMicros()) / 1e6;
                double rate = (perCamera - 1) / span;
                assertEquals(fps, rate, 0.01 * fps, e.getKey() + " sent at " + rate + " frames/s");
                for (int k = 1; k < frames.size(); k++) {
                    long gap = frames.get(k).getCaptureTimeMicros() - frames.get(k - 1).getCaptureTimeMicros();
                    assertEquals(1e6 / fps, gap, 1.0, e.getKey() + ": frame " + k + " " + gap + " us after the last");
                }
            }
            double total = (cameras * perCamera - cameras) / ((last - first) / 1e6);
            assertEquals(cameras * fps, total, 0.01 * cameras * fps, "all cameras together: " + total + " frames/s");
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
