package io.dxmi.anomalyscorer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.anomaly.EnergyMaps;
import io.dxmi.core.anomaly.FrameImages;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.dxmi.FeatureDensity;
import io.dxmi.core.dxmi.FeatureDensityFile;
import io.dxmi.core.dxmi.ModelStore;
import io.dxmi.core.random.Rng;
import io.dxmi.platform.metrics.Metrics;
import io.dxmi.schemas.AnomalyScore;
import io.dxmi.schemas.Frame;
import io.dxmi.schemas.codec.Codecs;
import io.dxmi.schemas.codec.Tensors;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One batch through the scorer's frame path, without a broker: which frames get a localisation map, and how. */
class FrameBatchScorerTest {

    private static final int FRAMES = 16;

    @TempDir
    Path tmp;

    @Test
    void alarmsModeMapsExactlyTheFlaggedFramesWithTheMapsOfTheAllMode() throws Exception {
        alarmsAgainstAll(ScorerSettings.MapMethod.GRADIENT);
    }

    @Test
    void restorationMapsFollowTheSameRulesAndDifferFromTheGradientMaps() throws Exception {
        List<AnomalyScore> restoration = alarmsAgainstAll(ScorerSettings.MapMethod.RESTORATION);
        List<AnomalyScore> gradient = alarmsAgainstAll(ScorerSettings.MapMethod.GRADIENT);
        for (int i = 0; i < FRAMES; i++) {
            float[] r = Tensors.unpack(restoration.get(i).getMap().getValues());
            float[] g = Tensors.unpack(gradient.get(i).getMap().getValues());
            // Pixels move by 0.05 RMS per step at most, over 20 steps: at most 1 per pixel, never negative.
            for (float v : r) {
                assertTrue(v >= 0 && v <= 1, "restoration map value " + v);
            }
            assertFalse(Arrays.equals(r, g), "frame " + i + ": the restoration map is not the gradient map");
            assertEquals(gradient.get(i).getEnergy(), restoration.get(i).getEnergy(), 0.0, "the same energy");
        }
    }

    @Test
    void combinedMapsAreTheGradientAndRestorationMapsEachInUnitsOfItsMean() throws Exception {
        List<AnomalyScore> combined = alarmsAgainstAll(ScorerSettings.MapMethod.COMBINED);
        List<AnomalyScore> restoration = alarmsAgainstAll(ScorerSettings.MapMethod.RESTORATION);
        List<AnomalyScore> gradient = alarmsAgainstAll(ScorerSettings.MapMethod.GRADIENT);
        for (int i = 0; i < FRAMES; i++) {
            float[] c = Tensors.unpack(combined.get(i).getMap().getValues());
            float[] expected = EnergyMaps.combine(
                    new float[][] {Tensors.unpack(gradient.get(i).getMap().getValues())},
                    new float[][] {Tensors.unpack(restoration.get(i).getMap().getValues())})[0];
            assertArrayEquals(expected, c, 1e-4f, "frame " + i);
            assertEquals(gradient.get(i).getEnergy(), combined.get(i).getEnergy(), 0.0, "the same energy");
        }
    }

    @Test
    void theDefaultMapIsTheGradientMapUntilTheModelsDensityKeepsAMeanImageAndThenAddsTheDifferenceFromIt()
            throws Exception {
        assertEquals(ScorerSettings.MapMethod.GRADIENT_MEAN, ScorerSettings.defaults("t").mapMethod());
        List<AnomalyScore> gradientMean = alarmsAgainstAll(ScorerSettings.MapMethod.GRADIENT_MEAN);
        List<AnomalyScore> gradient = alarmsAgainstAll(ScorerSettings.MapMethod.GRADIENT);
        for (int i = 0; i < FRAMES; i++) {
            assertArrayEquals(Tensors.unpack(gradient.get(i).getMap().getValues()),
                    Tensors.unpack(gradientMean.get(i).getMap().getValues()), 0f, "no density: frame " + i);
        }
        float[] rows = ScorerFixtures.images(4, 5);
        ScorerFixtures.writeImageModel(tmp, 3, 1e9);
        float[] mean;
        // What `dxmi feature-density` does: a density fitted on normal frames, written beside the model.
        ModelStore.LoadedDxmi loaded = ModelStore.loadDxmi(tmp);
        try (DxmiModel m = loaded.model()) {
            FeatureDensity density = FeatureDensity.fit(m, ScorerFixtures.images(32, 3), 0.01, List.of());
            mean = density.meanImage();
            String weights = loaded.manifest().path("provenance").path("weightsSha256").asText();
            FeatureDensityFile.write(tmp, density, "tiny", "0", weights);
        }
        try (ScoringModel model = ScoringModel.fromDirectory(tmp)) {
            assertTrue(model.version().contains("+density-"), model.version());
            float[][] g = model.score(rows, 8, ScorerSettings.MapMethod.GRADIENT).maps();
            float[][] both = model.score(rows, 8, ScorerSettings.MapMethod.GRADIENT_MEAN).maps();
            for (int i = 0; i < 4; i++) {
                float[][] difference = new float[1][64];
                for (int p = 0; p < 64; p++) {
                    difference[0][p] = Math.abs(rows[i * 64 + p] - mean[p]); // 8 × 8 frames, an 8 × 8 grid
                }
                assertArrayEquals(EnergyMaps.gradientAndMean(new float[][] {g[i]}, difference)[0], both[i], 1e-5f,
                        "frame " + i);
                assertFalse(Arrays.equals(g[i], both[i]), "the mean image changes the map, frame " + i);
            }
        }
    }

    /** Scores the batch in alarms and all modes with {@code method}; returns the all mode's scores. */
    private List<AnomalyScore> alarmsAgainstAll(ScorerSettings.MapMethod method) throws Exception {
        ScorerFixtures.writeModel(tmp, 3, 1e9); // calibrated so high that nothing is flagged
        List<ConsumerRecord<String, byte[]>> batch = frames();
        try (ScorerState state = new ScorerState(new ScorerMetrics(Metrics.create("t")))) {
            state.offerModel(ScoringModel.fromDirectory(tmp));
            state.apply();
            List<AnomalyScore> unflagged = score(state, batch, ScorerSettings.MapFrames.ALARMS, method);
            unflagged.forEach(s -> assertNull(s.getMap(), "nothing is flagged, so no map"));

            // A threshold between the 8th and 9th energies: half the frames flagged.
            double[] sorted = unflagged.stream().mapToDouble(AnomalyScore::getEnergy).sorted().toArray();
            double threshold = (sorted[FRAMES / 2 - 1] + sorted[FRAMES / 2]) / 2;
            state.offerThreshold(new Threshold("half", threshold, sorted[0], sorted[FRAMES - 1],
                    System.currentTimeMillis() + 1000, "test"));
            state.apply();
            List<AnomalyScore> alarms = score(state, batch, ScorerSettings.MapFrames.ALARMS, method);
            List<AnomalyScore> all = score(state, batch, ScorerSettings.MapFrames.ALL, method);
            assertEquals(FRAMES, alarms.size());
            assertEquals(FRAMES, all.size());
            int flagged = 0;
            for (int i = 0; i < FRAMES; i++) {
                AnomalyScore a = alarms.get(i);
                AnomalyScore b = all.get(i);
                assertEquals(b.getFrameId(), a.getFrameId());
                assertEquals(b.getEnergy(), a.getEnergy(), 1e-5 * Math.max(1, Math.abs(b.getEnergy())));
                assertEquals(b.getAnomalous(), a.getAnomalous());
                assertNotNull(b.getMap(), "all: every frame has a map");
                if (a.getAnomalous()) {
                    flagged++;
                    assertNotNull(a.getMap(), "frame " + a.getFrameId() + " is flagged: it has its map");
                    float[] mine = Tensors.unpack(a.getMap().getValues());
                    float[] theirs = Tensors.unpack(b.getMap().getValues());
                    assertEquals(64, mine.length);
                    float scale = 0;
                    for (float v : theirs) {
                        scale = Math.max(scale, Math.abs(v));
                    }
                    assertArrayEquals(theirs, mine, 1e-4f * scale, "frame " + a.getFrameId());
                } else {
                    assertNull(a.getMap(), "frame " + a.getFrameId() + " is not flagged: no map");
                }
            }
            assertEquals(FRAMES / 2, flagged);
            return all;
        }
    }

    private static List<AnomalyScore> score(ScorerState state, List<ConsumerRecord<String, byte[]>> batch,
            ScorerSettings.MapFrames frames, ScorerSettings.MapMethod method) throws Exception {
        ScorerSettings s = ScorerSettings.defaults("t").withMaps(8, frames).withMapMethod(method);
        List<AnomalyScore> out = new ArrayList<>();
        for (ProducerRecord<String, byte[]> r : new FrameBatchScorer(s, state, new ScorerMetrics(Metrics.create("m")))
                .process(batch)) {
            assertEquals(s.scoresTopic(), r.topic(), "no frame of this batch is bad");
            out.add(Codecs.decode(AnomalyScore.class, r.value()));
        }
        return out;
    }

    /** FRAMES raw 8 × 8 grayscale frames of random pixels. */
    private static List<ConsumerRecord<String, byte[]>> frames() throws Exception {
        Rng rng = new Rng(11);
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
        for (int i = 0; i < FRAMES; i++) {
            float[] pixels = rng.uniforms(64, 0f, 1f);
            byte[] raw = new byte[64];
            for (int p = 0; p < 64; p++) {
                raw[p] = (byte) Math.round(pixels[p] * 255);
            }
            Frame f = Frame.newBuilder().setCameraId("cam").setFrameId(i).setCaptureTimeMicros(1_000_000L + i)
                    .setEncoding(FrameImages.RAW).setWidth(8).setHeight(8).setChannels(1)
                    .setData(ByteBuffer.wrap(raw)).setLabel(null).setSourceClass(null).build();
            batch.add(new ConsumerRecord<>(ScorerSettings.FRAMES, 0, i, "cam", Codecs.encode(f)));
        }
        return batch;
    }
}
