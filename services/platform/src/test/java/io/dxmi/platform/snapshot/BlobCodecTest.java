package io.dxmi.platform.snapshot;

import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The manifest's wire format: inline blobs round-trip, and manifests of the first version stay readable. */
class BlobCodecTest {

    @Test
    void inlineBlobsRoundTrip() throws Exception {
        byte[] blob = {1, 2, 3, 4, 5};
        BlobManifest m = new BlobManifest("policy", 7, blob.length, 0, new byte[32], Map.of("a", "b"), "", -1, -1,
                blob);
        BlobManifest back = BlobCodec.decodeManifest(BlobCodec.encode(m));
        assertArrayEquals(blob, back.inline());
        assertEquals(7, back.version());
        assertEquals(Map.of("a", "b"), back.attributes());
    }

    @Test
    void versionOneManifestsAreStillRead() throws Exception {
        GenericRecord r = new GenericData.Record(BlobCodec.MANIFEST_SCHEMA_V1);
        r.put("name", "ebm");
        r.put("version", 3L);
        r.put("size", 10L);
        r.put("count", 1);
        r.put("sha256", ByteBuffer.wrap(new byte[32]));
        r.put("attributes", Map.of());
        r.put("chunkTopic", "chunks");
        r.put("chunkPartition", 0);
        r.put("firstOffset", 42L);
        byte[] v1 = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), BlobCodec.MANIFEST_SCHEMA_V1).encode(r)
                .array();
        BlobManifest m = BlobCodec.decodeManifest(v1);
        assertEquals("ebm", m.name());
        assertEquals(42L, m.firstOffset());
        assertNull(m.inline());
    }
}
