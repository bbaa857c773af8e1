package io.dxmi.core.data;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code --data} asks for: a source (built-in name or path) and, for images, the classes to
 * keep and the size to resize to. Its text form ({@link #toString()}) travels where one string
 * names the data (a run's plan): {@code fashion-mnist}, or with options
 * {@code fashion-mnist?classes=0,3&image-size=16}.
 *
 * @param source a built-in name or a path
 * @param classes classes to keep (label numbers or names); empty for all
 * @param imageSize resize images to imageSize × imageSize; 0 keeps their size
 */
public record DataSpec(String source, List<String> classes, int imageSize) {

    private static final String CLASSES = "classes";
    private static final String IMAGE_SIZE = "image-size";

    public DataSpec {
        classes = classes == null ? List.of() : List.copyOf(classes);
        if (imageSize < 0) {
            throw new IllegalArgumentException("--image-size must be positive, got " + imageSize);
        }
    }

    /** A source with no options. */
    public static DataSpec of(String source) {
        return new DataSpec(source, List.of(), 0);
    }

    /** True when classes or a size are asked for (these apply to image data only). */
    public boolean hasImageOptions() {
        return !classes.isEmpty() || imageSize > 0;
    }

    /** Parses "0,3" (as {@code --classes} takes it) into its items; blank gives none. */
    public static List<String> parseClasses(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String s : text.split(",")) {
            if (s.isBlank()) {
                throw new IllegalArgumentException("--classes has an empty item: '" + text + "'");
            }
            out.add(s.trim());
        }
        return out;
    }

    /**
     * Reads {@link #toString()}'s form. A '?' starts options only when what follows is made of
     * {@code classes=…} and {@code image-size=…} items; otherwise the whole text is the source.
     */
    public static DataSpec parse(String text) {
        int q = text.lastIndexOf('?');
        if (q <= 0) {
            return of(text);
        }
        List<String> classes = List.of();
        int size = 0;
        for (String item : text.substring(q + 1).split("&")) {
            int eq = item.indexOf('=');
            String key = eq < 0 ? item : item.substring(0, eq);
            String value = eq < 0 ? "" : item.substring(eq + 1);
            if (CLASSES.equals(key)) {
                classes = parseClasses(value);
            } else if (IMAGE_SIZE.equals(key)) {
                try {
                    size = Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    return of(text);
                }
            } else {
                return of(text);
            }
        }
        return new DataSpec(text.substring(0, q), classes, size);
    }

    @Override
    public String toString() {
        if (!hasImageOptions()) {
            return source;
        }
        List<String> items = new ArrayList<>();
        if (!classes.isEmpty()) {
            items.add(CLASSES + "=" + String.join(",", classes));
        }
        if (imageSize > 0) {
            items.add(IMAGE_SIZE + "=" + imageSize);
        }
        return source + "?" + String.join("&", items);
    }

    /** For messages: "--classes 0,3 --image-size 16". */
    public String describeOptions() {
        return (classes.isEmpty() ? "" : "--classes " + String.join(",", classes))
                + (imageSize > 0 ? (classes.isEmpty() ? "" : " ") + "--image-size " + imageSize : "");
    }
}
