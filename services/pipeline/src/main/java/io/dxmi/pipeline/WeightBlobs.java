package io.dxmi.pipeline;

import io.dxmi.core.model.TensorArchive;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named weights as snapshot payloads: a {@link TensorArchive} (which carries its own SHA-256,
 * verified on read, besides the transport's check).
 */
public final class WeightBlobs {

    private WeightBlobs() {}

    public static byte[] encode(Map<String, float[]> weights) {
        TensorArchive a = new TensorArchive();
        weights.forEach(a::put);
        return a.toBytes();
    }

    /** Decodes and verifies; a damaged payload is an IllegalArgumentException. */
    public static LinkedHashMap<String, float[]> decode(byte[] bytes, String source) {
        try {
            return new LinkedHashMap<>(TensorArchive.fromBytes(bytes, source).tensors());
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
