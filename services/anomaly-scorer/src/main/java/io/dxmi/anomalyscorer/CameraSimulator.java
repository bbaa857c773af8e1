package io.dxmi.anomalyscorer;

import io.dxmi.core.anomaly.BadFrameException;
import io.dxmi.core.anomaly.FrameImages;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.random.Rng;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.messaging.TransactionalBatchLoop;
import io.dxmi.schemas.Frame;
import io.dxmi.schemas.codec.Codecs;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Replays images as camera frames: {@code cameras} cameras ({@code cam-0} …) each sending
 * {@code fps} frames a second on a fixed schedule (frame k of a camera is due at start + k/fps; a
 * sender that falls behind catches up without skipping), keyed by camera, stamped with the
 * capture time: the instant the schedule gives it (start + k/fps on the wall clock), as a camera's
 * own clock stamps its exposures whatever the network does; a sender that falls behind sends
 * late, and the lag shows downstream as latency rather than as a slower camera. A frame is anomalous (label 1, drawn from the anomalous images) with probability
 * {@code anomalyRate}, else normal (label 0).
 */
public final class CameraSimulator {

    /** Images to replay: rows of {@code shape} in [0, 1], and each row's source class (or null). */
    public record Images(SampleShape shape, float[] rows, int[] classes) {
        public int count() {
            return rows.length / shape.size();
        }
    }

    /**
     * What was sent.
     *
     * @param frames frames the broker acknowledged
     * @param anomalous of them, drawn from the anomalous images
     * @param seconds from the first frame's due time to the last acknowledgement
     * @param maxLagMillis how far behind its schedule the sender fell at worst (its frames' capture
     *     times keep to the schedule; the lag shows as latency downstream)
     */
    public record Sent(long frames, long anomalous, double seconds, double maxLagMillis) {
        public double framesPerSecond() {
            return frames / Math.max(seconds, 1e-9);
        }
    }

    private final KafkaSettings settings;
    private final String topic;
    private final Images normal;
    private final Images anomalous;
    private final int cameras;
    private final double fps;
    private final long framesPerCamera;
    private final double anomalyRate;
    private final String encoding;
    private final long seed;

    public CameraSimulator(KafkaSettings settings, String topic, Images normal, Images anomalous, int cameras,
            double fps, long framesPerCamera, double anomalyRate, String encoding, long seed) {
        if (cameras < 1 || !(fps > 0) || framesPerCamera < 1) {
            throw new IllegalArgumentException("cameras, fps and frames must be positive");
        }
        if (!(anomalyRate >= 0 && anomalyRate <= 1)) {
            throw new IllegalArgumentException("the anomaly rate must be in [0, 1], got " + anomalyRate);
        }
        if (anomalyRate > 0 && anomalous == null) {
            throw new IllegalArgumentException("an anomaly rate needs anomalous images");
        }
        if (!FrameImages.RAW.equals(encoding) && !FrameImages.PNG.equals(encoding)) {
            throw new IllegalArgumentException("the camera sends raw or png frames, not '" + encoding + "'");
        }
        this.settings = settings;
        this.topic = topic;
        this.normal = normal;
        this.anomalous = anomalous;
        this.cameras = cameras;
        this.fps = fps;
        this.framesPerCamera = framesPerCamera;
        this.anomalyRate = anomalyRate;
        this.encoding = encoding;
        this.seed = seed;
    }

    /** Sends every frame on schedule, waits for the broker's acknowledgements, and says what was sent. */
    public Sent run() throws InterruptedException {
        Map<String, Object> p = new HashMap<>(settings.producerProperties());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        Rng rng = new Rng(seed);
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long anomalies = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            // The first send would block on the topic's metadata: fetch it before the clock starts,
            // or the first frames go out late and the rest in a burst.
            producer.partitionsFor(topic);
            long start = System.nanoTime();
            long startMicros = TransactionalBatchLoop.nowMicros();
            long maxLagNanos = 0;
            for (long k = 0; k < framesPerCamera; k++) {
                long due = start + (long) (k * 1e9 / fps);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                maxLagNanos = Math.max(maxLagNanos, System.nanoTime() - due);
                long captured = startMicros + Math.round(k * 1e6 / fps);
                for (int c = 0; c < cameras; c++) {
                    boolean anomaly = anomalyRate > 0 && rng.nextDouble() < anomalyRate;
                    Images from = anomaly ? anomalous : normal;
                    int i = (int) Math.min(from.count() - 1, (long) (rng.nextDouble() * from.count()));
                    String camera = "cam-" + c;
                    Frame f = frame(camera, k, captured, from, i, anomaly);
                    anomalies += anomaly ? 1 : 0;
                    producer.send(new ProducerRecord<>(topic, camera, Codecs.encode(f)), (md, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        } else {
                            acked.incrementAndGet();
                        }
                    });
                }
            }
            producer.flush();
            if (failure.get() != null) {
                throw new IllegalStateException("frames could not be sent: " + failure.get().getMessage(),
                        failure.get());
            }
            return new Sent(acked.get(), anomalies, (System.nanoTime() - start) / 1e9, maxLagNanos / 1e6);
        }
    }

    private Frame frame(String camera, long id, long capturedMicros, Images from, int i, boolean anomaly) {
        SampleShape s = from.shape();
        int c = s.channels();
        int h = s.height();
        int w = s.width();
        byte[] pixels = new byte[c * h * w];
        int plane = h * w;
        for (int p = 0; p < plane; p++) {
            for (int ch = 0; ch < c; ch++) {
                float v = from.rows()[i * s.size() + ch * plane + p];
                pixels[p * c + ch] = (byte) Math.round(Math.max(0, Math.min(1, v)) * 255);
            }
        }
        byte[] data = FrameImages.PNG.equals(encoding) ? png(pixels, c, h, w) : pixels;
        Integer cls = from.classes() == null ? null : from.classes()[i];
        return Frame.newBuilder().setCameraId(camera).setFrameId(id)
                .setCaptureTimeMicros(capturedMicros).setEncoding(encoding).setWidth(w)
                .setHeight(h).setChannels(c).setData(ByteBuffer.wrap(data)).setLabel(anomaly ? 1 : 0)
                .setSourceClass(cls).build();
    }

    private static byte[] png(byte[] interleaved, int c, int h, int w) {
        try {
            return FrameImages.rawToPng(interleaved, w, h, c);
        } catch (BadFrameException e) {
            throw new IllegalStateException("the simulator made a frame it cannot encode: " + e.getMessage(), e);
        }
    }
}
