package io.dxmi.cli.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.anomaly.BadFrameException;
import io.dxmi.core.anomaly.FrameImages;
import io.dxmi.schemas.AnomalyMap;
import io.dxmi.schemas.AnomalyScore;
import io.dxmi.schemas.Frame;
import io.dxmi.schemas.ScoreTimings;
import io.dxmi.schemas.codec.Codecs;
import io.dxmi.schemas.codec.SchemaException;
import io.dxmi.schemas.codec.Tensors;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The bad frames that scripts/chaos-scorer sends are each rejected by the scorer's own decoding, for its reason. */
class FrameChaosTest {

    private static float[] decode(Frame f) throws BadFrameException {
        ByteBuffer b = f.getData().duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return FrameImages.decode(f.getEncoding(), bytes, f.getWidth(), f.getHeight(), f.getChannels());
    }

    @Test
    void everyBadFrameFailsTheScorersDecodingForItsReason() throws Exception {
        for (int channels : new int[] {1, 3}) {
            Map<String, byte[]> bad = FrameChaos.badFrames(28, channels, 2);
            assertEquals(Set.of("undecodable", "too_few_bytes", "unknown_encoding", "corrupt_png", "wrong_channels"),
                    bad.keySet());
            assertThrows(SchemaException.class, () -> Codecs.decode(Frame.class, bad.get("undecodable")));
            Map<String, BadFrameException.Kind> kinds = Map.of("too_few_bytes", BadFrameException.Kind.WRONG_SIZE,
                    "unknown_encoding", BadFrameException.Kind.UNKNOWN_ENCODING,
                    "corrupt_png", BadFrameException.Kind.CORRUPT);
            for (Map.Entry<String, BadFrameException.Kind> k : kinds.entrySet()) {
                Frame f = Codecs.decode(Frame.class, bad.get(k.getKey()));
                // Bad for its own reason alone: it carries the model's channels.
                assertEquals(channels, f.getChannels(), k.getKey());
                BadFrameException e = assertThrows(BadFrameException.class, () -> decode(f), k.getKey());
                assertEquals(k.getValue(), e.kind(), k.getKey() + ": " + e.getMessage());
            }
            // A well-formed frame: only the scorer's check against the model's channels rejects it (an RGB model
            // scores RGB frames, so a chaos round against one must send it a gray frame).
            Frame wrong = Codecs.decode(Frame.class, bad.get("wrong_channels"));
            int expected = channels == 1 ? 3 : 1;
            assertEquals(expected, wrong.getChannels(), "against a model of " + channels + " channel(s)");
            assertEquals(expected * 28 * 28, decode(wrong).length);
        }
        assertThrows(IllegalArgumentException.class, () -> FrameChaos.badFrames(28, 0, 0));
    }

    @Test
    void framesOfDifferentRoundsHaveDifferentIds() {
        Set<Long> ids = new HashSet<>();
        for (int round = 0; round < 3; round++) {
            for (Map.Entry<String, byte[]> e : FrameChaos.badFrames(8, 1, round).entrySet()) {
                if (!e.getKey().equals("undecodable")) {
                    assertTrue(ids.add(Codecs.decode(Frame.class, e.getValue()).getFrameId()), e.getKey());
                }
            }
        }
        assertEquals(12, ids.size());
    }

    private static AnomalyScore score(long frameId, boolean anomalous, boolean map) {
        AnomalyScore.Builder b = AnomalyScore.newBuilder().setCameraId("cam-0").setFrameId(frameId)
                .setCaptureTimeMicros(1).setEnergy(1).setScore(0.5).setAnomalous(anomalous).setThreshold(0.5)
                .setThresholdId("t").setModelVersion("m").setScorer("s")
                .setTimings(ScoreTimings.newBuilder().setReceivedAtMicros(2).setScoredAtMicros(3).setBatchSize(1).build());
        if (map) {
            b.setMap(AnomalyMap.newBuilder().setHeight(2).setWidth(2).setValues(Tensors.pack(new float[4])).build());
        }
        return b.build();
    }

    @Test
    void theChecksMapTallyHoldsTheScoresToTheirMapSetting() {
        FrameChaos.MapTally right = new FrameChaos.MapTally();
        right.add(score(0, true, true));
        right.add(score(1, false, false));
        assertEquals(List.of(), right.problems("alarms"));
        assertEquals(List.of("1 of 2 scores without a map (--maps all)"), right.problems("all"));
        assertEquals(1, right.flagged());
        assertEquals(1, right.withMap());

        FrameChaos.MapTally wrong = new FrameChaos.MapTally();
        wrong.add(score(0, true, false));
        wrong.add(score(1, false, true));
        wrong.add(score(2, false, true));
        assertEquals(List.of("1 flagged scores without a map (--maps alarms)",
                "2 unflagged scores with a map (--maps alarms)"), wrong.problems("alarms"));
        assertEquals(List.of(), wrong.problems(FrameChaos.MapTally.UNCHECKED));
        assertThrows(IllegalArgumentException.class, () -> wrong.problems("some"));
    }
}
