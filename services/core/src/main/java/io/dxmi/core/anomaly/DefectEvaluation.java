package io.dxmi.core.anomaly;

import io.dxmi.core.data.SampleShape;
import io.dxmi.core.dxmi.DxmiModel;
import io.dxmi.core.metrics.RocAuc;
import io.dxmi.core.random.Rng;

import java.util.ArrayList;
import java.util.List;

/**
 * Localisation and detection of synthetic defects by an energy model: for each kind of
 * {@link SyntheticDefects}, defects are pasted onto normal test images (a fixed seed), and the
 * energy's full-resolution input-gradient map and its restoration map ({@link EnergyMaps}) are scored
 * against the defect masks by pixel AUROC; the energies of the defective images against those of the same images
 * clean give the image AUROC. Beside it, the pixel AUROC of {@link MeanImageReference}'s map (the
 * difference from the mean normal image) on the same defects: a map that does not beat it has
 * learned little about where images go wrong. The maps are also scored combined ({@link EnergyMaps#combine}), and the
 * gradient map with the difference from the model's mean normal image ({@link EnergyMaps#gradientAndMean}), the
 * scorer's default.
 */
public final class DefectEvaluation {

    /**
     * Result for one kind of defect.
     *
     * @param kind the defect kind
     * @param images defective images evaluated
     * @param meanArea mean mask size in pixels
     * @param pixelAuroc AUROC of the map's pixels, defect pixels positive, every other pixel of the
     *     defective images negative
     * @param imageAuroc AUROC of the energies, defective images positive, the same images clean negative
     * @param referencePixelAuroc pixel AUROC of the mean-image reference's map on the same defects (null when no
     *     training images were given)
     * @param restorationPixelAuroc pixel AUROC of the energy's restoration map ({@link EnergyMaps#restorationMaps},
     *     {@value EnergyMaps#RESTORATION_STEPS} steps)
     * @param combinedPixelAuroc pixel AUROC of the gradient and restoration maps combined ({@link EnergyMaps#combine})
     *     with the difference from the model's mean normal image when its feature density holds one
     * @param gradientMeanPixelAuroc pixel AUROC of the gradient map with the difference from the model's mean normal
     *     image ({@link EnergyMaps#gradientAndMean}; the gradient map's own when the model's density holds none)
     */
    public record KindResult(SyntheticDefects.Kind kind, int images, double meanArea, double pixelAuroc,
            double imageAuroc, Double referencePixelAuroc, double restorationPixelAuroc, double combinedPixelAuroc,
            double gradientMeanPixelAuroc) {}

    private static final int BATCH = 64;

    private DefectEvaluation() {}

    /**
     * Pixel AUROC: every pixel of every map is one score, labelled by its mask (true = defect).
     * Maps and masks are row-major and of equal size per image.
     *
     * @throws IllegalArgumentException when sizes differ or either class of pixels is empty
     */
    public static double pixelAuroc(List<boolean[]> masks, List<float[]> maps) {
        if (masks.size() != maps.size()) {
            throw new IllegalArgumentException(masks.size() + " masks but " + maps.size() + " maps");
        }
        int positives = 0;
        int total = 0;
        for (int i = 0; i < masks.size(); i++) {
            if (masks.get(i).length != maps.get(i).length) {
                throw new IllegalArgumentException("mask " + i + " has " + masks.get(i).length + " pixels, its map "
                        + maps.get(i).length);
            }
            for (boolean b : masks.get(i)) {
                positives += b ? 1 : 0;
            }
            total += masks.get(i).length;
        }
        float[] pos = new float[positives];
        float[] neg = new float[total - positives];
        int p = 0;
        int n = 0;
        for (int i = 0; i < masks.size(); i++) {
            boolean[] mask = masks.get(i);
            float[] map = maps.get(i);
            for (int k = 0; k < mask.length; k++) {
                if (mask[k]) {
                    pos[p++] = map[k];
                } else {
                    neg[n++] = map[k];
                }
            }
        }
        return RocAuc.auc(pos, neg);
    }

    /**
     * Pastes {@code perKind} defects of each kind onto normal images (taken in a seeded random
     * order; an image that cannot take a kind is passed over) and scores them.
     *
     * @param normalImages normal test images of {@code model.shape()} in data space, row-major
     * @param normalTrain the normal class's training images for the reference map (null: no reference)
     */
    public static List<KindResult> evaluate(DxmiModel model, float[] normalImages, int perKind, long seed,
            float[] normalTrain) {
        SampleShape shape = model.shape();
        if (!shape.isImage()) {
            throw new IllegalArgumentException("defect localisation needs an image model, not " + shape);
        }
        int size = shape.size();
        int count = normalImages.length / size;
        if (count == 0 || perKind < 1) {
            throw new IllegalArgumentException("defect evaluation needs normal images and at least one defect per kind");
        }
        float[] mean = normalTrain == null ? null : MeanImageReference.meanImage(normalTrain, size);
        SyntheticDefects defects = new SyntheticDefects(shape);
        List<KindResult> results = new ArrayList<>();
        for (SyntheticDefects.Kind kind : SyntheticDefects.Kind.values()) {
            Rng rng = new Rng(seed * 31 + kind.ordinal());
            int[] order = permutation(count, rng);
            List<SyntheticDefects.Defect> made = new ArrayList<>();
            List<Integer> sources = new ArrayList<>();
            for (int k = 0; k < order.length && made.size() < perKind; k++) {
                SyntheticDefects.Defect d = defects.paste(kind, normalImages, order[k] * size, rng);
                if (d != null) {
                    made.add(d);
                    sources.add(order[k]);
                }
            }
            if (made.isEmpty()) {
                throw new IllegalArgumentException("no image took a visible " + kind.label() + " defect");
            }
            results.add(score(model, normalImages, made, sources, mean));
        }
        return results;
    }

    private static KindResult score(DxmiModel model, float[] normalImages, List<SyntheticDefects.Defect> made,
            List<Integer> sources, float[] mean) {
        SampleShape shape = model.shape();
        int size = shape.size();
        List<boolean[]> masks = new ArrayList<>();
        List<float[]> maps = new ArrayList<>();
        List<float[]> referenceMaps = new ArrayList<>();
        List<float[]> restorationMaps = new ArrayList<>();
        List<float[]> combinedMaps = new ArrayList<>();
        List<float[]> gradientMeanMaps = new ArrayList<>();
        float[] defective = new float[made.size()];
        float[] clean = new float[made.size()];
        double area = 0;
        for (int start = 0; start < made.size(); start += BATCH) {
            int m = Math.min(BATCH, made.size() - start);
            float[] rows = new float[m * size];
            float[] originals = new float[m * size];
            for (int i = 0; i < m; i++) {
                System.arraycopy(made.get(start + i).image(), 0, rows, i * size, size);
                System.arraycopy(normalImages, sources.get(start + i) * size, originals, i * size, size);
            }
            // One restoration gives all the maps: the gradient map is its first step.
            EnergyMaps.Restoration r = EnergyMaps.restoration(model, rows, shape, EnergyMaps.RESTORATION_STEPS,
                    EnergyMaps.RESTORATION_STEP_SIZE, shape.height(), shape.width());
            restorationMaps.addAll(List.of(r.restoration()));
            combinedMaps.addAll(List.of(r.combined()));
            gradientMeanMaps.addAll(List.of(r.gradientAndMean()));
            float[] e = model.energy(originals);
            for (int i = 0; i < m; i++) {
                SyntheticDefects.Defect d = made.get(start + i);
                masks.add(d.mask());
                maps.add(r.gradient()[i]);
                if (mean != null) {
                    referenceMaps.add(MeanImageReference.map(d.image(), 0, mean, shape));
                }
                defective[start + i] = r.energies()[i];
                clean[start + i] = e[i];
                area += d.area();
            }
        }
        return new KindResult(made.get(0).kind(), made.size(), area / made.size(), pixelAuroc(masks, maps),
                RocAuc.auc(defective, clean), mean == null ? null : pixelAuroc(masks, referenceMaps),
                pixelAuroc(masks, restorationMaps), pixelAuroc(masks, combinedMaps), pixelAuroc(masks, gradientMeanMaps));
    }

    private static int[] permutation(int n, Rng rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
