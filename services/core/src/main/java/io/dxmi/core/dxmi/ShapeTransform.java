package io.dxmi.core.dxmi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One way {@link ShapeNegatives} breaks an image's layout while keeping its pixels. Which ones a
 * run draws from is a setting because a class that looks the same under a transformation (a 1 or
 * a 0 turned by 180°, trousers flipped) gets negatives equal to its own data from it, which teach
 * the energy nothing true about that class. A {@link FeatureDensity} also reads the energy's
 * features of an image under some of them ({@link FeatureDensity#views()}), and stores them by
 * their order here: add new ones at the end.
 */
public enum ShapeTransform {
    /** A cyclic roll by half the height and half the width: the object cut into the four corners. */
    ROLL("roll", false),
    /** Upside down. */
    FLIP("flip", false),
    /** Turned by 180°. */
    ROTATE_180("rot180", false),
    /** Turned by 90° anticlockwise (square images only). */
    ROTATE_90("rot90", true),
    /** Turned by 270° anticlockwise (square images only). */
    ROTATE_270("rot270", true);

    private final String label;
    private final boolean squareOnly;

    ShapeTransform(String label, boolean squareOnly) {
        this.label = label;
        this.squareOnly = squareOnly;
    }

    /** The name on the command line and in logs. */
    public String label() {
        return label;
    }

    /** Whether the transformation needs a square image. */
    public boolean squareOnly() {
        return squareOnly;
    }

    /**
     * The transformation of a batch of images (n, C, H, W), as tensor operations, so that gradients flow
     * through it (gradient maps of a density that reads transformed images); {@link ShapeNegatives#transform}
     * does the same on arrays.
     */
    public NDArray apply(NDArray images) {
        if (images.getShape().dimension() != 4) {
            throw new IllegalArgumentException("a shape transformation takes (n, C, H, W) images, got "
                    + images.getShape());
        }
        long h = images.getShape().get(2);
        long w = images.getShape().get(3);
        requireFit(List.of(this), h, w);
        return switch (this) {
            // out[y, x] = in[(y + h/2) % h, (x + w/2) % w]: the lower half (right half) first. The intermediates
            // stay in the images' manager (they may be in a gradient's graph); callers scope it.
            case ROLL -> {
                NDArray rows = NDArrays.concat(new NDList(images.get(new NDIndex(":, :, {}:, :", h / 2)),
                        images.get(new NDIndex(":, :, :{}, :", h / 2))), 2);
                yield NDArrays.concat(new NDList(rows.get(new NDIndex(":, :, :, {}:", w / 2)),
                        rows.get(new NDIndex(":, :, :, :{}", w / 2))), 3);
            }
            case FLIP -> images.flip(2);
            case ROTATE_180 -> images.flip(2, 3);
            // out[y, x] = in[x, w - 1 - y]: the transpose, upside down.
            case ROTATE_90 -> images.transpose(0, 1, 3, 2).flip(2);
            // out[y, x] = in[h - 1 - x, y]: the transpose, mirrored.
            case ROTATE_270 -> images.transpose(0, 1, 3, 2).flip(3);
        };
    }

    /** Every transformation: the default set. */
    public static List<ShapeTransform> all() {
        return List.of(values());
    }

    /** Parses a comma-separated list of labels ({@code roll,rot90,rot270}); throws naming an unknown one. */
    public static List<ShapeTransform> parseList(String labels) {
        List<ShapeTransform> out = Arrays.stream(labels.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(ShapeTransform::parse).distinct().toList();
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no shape transformation named in '" + labels + "' (known: " + known() + ")");
        }
        return out;
    }

    /**
     * Parses the views of a feature density: {@code none} (the image alone) or a comma-separated list of labels;
     * throws naming an unknown one.
     */
    public static List<ShapeTransform> parseViews(String labels) {
        return labels.trim().equalsIgnoreCase("none") ? List.of() : parseList(labels);
    }

    /**
     * Checks that every one of {@code views} fits {@code height} × {@code width} images: a turn by 90° needs square
     * ones. Throws an {@link IllegalArgumentException} that names the views and the size.
     */
    public static void requireFit(List<ShapeTransform> views, long height, long width) {
        if (height != width && views.stream().anyMatch(ShapeTransform::squareOnly)) {
            throw new IllegalArgumentException("the views " + viewsLabel(views) + " turn images by 90 degrees, which"
                    + " needs square ones; these are " + height + " x " + width);
        }
    }

    /** The views as {@link #parseViews} reads them. */
    public static String viewsLabel(List<ShapeTransform> views) {
        return views.isEmpty() ? "none" : views.stream().map(ShapeTransform::label).collect(Collectors.joining(","));
    }

    private static ShapeTransform parse(String label) {
        for (ShapeTransform t : values()) {
            if (t.label.equals(label.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown shape transformation '" + label + "' (known: " + known() + ")");
    }

    private static String known() {
        return Arrays.stream(values()).map(ShapeTransform::label).collect(Collectors.joining(", "));
    }
}
