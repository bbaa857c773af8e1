package io.dxmi.anomalyscorer;

import com.fasterxml.jackson.databind.JsonNode;
import io.dxmi.core.data.SampleShape;

/**
 * The image shape a model scores: an image model's own shape; for a vector model trained on
 * flattened images, the {@code shape} its manifest's data records when there is one ([C, H, W]),
 * else a square grayscale (D = H·W) or RGB (D = 3·H·W) image.
 */
final class ModelShapes {

    private ModelShapes() {}

    static SampleShape imageShape(SampleShape modelShape, JsonNode data) {
        if (modelShape.isImage()) {
            return modelShape;
        }
        int dimension = modelShape.size();
        JsonNode shape = data == null ? null : data.get("shape");
        if (shape != null && shape.isArray() && shape.size() == 3) {
            SampleShape s = SampleShape.image(shape.get(0).asInt(), shape.get(1).asInt(), shape.get(2).asInt());
            if (s.size() == dimension) {
                return s;
            }
        }
        int side = (int) Math.round(Math.sqrt(dimension));
        if (side * side == dimension) {
            return SampleShape.image(1, side, side);
        }
        if (dimension % 3 == 0) {
            int rgb = (int) Math.round(Math.sqrt(dimension / 3.0));
            if (3 * rgb * rgb == dimension) {
                return SampleShape.image(3, rgb, rgb);
            }
        }
        throw new IllegalArgumentException("the model's data is not an image: " + dimension
                + " values per sample are neither H x W nor 3 x H x W with H = W");
    }
}
