package io.dxmi.anomalyscorer;

import io.dxmi.core.anomaly.BadFrameException;
import io.dxmi.core.anomaly.EnergyMaps;
import io.dxmi.core.anomaly.FrameImages;
import io.dxmi.core.data.SampleShape;
import io.dxmi.platform.messaging.TransactionalBatchLoop;
import io.dxmi.schemas.AnomalyMap;
import io.dxmi.schemas.AnomalyScore;
import io.dxmi.schemas.DeadLetter;
import io.dxmi.schemas.Frame;
import io.dxmi.schemas.ScoreTimings;
import io.dxmi.schemas.codec.Codecs;
import io.dxmi.schemas.codec.SchemaException;
import io.dxmi.schemas.codec.Tensors;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frame-to-score path of one batch: decode each record ({@code Frame}), decode its image,
 * check its channels against the model, resize it to the model's height and width, score the
 * good frames in one call, and return one {@code AnomalyScore} per good frame and one
 * {@code DeadLetter} (with the reason) per bad one, all produced in the batch's transaction.
 */
final class FrameBatchScorer implements TransactionalBatchLoop.BatchHandler {

    private static final Logger LOG = LoggerFactory.getLogger(FrameBatchScorer.class);

    private final ScorerSettings settings;
    private final ScorerState state;
    private final ScorerMetrics metrics;
    private final String service;
    private long[] lastCaptureMicros = new long[0];

    FrameBatchScorer(ScorerSettings settings, ScorerState state, ScorerMetrics metrics) {
        this.settings = settings;
        this.state = state;
        this.metrics = metrics;
        this.service = settings.group() + "-" + settings.instanceId();
    }

    @Override
    public List<ProducerRecord<String, byte[]>> process(List<ConsumerRecord<String, byte[]>> batch) {
        ScoringModel model = state.model();
        Threshold threshold = state.threshold();
        if (model == null) {
            throw new IllegalStateException("no model loaded yet");
        }
        long t0 = System.nanoTime();
        long received = TransactionalBatchLoop.nowMicros();
        SampleShape shape = model.shape();
        int size = shape.size();
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>(batch.size());
        List<Frame> good = new ArrayList<>(batch.size());
        float[] rows = new float[batch.size() * size];
        for (ConsumerRecord<String, byte[]> r : batch) {
            try {
                Frame f = decode(r.value());
                float[] image = FrameImages.decode(f.getEncoding(), bytes(f.getData()), f.getWidth(), f.getHeight(),
                        f.getChannels());
                if (f.getChannels() != shape.channels()) {
                    throw new BadFrameException(BadFrameException.Kind.WRONG_CHANNELS, "frame has " + f.getChannels()
                            + " channel(s), the model " + model.version() + " scores " + shape.channels());
                }
                float[] resized = FrameImages.resize(image, shape.channels(), f.getHeight(), f.getWidth(),
                        shape.height(), shape.width());
                System.arraycopy(resized, 0, rows, good.size() * size, size);
                good.add(f);
            } catch (BadFrameException e) {
                out.add(deadLetter(r, e));
                metrics.deadLettered(e.label());
            }
        }
        if (!good.isEmpty()) {
            float[] goodRows = good.size() * size == rows.length ? rows : Arrays.copyOf(rows,
                    good.size() * size);
            float[] energies;
            float[][] maps;
            if (settings.mapFrames() == ScorerSettings.MapFrames.ALL || settings.mapGrid() == 0) {
                EnergyMaps.Result scored = model.score(goodRows, settings.mapGrid(), settings.mapMethod());
                energies = scored.energies();
                maps = scored.maps();
            } else {
                energies = model.score(goodRows, 0).energies();
                maps = alarmMaps(model, goodRows, size, energies, threshold);
            }
            long scoredAt = TransactionalBatchLoop.nowMicros();
            ScoreTimings timings = ScoreTimings.newBuilder().setReceivedAtMicros(received).setScoredAtMicros(scoredAt)
                    .setBatchSize(batch.size()).build();
            for (int i = 0; i < good.size(); i++) {
                Frame f = good.get(i);
                double energy = energies[i];
                boolean anomalous = threshold != null && threshold.isAnomalous(energy);
                AnomalyScore.Builder s = AnomalyScore.newBuilder().setCameraId(f.getCameraId())
                        .setFrameId(f.getFrameId()).setCaptureTimeMicros(f.getCaptureTimeMicros()).setEnergy(energy)
                        .setScore(threshold == null ? null : threshold.normalise(energy)).setAnomalous(anomalous)
                        .setThreshold(threshold == null ? null : threshold.value())
                        .setThresholdId(threshold == null ? "none" : threshold.id())
                        .setModelVersion(model.version()).setLabel(f.getLabel()).setTimings(timings)
                        .setScorer(service);
                if (maps != null && maps[i] != null) {
                    s.setMap(AnomalyMap.newBuilder().setHeight(settings.mapGrid()).setWidth(settings.mapGrid())
                            .setValues(Tensors.pack(maps[i])).build());
                }
                out.add(new ProducerRecord<>(settings.scoresTopic(), f.getCameraId(), Codecs.encode(s.build())));
                metrics.scored(f.getCameraId(), anomalous);
            }
        }
        long[] captured = new long[good.size()];
        for (int i = 0; i < captured.length; i++) {
            captured[i] = good.get(i).getCaptureTimeMicros();
        }
        lastCaptureMicros = captured;
        metrics.scoringTook((System.nanoTime() - t0) / 1e9);
        return out;
    }

    /**
     * Maps of the flagged frames only (null entries for the others; null when none is flagged): the backward
     * pass a map needs costs several times the energy's forward pass, so it is spent where someone looks.
     */
    private float[][] alarmMaps(ScoringModel model, float[] rows, int size, float[] energies, Threshold threshold) {
        if (threshold == null) {
            return null;
        }
        int flagged = 0;
        for (float e : energies) {
            flagged += threshold.isAnomalous(e) ? 1 : 0;
        }
        if (flagged == 0) {
            return null;
        }
        float[] flaggedRows = new float[flagged * size];
        int[] index = new int[flagged];
        for (int i = 0, k = 0; i < energies.length; i++) {
            if (threshold.isAnomalous(energies[i])) {
                System.arraycopy(rows, i * size, flaggedRows, k * size, size);
                index[k++] = i;
            }
        }
        float[][] flaggedMaps = model.score(flaggedRows, settings.mapGrid(), settings.mapMethod()).maps();
        float[][] maps = new float[energies.length][];
        for (int k = 0; k < flagged; k++) {
            maps[index[k]] = flaggedMaps[k];
        }
        return maps;
    }

    /** Capture times of the frames scored in the last batch processed (for its commit's latencies). */
    long[] lastCaptureMicros() {
        return lastCaptureMicros;
    }

    private static Frame decode(byte[] value) throws BadFrameException {
        try {
            return Codecs.decode(Frame.class, value);
        } catch (SchemaException e) {
            throw new BadFrameException(BadFrameException.Kind.UNDECODABLE, "not a Frame: " + e.getMessage());
        }
    }

    private ProducerRecord<String, byte[]> deadLetter(ConsumerRecord<String, byte[]> r, BadFrameException e) {
        LOG.warn("bad frame {}-{}@{} (key {}) to {}: {}", r.topic(), r.partition(), r.offset(), r.key(),
                settings.deadLetterTopic(), e.getMessage());
        DeadLetter dl = DeadLetter.newBuilder().setSourceTopic(r.topic()).setPartition(r.partition())
                .setOffset(r.offset())
                .setKey(r.key() == null ? null : ByteBuffer.wrap(r.key().getBytes(StandardCharsets.UTF_8)))
                .setPayload(ByteBuffer.wrap(r.value() == null ? new byte[0] : r.value()))
                .setReason(e.label() + ": " + e.getMessage()).setErrorClass(e.getClass().getName())
                .setService(service).setFailedAtMillis(System.currentTimeMillis()).build();
        return new ProducerRecord<>(settings.deadLetterTopic(), r.key(), Codecs.encode(dl));
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
