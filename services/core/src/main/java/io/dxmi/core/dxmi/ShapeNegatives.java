package io.dxmi.core.dxmi;

import io.dxmi.core.data.SampleShape;
import io.dxmi.core.random.Rng;

/**
 * Extra negatives for the energy step on images: the batch's own data images with their global
 * shape broken and their pixel statistics kept, each by one transformation drawn at random: a
 * rotation by 90°, 180° or 270° (square images only), an upside-down flip, or a half-size cyclic
 * roll that cuts the object into the four corners. Why: an energy trained only against a
 * few-step sampler's samples learns what tells those samples from the data, which at first is
 * mostly their grey, noisy background; it then ranks images by how much ink they have, and
 * unlike images with less ink score as normal. Negatives with exactly the data's ink and texture
 * but the wrong layout leave shape as the only thing to learn (negative data augmentation,
 * Sinha et al. 2021). A class that looks the same rotated or flipped (a plain disc) gets negatives
 * equal to its data; do not use them there.
 */
final class ShapeNegatives {

    private static final int ROLL = 0;
    private static final int FLIP = 1;
    private static final int ROTATE_180 = 2;
    private static final int ROTATE_90 = 3;
    private static final int ROTATE_270 = 4;

    private final SampleShape shape;
    private final int kinds;

    ShapeNegatives(SampleShape shape) {
        if (!shape.isImage()) {
            throw new IllegalArgumentException("shape negatives need images (C×H×W), got " + shape);
        }
        this.shape = shape;
        this.kinds = shape.height() == shape.width() ? 5 : 3;
    }

    /** One transformed copy of each of the n images in {@code images} (model space, row-major). */
    float[] from(float[] images, int n, Rng rng) {
        int size = shape.size();
        float[] out = new float[n * size];
        for (int i = 0; i < n; i++) {
            transform(images, i * size, out, i * size, rng.nextInt(kinds));
        }
        return out;
    }

    /** Applies transformation {@code kind} to the image at {@code from} in {@code in}, into {@code out} at {@code to}. */
    void transform(float[] in, int from, float[] out, int to, int kind) {
        int c = shape.channels();
        int h = shape.height();
        int w = shape.width();
        for (int ch = 0; ch < c; ch++) {
            int plane = ch * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int source = switch (kind) {
                        case ROLL -> ((y + h / 2) % h) * w + (x + w / 2) % w;
                        case FLIP -> (h - 1 - y) * w + x;
                        case ROTATE_180 -> (h - 1 - y) * w + (w - 1 - x);
                        case ROTATE_90 -> x * w + (w - 1 - y);
                        case ROTATE_270 -> (h - 1 - x) * w + y;
                        default -> throw new IllegalArgumentException("no transformation " + kind);
                    };
                    out[to + plane + y * w + x] = in[from + plane + source];
                }
            }
        }
    }
}
