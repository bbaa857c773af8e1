package io.dxmi.core.dxmi;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One way {@link ShapeNegatives} breaks an image's layout while keeping its pixels. Which ones a
 * run draws from is a setting because a class that looks the same under a transformation (a 1 or
 * a 0 turned by 180°, trousers flipped) gets negatives equal to its own data from it, which teach
 * the energy nothing true about that class.
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
