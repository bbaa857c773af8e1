package io.dxmi.core.dxmi;

import io.dxmi.core.data.SampleShape;
import io.dxmi.core.random.Rng;

import java.util.List;

/**
 * Extra negatives for the energy step on images: the batch's own data images with their global
 * shape broken and their pixel statistics kept, each by one transformation drawn at random: a
 * rotation by 90°, 180° or 270° (square images only), an upside-down flip, or a half-size cyclic
 * roll that cuts the object into the four corners. Why: an energy trained only against a
 * few-step sampler's samples learns what tells those samples from the data, which at first is
 * mostly their grey, noisy background; it then ranks images by how much ink they have, and
 * unlike images with less ink score as normal. Negatives with exactly the data's ink and texture
 * but the wrong layout leave shape as the only thing to learn (negative data augmentation,
 * Sinha et al. 2021). A class that looks the same under a transformation (a plain disc turned,
 * a 1 turned by 180°) gets negatives equal to its data from it: leave that one out of the set.
 */
final class ShapeNegatives {

    private final SampleShape shape;
    private final ShapeTransform[] transforms;

    /** Negatives drawn from every transformation that fits the shape. */
    ShapeNegatives(SampleShape shape) {
        this(shape, ShapeTransform.all());
    }

    /** Negatives drawn uniformly from {@code transforms}, less the square-only ones on non-square images. */
    ShapeNegatives(SampleShape shape, List<ShapeTransform> transforms) {
        if (!shape.isImage()) {
            throw new IllegalArgumentException("shape negatives need images (C×H×W), got " + shape);
        }
        this.shape = shape;
        boolean square = shape.height() == shape.width();
        this.transforms = transforms.stream().distinct().filter(t -> square || !t.squareOnly())
                .toArray(ShapeTransform[]::new);
        if (this.transforms.length == 0) {
            throw new IllegalArgumentException("no shape transformation of " + transforms + " fits "
                    + shape + " images (turns by 90° need square ones)");
        }
    }

    /** The transformations drawn from, in order. */
    List<ShapeTransform> transforms() {
        return List.of(transforms);
    }

    /** One transformed copy of each of the n images in {@code images} (model space, row-major). */
    float[] from(float[] images, int n, Rng rng) {
        int size = shape.size();
        float[] out = new float[n * size];
        for (int i = 0; i < n; i++) {
            transform(images, i * size, out, i * size, transforms[rng.nextInt(transforms.length)]);
        }
        return out;
    }

    /** Applies {@code kind} to the image at {@code from} in {@code in}, into {@code out} at {@code to}. */
    void transform(float[] in, int from, float[] out, int to, ShapeTransform kind) {
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
                    };
                    out[to + plane + y * w + x] = in[from + plane + source];
                }
            }
        }
    }
}
