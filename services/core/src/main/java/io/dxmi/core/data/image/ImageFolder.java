package io.dxmi.core.data.image;

import io.dxmi.core.data.DataFormatException;
import io.dxmi.core.data.Sha256;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A folder of PNG/JPEG files as an image data set ({@code --data DIR}).
 *
 * <p>Layout: image files directly in the folder (unlabelled), or one subfolder per class (the
 * sorted subfolder names are the classes 0, 1, …; files at the top level are then an error).
 * Files are taken in sorted name order; names starting with a dot and files that are not
 * .png/.jpg/.jpeg are ignored. Splits: subfolders {@code train/} and {@code test/} (each laid out
 * as above) when both exist; otherwise, per class in sorted order, every tenth image (the 10th,
 * 20th, …) is a test image and the rest train. Without {@code size}, every image must have the
 * same size.
 */
public final class ImageFolder {

    private static final String RESIZE_HINT = "pass --image-size N to resize them all";

    private ImageFolder() {
    }

    /**
     * Loads a folder.
     *
     * @param size resize every image to size × size; 0 keeps their (common) size
     */
    public static ImageDataset load(Path dir, int size) {
        if (!Files.isDirectory(dir)) {
            throw new DataFormatException("image folder not found: " + dir);
        }
        MessageDigest hash = Sha256.digest();
        Path train = dir.resolve("train");
        Path test = dir.resolve("test");
        String name = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
        if (Files.isDirectory(train) && Files.isDirectory(test)) {
            Listing tr = list(train);
            Listing te = list(test);
            boolean trFlat = tr.classes.isEmpty() && !tr.files.isEmpty();
            boolean teFlat = te.classes.isEmpty() && !te.files.isEmpty();
            if (trFlat && !te.classes.isEmpty() || teFlat && !tr.classes.isEmpty()) {
                throw new DataFormatException(dir + ": train/ and test/ must both have class subfolders or neither");
            }
            TreeSet<String> all = new TreeSet<>(tr.classes);
            all.addAll(te.classes);
            List<String> classes = new ArrayList<>(all);
            ImageSplit[] splits = decode(dir, List.of(tr, te), classes, size, hash);
            return ImageDataset.of(name, classes, splits[0], splits[1], "the folder's train/ and test/ subfolders",
                    HexFormat.of().formatHex(hash.digest()));
        }
        Listing pool = list(dir);
        ImageSplit all = decode(dir, List.of(pool), pool.classes, size, hash)[0];
        ImageSplit[] split = all.holdOutEveryTenth();
        return ImageDataset.of(name, pool.classes, split[0], split[1], ImageSplit.EVERY_TENTH,
                HexFormat.of().formatHex(hash.digest()));
    }

    /** The files of one folder: top-level images, or one list per class subfolder. */
    private record Listing(Path dir, List<String> classes, List<Path> files, List<Integer> labels) {
    }

    private static Listing list(Path dir) {
        List<Path> entries = entries(dir);
        List<Path> topImages = new ArrayList<>();
        List<Path> subdirs = new ArrayList<>();
        for (Path p : entries) {
            if (Files.isDirectory(p)) {
                if (!p.getFileName().toString().startsWith(".")) {
                    subdirs.add(p);
                }
            } else if (ImageDecoder.isImageFile(p)) {
                topImages.add(p);
            }
        }
        List<String> classes = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path sub : subdirs) {
            List<Path> imgs = entries(sub).stream().filter(p -> Files.isRegularFile(p) && ImageDecoder.isImageFile(p))
                    .toList();
            if (imgs.isEmpty()) {
                continue;
            }
            classes.add(sub.getFileName().toString());
            files.addAll(imgs);
            for (int i = 0; i < imgs.size(); i++) {
                labels.add(classes.size() - 1);
            }
        }
        if (!classes.isEmpty() && !topImages.isEmpty()) {
            throw new DataFormatException(dir + " mixes images at the top level (" + topImages.get(0).getFileName()
                    + ") with class subfolders (" + classes.get(0) + "/); use one or the other");
        }
        if (classes.isEmpty()) {
            files.addAll(topImages);
        }
        return new Listing(dir, classes, files, classes.isEmpty() ? null : labels);
    }

    private static List<Path> entries(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new DataFormatException("cannot list image folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Decodes every listing into one split each; labels are mapped to {@code classes} by name. */
    private static ImageSplit[] decode(Path root, List<Listing> listings, List<String> classes, int size,
            MessageDigest hash) {
        List<ImageDecoder.Decoded> all = new ArrayList<>();
        int total = 0;
        for (Listing l : listings) {
            total += l.files.size();
        }
        if (total == 0) {
            throw new DataFormatException("no PNG or JPEG images in " + root);
        }
        List<int[]> labelsPerListing = new ArrayList<>();
        for (Listing l : listings) {
            int[] labels = classes.isEmpty() ? null : new int[l.files.size()];
            for (int i = 0; i < l.files.size(); i++) {
                Path f = l.files.get(i);
                byte[] bytes = ImageDecoder.readFile(f);
                hash.update(root.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
                hash.update((byte) 0);
                hash.update(bytes);
                all.add(ImageDecoder.decode(f, bytes));
                if (labels != null && l.labels != null) {
                    labels[i] = classes.indexOf(l.classes.get(l.labels.get(i)));
                }
            }
            labelsPerListing.add(labels);
        }
        float[] stacked = ImageDecoder.stack(all, size, RESIZE_HINT);
        var shape = ImageDecoder.stackedShape(all, size);
        ImageSplit[] out = new ImageSplit[listings.size()];
        int at = 0;
        for (int k = 0; k < listings.size(); k++) {
            int n = listings.get(k).files.size();
            float[] p = Arrays.copyOfRange(stacked, at * shape.size(), (at + n) * shape.size());
            out[k] = new ImageSplit(shape, p, labelsPerListing.get(k));
            at += n;
        }
        return out;
    }
}
