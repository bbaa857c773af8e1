package io.dxmi.core.anomaly;

import io.dxmi.core.data.SampleShape;
import io.dxmi.core.random.Rng;

import java.util.Arrays;
import java.util.Locale;

/**
 * Pastes synthetic defects onto normal images, with a pixel mask of each: a thin bright-or-dark
 * scratch, a filled elliptic blob, or a missing region (a rectangle of the object painted over
 * with the background). Images are C×H×W intensities in [0, 1]; sizes scale with the image's
 * shorter side s, so the same kinds look alike at 16 or 64 pixels.
 *
 * <p>The mask marks the pasted pixels whose intensity changed by at least {@link #MIN_CHANGE}
 * (averaged over channels): a pasted pixel that equals what was there is no visible defect, and a
 * localisation map cannot be asked to find it. A draw whose mask is smaller than
 * {@link #minArea()} is drawn again (a scratch across an empty corner, a "missing" rectangle on
 * background), at most {@value #ATTEMPTS} times; then the image cannot take that kind and
 * {@link #paste} returns null.
 */
public final class SyntheticDefects {

    /** The kinds of defect. */
    public enum Kind {
        SCRATCH, BLOB, MISSING;

        /** Lower-case name, as reports print it. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One defective image.
     *
     * @param kind what was pasted
     * @param image the defective image, C×H×W in [0, 1]
     * @param mask H×W, true where the defect changed the image
     */
    public record Defect(Kind kind, float[] image, boolean[] mask) {
        /** Pixels in the mask. */
        public int area() {
            int n = 0;
            for (boolean b : mask) {
                n += b ? 1 : 0;
            }
            return n;
        }
    }

    /** Least change of a pixel's intensity (mean over channels) that the mask counts. */
    public static final float MIN_CHANGE = 0.1f;
    /** Intensity above which a pixel is taken for the object (where missing regions are cut). */
    static final float OBJECT_LEVEL = 0.25f;
    private static final int ATTEMPTS = 20;

    private final SampleShape shape;
    private final int side;

    public SyntheticDefects(SampleShape shape) {
        if (!shape.isImage()) {
            throw new IllegalArgumentException("synthetic defects need an image shape, not " + shape);
        }
        this.shape = shape;
        this.side = Math.min(shape.height(), shape.width());
        if (side < 8) {
            throw new IllegalArgumentException("synthetic defects need images of at least 8 x 8, not " + shape);
        }
    }

    /** Smallest mask accepted: 1% of the image, at least 3 pixels. */
    public int minArea() {
        return Math.max(3, shape.height() * shape.width() / 100);
    }

    /**
     * Pastes one defect of {@code kind} onto the image at {@code images[offset …]}, or returns null
     * when {@value #ATTEMPTS} draws left no visible defect of that kind.
     */
    public Defect paste(Kind kind, float[] images, int offset, Rng rng) {
        float[] clean = new float[shape.size()];
        System.arraycopy(images, offset, clean, 0, clean.length);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            boolean[] region = switch (kind) {
                case SCRATCH -> scratch(rng);
                case BLOB -> blob(rng);
                case MISSING -> missing(clean, rng);
            };
            float[] out = clean.clone();
            paint(kind, clean, out, region, rng);
            boolean[] mask = changed(clean, out, region);
            Defect d = new Defect(kind, out, mask);
            if (d.area() >= minArea()) {
                return d;
            }
        }
        return null;
    }

    /** A line segment through the middle half of the image, 40–80% of s long, about s/28 thick. */
    private boolean[] scratch(Rng rng) {
        double cy = (0.25 + 0.5 * rng.nextDouble()) * shape.height();
        double cx = (0.25 + 0.5 * rng.nextDouble()) * shape.width();
        double length = (0.4 + 0.4 * rng.nextDouble()) * side;
        double angle = Math.PI * rng.nextDouble();
        double dy = Math.sin(angle) * length / 2;
        double dx = Math.cos(angle) * length / 2;
        double halfWidth = Math.max(0.5, side / 56.0);
        boolean[] region = new boolean[plane()];
        for (int y = 0; y < shape.height(); y++) {
            for (int x = 0; x < shape.width(); x++) {
                region[y * shape.width() + x] = distanceToSegment(x + 0.5, y + 0.5, cx - dx, cy - dy, cx + dx,
                        cy + dy) <= halfWidth;
            }
        }
        return region;
    }

    /** A rotated ellipse with semi-axes of 8–18% of s, centred in the middle half. */
    private boolean[] blob(Rng rng) {
        double cy = (0.25 + 0.5 * rng.nextDouble()) * shape.height();
        double cx = (0.25 + 0.5 * rng.nextDouble()) * shape.width();
        double a = (0.08 + 0.10 * rng.nextDouble()) * side;
        double b = (0.08 + 0.10 * rng.nextDouble()) * side;
        double theta = Math.PI * rng.nextDouble();
        double cos = Math.cos(theta);
        double sin = Math.sin(theta);
        boolean[] region = new boolean[plane()];
        for (int y = 0; y < shape.height(); y++) {
            for (int x = 0; x < shape.width(); x++) {
                double px = x + 0.5 - cx;
                double py = y + 0.5 - cy;
                double u = (px * cos + py * sin) / a;
                double v = (-px * sin + py * cos) / b;
                region[y * shape.width() + x] = u * u + v * v <= 1;
            }
        }
        return region;
    }

    /** A rectangle of 20–35% of s per side centred on an object pixel (anywhere when there is none). */
    private boolean[] missing(float[] clean, Rng rng) {
        int[] object = objectPixels(clean);
        int centre = object.length == 0 ? rng.nextInt(plane()) : object[rng.nextInt(object.length)];
        int h = (int) Math.round((0.20 + 0.15 * rng.nextDouble()) * side);
        int w = (int) Math.round((0.20 + 0.15 * rng.nextDouble()) * side);
        int y0 = centre / shape.width() - h / 2;
        int x0 = centre % shape.width() - w / 2;
        boolean[] region = new boolean[plane()];
        for (int y = Math.max(0, y0); y < Math.min(shape.height(), y0 + h); y++) {
            for (int x = Math.max(0, x0); x < Math.min(shape.width(), x0 + w); x++) {
                region[y * shape.width() + x] = true;
            }
        }
        return region;
    }

    /**
     * Scratches take the opposite extreme of what lies under them (1 on dark, 0 on bright); a blob
     * one intensity contrasting with its area's mean, with a little noise; a missing region the
     * background (the median of the border pixels).
     */
    private void paint(Kind kind, float[] clean, float[] out, boolean[] region, Rng rng) {
        int plane = plane();
        int c = shape.channels();
        float blobLevel = 0;
        float background = 0;
        if (kind == Kind.BLOB) {
            float under = meanOver(clean, region);
            blobLevel = under < 0.5f ? 0.75f + 0.25f * rng.nextFloat() : 0.25f * rng.nextFloat();
        } else if (kind == Kind.MISSING) {
            background = borderMedian(clean);
        }
        for (int p = 0; p < plane; p++) {
            if (!region[p]) {
                continue;
            }
            float noise = kind == Kind.BLOB ? (float) (0.05 * rng.nextGaussian()) : 0f;
            for (int ch = 0; ch < c; ch++) {
                int k = ch * plane + p;
                float v = switch (kind) {
                    case SCRATCH -> pixelMean(clean, p) < 0.5f ? 1f : 0f;
                    case BLOB -> blobLevel + noise;
                    case MISSING -> background;
                };
                out[k] = Math.max(0f, Math.min(1f, v));
            }
        }
    }

    private boolean[] changed(float[] clean, float[] out, boolean[] region) {
        boolean[] mask = new boolean[plane()];
        for (int p = 0; p < mask.length; p++) {
            mask[p] = region[p] && Math.abs(pixelMean(out, p) - pixelMean(clean, p)) >= MIN_CHANGE;
        }
        return mask;
    }

    private int[] objectPixels(float[] clean) {
        int n = 0;
        int[] idx = new int[plane()];
        for (int p = 0; p < plane(); p++) {
            if (pixelMean(clean, p) > OBJECT_LEVEL) {
                idx[n++] = p;
            }
        }
        return Arrays.copyOf(idx, n);
    }

    private float borderMedian(float[] clean) {
        int h = shape.height();
        int w = shape.width();
        float[] border = new float[2 * (h + w) - 4];
        int n = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (y == 0 || x == 0 || y == h - 1 || x == w - 1) {
                    border[n++] = pixelMean(clean, y * w + x);
                }
            }
        }
        Arrays.sort(border, 0, n);
        return border[n / 2];
    }

    private float meanOver(float[] image, boolean[] region) {
        double s = 0;
        int n = 0;
        for (int p = 0; p < region.length; p++) {
            if (region[p]) {
                s += pixelMean(image, p);
                n++;
            }
        }
        return n == 0 ? 0f : (float) (s / n);
    }

    private float pixelMean(float[] image, int p) {
        int plane = plane();
        float s = 0;
        for (int ch = 0; ch < shape.channels(); ch++) {
            s += image[ch * plane + p];
        }
        return s / shape.channels();
    }

    private int plane() {
        return shape.height() * shape.width();
    }

    static double distanceToSegment(double px, double py, double ax, double ay, double bx, double by) {
        double vx = bx - ax;
        double vy = by - ay;
        double len2 = vx * vx + vy * vy;
        double t = len2 == 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * vx + (py - ay) * vy) / len2));
        double dx = px - (ax + t * vx);
        double dy = py - (ay + t * vy);
        return Math.sqrt(dx * dx + dy * dy);
    }
}
