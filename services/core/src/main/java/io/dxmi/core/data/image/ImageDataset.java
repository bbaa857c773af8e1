package io.dxmi.core.data.image;

import io.dxmi.core.data.SampleShape;
import io.dxmi.core.data.Sha256;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A labelled image set with a train and a test split: what {@code --data fashion-mnist},
 * {@code mnist}, a folder or an idx file opens. Class filtering ({@link #withClasses}) keeps the
 * original label numbers, so a classifier trained on every class ({@link #allClasses()}) still
 * names them; resizing ({@link #resized}) applies to both splits. Immutable.
 */
public final class ImageDataset {

    private final String baseName;
    private final List<String> classNames;
    private final ImageSplit fullTrain;
    private final ImageSplit fullTest;
    private final String splitDescription;
    private final String sourceHash;
    private final int[] classes;
    private final ImageSplit train;
    private final ImageSplit test;

    private ImageDataset(String baseName, List<String> classNames, ImageSplit fullTrain, ImageSplit fullTest,
            String splitDescription, String sourceHash, int[] classes) {
        if (!fullTrain.shape().equals(fullTest.shape())) {
            throw new IllegalArgumentException("train images are " + fullTrain.shape() + " but test images are "
                    + fullTest.shape());
        }
        this.baseName = baseName;
        this.classNames = List.copyOf(classNames);
        this.fullTrain = fullTrain;
        this.fullTest = fullTest;
        this.splitDescription = splitDescription;
        this.sourceHash = sourceHash;
        this.classes = classes;
        this.train = classes == null ? fullTrain : keep(fullTrain, classes);
        this.test = classes == null ? fullTest : keep(fullTest, classes);
    }

    /**
     * A data set as loaded from its source.
     *
     * @param classNames the name of each label (index = label); empty when the images have no labels
     * @param splitDescription how train and test were split, for reports
     * @param sourceHash hex SHA-256 of the source's bytes
     */
    public static ImageDataset of(String name, List<String> classNames, ImageSplit train, ImageSplit test,
            String splitDescription, String sourceHash) {
        if (train.size() == 0) {
            throw new IllegalArgumentException(name + " has no training images");
        }
        if (train.isLabelled() != !classNames.isEmpty() || test.isLabelled() != !classNames.isEmpty()) {
            throw new IllegalArgumentException("labels and class names must come together");
        }
        return new ImageDataset(name, classNames, train, test, splitDescription, sourceHash, null);
    }

    /**
     * This data set restricted to some classes, each given as its label number or its name
     * (case-insensitive). Labels keep their numbers.
     *
     * @throws IllegalArgumentException naming the valid classes, for an unknown class or
     *         unlabelled images
     */
    public ImageDataset withClasses(List<String> requested) {
        if (requested == null || requested.isEmpty()) {
            return new ImageDataset(baseName, classNames, fullTrain, fullTest, splitDescription, sourceHash, null);
        }
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("--classes needs labelled images, but " + baseName
                    + " has no labels (a folder needs one subfolder per class; an idx file a labels file beside it)");
        }
        List<Integer> picked = new ArrayList<>();
        for (String r : requested) {
            int label = labelOf(r.trim());
            if (!picked.contains(label)) {
                picked.add(label);
            }
        }
        int[] selected = picked.stream().mapToInt(Integer::intValue).sorted().toArray();
        ImageDataset filtered = new ImageDataset(baseName, classNames, fullTrain, fullTest, splitDescription,
                sourceHash, selected);
        if (filtered.train.size() == 0) {
            throw new IllegalArgumentException(baseName + " has no training images of class(es) "
                    + String.join(",", requested));
        }
        return filtered;
    }

    private int labelOf(String r) {
        for (int i = 0; i < classNames.size(); i++) {
            if (classNames.get(i).equalsIgnoreCase(r)) {
                return i;
            }
        }
        try {
            int i = Integer.parseInt(r);
            if (i >= 0 && i < classNames.size()) {
                return i;
            }
        } catch (NumberFormatException e) {
            // not a number either: reported below
        }
        throw new IllegalArgumentException("unknown class '" + r + "' for " + baseName + "; valid classes: "
                + validClasses());
    }

    /** "0 (T-shirt/top), 1 (Trouser), …" or "0, 1, …" when the names are the numbers. */
    public String validClasses() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < classNames.size(); i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(i);
            if (!classNames.get(i).equals(Integer.toString(i))) {
                b.append(" (").append(classNames.get(i)).append(')');
            }
        }
        return b.toString();
    }

    /** Both splits resized to size × size (see {@link Resize}); the class filter stays. */
    public ImageDataset resized(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("--image-size must be at least 1, got " + size);
        }
        if (shape().height() == size && shape().width() == size) {
            return this;
        }
        return new ImageDataset(baseName, classNames, fullTrain.resized(size), fullTest.resized(size),
                splitDescription, sourceHash, classes);
    }

    /** The same data set with every class (at the same size): what the feature classifier learns. */
    public ImageDataset allClasses() {
        return classes == null ? this
                : new ImageDataset(baseName, classNames, fullTrain, fullTest, splitDescription, sourceHash, null);
    }

    /** Name with its options: "fashion-mnist", "fashion-mnist classes 0,3 16x16". */
    public String name() {
        StringBuilder b = new StringBuilder(baseName);
        if (classes != null) {
            b.append(" classes ");
            for (int i = 0; i < classes.length; i++) {
                b.append(i > 0 ? "," : "").append(classes[i]);
            }
        }
        return b.toString();
    }

    /** The source's name without options. */
    public String baseName() {
        return baseName;
    }

    public SampleShape shape() {
        return fullTrain.shape();
    }

    public ImageSplit train() {
        return train;
    }

    public ImageSplit test() {
        return test;
    }

    /** Name of each label (index = label); empty when unlabelled. */
    public List<String> classNames() {
        return classNames;
    }

    public boolean isLabelled() {
        return !classNames.isEmpty();
    }

    /** The selected labels, or every label when unfiltered (empty when unlabelled). */
    public int[] classes() {
        if (classes != null) {
            return classes.clone();
        }
        int[] all = new int[classNames.size()];
        Arrays.setAll(all, i -> i);
        return all;
    }

    public String splitDescription() {
        return splitDescription;
    }

    /** SHA-256 of the source's bytes, the class filter and the image shape. */
    public String contentHash() {
        return Sha256.hex(sourceHash + "|shape=" + shape() + "|classes="
                + (classes == null ? "all" : Arrays.toString(classes)));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s (%d train / %d test images of %s%s)", name(), train.size(),
                test.size(), shape(), isLabelled() ? ", " + classNames.size() + " classes" : ", unlabelled");
    }

    private static ImageSplit keep(ImageSplit split, int[] classes) {
        int n = 0;
        int[] idx = new int[split.size()];
        for (int i = 0; i < split.size(); i++) {
            if (Arrays.binarySearch(classes, split.label(i)) >= 0) {
                idx[n++] = i;
            }
        }
        return split.select(Arrays.copyOf(idx, n));
    }
}
