package io.dxmi.core.anomaly;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Camera frames as samples: decoding ({@code raw}, {@code png}, {@code jpeg}) to channels-first
 * intensities in [0, 1] (the image data space), and resizing to the model's height and width; and
 * frames as image files ({@link #rawToPng}, {@link #viewable}) for cameras and for the dashboard.
 * Every fault is a {@link BadFrameException} naming it; nothing here throws anything else on bad
 * bytes.
 */
public final class FrameImages {

    public static final String RAW = "raw";
    public static final String PNG = "png";
    public static final String JPEG = "jpeg";

    /** Largest width or height accepted (a guard against absurd headers). */
    public static final int MAX_SIDE = 8192;

    static {
        ImageIO.setUseCache(false); // decode in memory, never through temporary files
    }

    private FrameImages() {}

    /** An image file as a browser takes it: its media type and bytes. */
    public record ViewableImage(String mediaType, byte[] bytes) {}

    /**
     * A frame as an image file a browser shows: {@code raw} pixels encoded as PNG (8-bit grayscale or RGB),
     * {@code png} and {@code jpeg} bytes passed through once their signature says they are what the frame claims
     * (a browser decodes them; decoding them here too would only cost time).
     */
    public static ViewableImage viewable(String encoding, byte[] data, int width, int height, int channels)
            throws BadFrameException {
        String enc = encoding == null ? "" : encoding.toLowerCase(Locale.ROOT);
        switch (enc) {
            case RAW:
                return new ViewableImage("image/png", rawToPng(data, width, height, channels));
            case PNG:
                requireSignature(data, PNG_SIGNATURE, PNG);
                return new ViewableImage("image/png", data);
            case JPEG:
            case "jpg":
                requireSignature(data, JPEG_SIGNATURE, JPEG);
                return new ViewableImage("image/jpeg", data);
            default:
                throw new BadFrameException(BadFrameException.Kind.UNKNOWN_ENCODING, "unknown frame encoding '"
                        + encoding + "' (known: raw, png, jpeg)");
        }
    }

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final byte[] JPEG_SIGNATURE = {(byte) 0xff, (byte) 0xd8, (byte) 0xff};

    private static void requireSignature(byte[] data, byte[] signature, String enc) throws BadFrameException {
        boolean ok = data.length >= signature.length;
        for (int i = 0; ok && i < signature.length; i++) {
            ok = data[i] == signature[i];
        }
        if (!ok) {
            throw new BadFrameException(BadFrameException.Kind.CORRUPT, "the frame says " + enc
                    + " but its bytes do not start like a " + enc + " file (" + data.length + " bytes)");
        }
    }

    /**
     * Encodes raw 8-bit pixels (row-major, channels interleaved, as a {@code raw} frame holds them) as a PNG file:
     * grayscale for one channel, RGB for three.
     */
    public static byte[] rawToPng(byte[] interleaved, int width, int height, int channels) throws BadFrameException {
        checkGeometry(width, height, channels);
        checkRawLength(interleaved, width, height, channels);
        BufferedImage img = new BufferedImage(width, height, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY
                : BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = (y * width + x) * channels;
                if (channels == 1) {
                    img.getRaster().setSample(x, y, 0, interleaved[p] & 0xFF);
                } else {
                    img.setRGB(x, y, ((interleaved[p] & 0xFF) << 16) | ((interleaved[p + 1] & 0xFF) << 8)
                            | (interleaved[p + 2] & 0xFF));
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: cannot happen
        }
        return out.toByteArray();
    }

    /**
     * Decodes a frame to C×H×W floats in [0, 1].
     *
     * @param encoding "raw" (8-bit, row-major, channels interleaved), "png" or "jpeg"
     */
    public static float[] decode(String encoding, byte[] data, int width, int height, int channels)
            throws BadFrameException {
        checkGeometry(width, height, channels);
        String enc = encoding == null ? "" : encoding.toLowerCase(Locale.ROOT);
        switch (enc) {
            case RAW:
                return raw(data, width, height, channels);
            case PNG:
            case JPEG:
            case "jpg":
                return compressed(enc, data, width, height, channels);
            default:
                throw new BadFrameException(BadFrameException.Kind.UNKNOWN_ENCODING, "unknown frame encoding '"
                        + encoding + "' (known: raw, png, jpeg)");
        }
    }

    private static void checkGeometry(int width, int height, int channels) throws BadFrameException {
        if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
            throw new BadFrameException(BadFrameException.Kind.WRONG_SIZE, "frame size " + width + "x" + height
                    + " is outside 1.." + MAX_SIDE);
        }
        if (channels != 1 && channels != 3) {
            throw new BadFrameException(BadFrameException.Kind.WRONG_CHANNELS, "frames have 1 or 3 channels, got "
                    + channels);
        }
    }

    private static void checkRawLength(byte[] data, int width, int height, int channels) throws BadFrameException {
        long expected = (long) width * height * channels;
        if (data.length != expected) {
            throw new BadFrameException(BadFrameException.Kind.WRONG_SIZE, "raw frame of " + width + "x" + height + "x"
                    + channels + " needs " + expected + " bytes, got " + data.length);
        }
    }

    private static float[] raw(byte[] data, int width, int height, int channels) throws BadFrameException {
        checkRawLength(data, width, height, channels);
        int plane = width * height;
        float[] out = new float[channels * plane];
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < channels; c++) {
                out[c * plane + p] = (data[p * channels + c] & 0xFF) / 255f;
            }
        }
        return out;
    }

    private static float[] compressed(String enc, byte[] data, int width, int height, int channels)
            throws BadFrameException {
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(data));
        } catch (IOException | RuntimeException e) {
            throw new BadFrameException(BadFrameException.Kind.CORRUPT, enc + " bytes do not decode: " + e.getMessage());
        }
        if (img == null) {
            throw new BadFrameException(BadFrameException.Kind.CORRUPT, "the bytes are not a readable " + enc + " image ("
                    + data.length + " bytes)");
        }
        if (img.getWidth() != width || img.getHeight() != height) {
            throw new BadFrameException(BadFrameException.Kind.WRONG_SIZE, "the " + enc + " image is " + img.getWidth()
                    + "x" + img.getHeight() + ", the frame says " + width + "x" + height);
        }
        int imageChannels = img.getColorModel().getNumColorComponents();
        if (imageChannels != channels) {
            throw new BadFrameException(BadFrameException.Kind.WRONG_CHANNELS, "the " + enc + " image has "
                    + imageChannels + " channel(s), the frame says " + channels);
        }
        int plane = width * height;
        float[] out = new float[channels * plane];
        if (channels == 1) {
            Raster r = img.getRaster();
            float max = (1 << r.getSampleModel().getSampleSize(0)) - 1;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    out[y * width + x] = r.getSample(x, y, 0) / max;
                }
            }
        } else {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int rgb = img.getRGB(x, y);
                    int p = y * width + x;
                    out[p] = ((rgb >> 16) & 0xFF) / 255f;
                    out[plane + p] = ((rgb >> 8) & 0xFF) / 255f;
                    out[2 * plane + p] = (rgb & 0xFF) / 255f;
                }
            }
        }
        return out;
    }

    /**
     * Resizes C×H×W values to C×outH×outW by area averaging (each output pixel is the mean of the
     * input area it covers, partial pixels weighted by their overlap): exact for integer
     * down-scaling, smooth for any other ratio, a copy for equal sizes.
     */
    public static float[] resize(float[] chw, int channels, int height, int width, int outHeight, int outWidth) {
        if (chw.length != channels * height * width) {
            throw new IllegalArgumentException("expected " + channels * height * width + " values, got " + chw.length);
        }
        if (height == outHeight && width == outWidth) {
            return chw.clone();
        }
        Span[] rows = spans(height, outHeight);
        Span[] cols = spans(width, outWidth);
        float[] tmp = new float[channels * height * outWidth];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                int in = (c * height + y) * width;
                int out = (c * height + y) * outWidth;
                for (int ox = 0; ox < outWidth; ox++) {
                    tmp[out + ox] = cols[ox].apply(chw, in, 1);
                }
            }
        }
        float[] result = new float[channels * outHeight * outWidth];
        for (int c = 0; c < channels; c++) {
            for (int oy = 0; oy < outHeight; oy++) {
                for (int ox = 0; ox < outWidth; ox++) {
                    result[(c * outHeight + oy) * outWidth + ox] = rows[oy].apply(tmp, c * height * outWidth + ox,
                            outWidth);
                }
            }
        }
        return result;
    }

    /** Input indices and weights (summing to 1) of one output index. */
    private record Span(int[] index, float[] weight) {
        float apply(float[] src, int base, int stride) {
            double s = 0;
            for (int i = 0; i < index.length; i++) {
                s += weight[i] * src[base + index[i] * stride];
            }
            return (float) s;
        }
    }

    private static Span[] spans(int in, int out) {
        Span[] spans = new Span[out];
        double scale = (double) in / out;
        for (int o = 0; o < out; o++) {
            double lo = o * scale;
            double hi = (o + 1) * scale;
            List<int[]> idx = new ArrayList<>();
            List<Double> w = new ArrayList<>();
            for (int i = (int) Math.floor(lo); i < Math.min(in, (int) Math.ceil(hi)); i++) {
                double overlap = Math.min(hi, i + 1) - Math.max(lo, i);
                if (overlap > 1e-12) {
                    idx.add(new int[] {i});
                    w.add(overlap / scale);
                }
            }
            int[] index = new int[idx.size()];
            float[] weight = new float[idx.size()];
            for (int k = 0; k < index.length; k++) {
                index[k] = idx.get(k)[0];
                weight[k] = (float) (double) w.get(k);
            }
            spans[o] = new Span(index, weight);
        }
        return spans;
    }
}
