package io.dxmi.cli.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.anomaly.BadFrameException;
import io.dxmi.core.anomaly.FrameImages;
import io.dxmi.schemas.Frame;
import io.dxmi.schemas.codec.Codecs;
import io.dxmi.schemas.codec.SchemaException;

import java.nio.ByteBuffer;
import java.util.HashSet;
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
        Map<String, byte[]> bad = FrameChaos.badFrames(28, 2);
        assertEquals(Set.of("undecodable", "too_few_bytes", "unknown_encoding", "corrupt_png", "wrong_channels"),
                bad.keySet());
        assertThrows(SchemaException.class, () -> Codecs.decode(Frame.class, bad.get("undecodable")));
        Map<String, BadFrameException.Kind> kinds = Map.of("too_few_bytes", BadFrameException.Kind.WRONG_SIZE,
                "unknown_encoding", BadFrameException.Kind.UNKNOWN_ENCODING,
                "corrupt_png", BadFrameException.Kind.CORRUPT);
        for (Map.Entry<String, BadFrameException.Kind> k : kinds.entrySet()) {
            Frame f = Codecs.decode(Frame.class, bad.get(k.getKey()));
            BadFrameException e = assertThrows(BadFrameException.class, () -> decode(f), k.getKey());
            assertEquals(k.getValue(), e.kind(), k.getKey() + ": " + e.getMessage());
        }
        // A well-formed RGB frame: only the scorer's check against a gray model rejects it.
        Frame rgb = Codecs.decode(Frame.class, bad.get("wrong_channels"));
        assertEquals(3 * 28 * 28, decode(rgb).length);
        assertEquals(3, rgb.getChannels());
    }

    @Test
    void framesOfDifferentRoundsHaveDifferentIds() {
        Set<Long> ids = new HashSet<>();
        for (int round = 0; round < 3; round++) {
            for (Map.Entry<String, byte[]> e : FrameChaos.badFrames(8, round).entrySet()) {
                if (!e.getKey().equals("undecodable")) {
                    assertTrue(ids.add(Codecs.decode(Frame.class, e.getValue()).getFrameId()), e.getKey());
                }
            }
        }
        assertEquals(12, ids.size());
    }
}
