package io.dxmi.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.dxmi.core.classifier.ClassifierConfig;
import io.dxmi.core.classifier.FeatureClassifiers;
import io.dxmi.core.classifier.TrainedClassifier;
import io.dxmi.core.data.image.ImageDataset;
import io.dxmi.core.data.image.ImageSplit;
import io.dxmi.core.data.image.MnistSubset;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.random.Rng;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The image evaluator ranks real digits above collapsed or noisy "generators". */
class ImageEvaluatorTest {

    static ImageDataset digits;
    static NDManager manager;
    static TrainedClassifier classifier;
    static ImageEvaluator evaluator;

    @BeforeAll
    static void setUp() {
        DjlRuntime.configure(1);
        digits = MnistSubset.load(1500, 1000);
        manager = NDManager.newBaseManager();
        ClassifierConfig cfg = new ClassifierConfig(5, 8, 16, 1, 32, 3, 32, 2e-3f, 1, 0, 0, 0, 0L);
        classifier = FeatureClassifiers.train(digits, cfg, manager, ProgressListener.NONE, null);
        evaluator = ImageEvaluator.builder().setClassifier(classifier).setReference(digits.test()).build();
    }

    @AfterAll
    static void close() {
        classifier.close();
        manager.close();
    }

    @Test
    void theReferenceAgainstItselfIsPerfect() {
        ImageEvaluation e = evaluator.evaluate(digits.test().pixels());
        assertEquals(0.0, e.fd(), 1e-6);
        assertEquals(1.0, e.precision(), 0.0);
        assertEquals(1.0, e.recall(), 0.0);
        assertEquals(1000, e.samples());
        assertEquals(classifier.testAccuracy(), e.classifierAccuracy(), 0.0);
        assertEquals(0.0, e.classShareGap(), 0.0);
        assertEquals(1.0, Arrays.stream(e.classShares()).sum(), 1e-9);
    }

    @Test
    void theClassGapOfOneDigitIsEverythingButThatDigitsShare() {
        ImageDataset ones = digits.withClasses(List.of("1"));
        float[] pixels = ones.train().pixels();
        ImageEvaluation e = evaluator.evaluate(pixels);
        // By hand, from the classifier's own predictions on both sides.
        int[] mine = classifier.model().predict(pixels);
        int[] theirs = classifier.model().predict(digits.test().pixels());
        double[] p = new double[10];
        double[] q = new double[10];
        for (int c : mine) {
            p[c] += 1.0 / mine.length;
        }
        for (int c : theirs) {
            q[c] += 1.0 / theirs.length;
        }
        double gap = 0;
        for (int c = 0; c < 10; c++) {
            assertEquals(p[c], e.classShares()[c], 1e-9, "class " + c);
            assertEquals(q[c], e.referenceClassShares()[c], 1e-9, "class " + c);
            gap += Math.abs(p[c] - q[c]) / 2;
        }
        assertEquals(gap, e.classShareGap(), 1e-12);
        // Nearly all predicted ones, so the gap is nearly one minus the ones' share of the test set.
        assertTrue(e.classShareGap() > 0.8 && e.classShareGap() < 1 - q[1] + 0.05, "gap " + e.classShareGap());
        assertEquals(e.classShareGap(), (double) e.toMap().get("class_share_gap"), 0.0);
    }

    @Test
    void classesFromFeaturesAreThePredictions() {
        float[] pixels = digits.test().rows(0, 300);
        assertArrayEquals(classifier.model().predict(pixels),
                classifier.model().classesOf(classifier.model().features(pixels)));
        assertThrows(IllegalArgumentException.class, () -> classifier.model().classesOf(new float[7]));
    }

    @Test
    void theShareGapByHand() {
        double[] p = ImageEvaluation.shares(new int[] {0, 1, 1, 0}, 3);
        assertArrayEquals(new double[] {0.5, 0.5, 0}, p, 0.0);
        assertEquals(0.5, ImageEvaluation.shareGap(p, new double[] {0.25, 0.25, 0.5}), 1e-12);
        assertEquals(1.0, ImageEvaluation.shareGap(new double[] {1, 0}, new double[] {0, 1}), 0.0);
        assertThrows(IllegalArgumentException.class, () -> ImageEvaluation.shareGap(p, new double[2]));
    }

    @Test
    void heldOutDigitsBeatOneDigitAndBeatNoise() {
        ImageEvaluation real = evaluator.evaluate(digits.train().pixels());
        ImageDataset ones = digits.withClasses(List.of("1"));
        ImageEvaluation collapsed = evaluator.evaluate(ones.train().pixels());
        float[] noise = new Rng(1).uniforms(500 * 784, 0, 1);
        ImageEvaluation random = evaluator.evaluate(noise);
        assertTrue(real.fd() < collapsed.fd() / 5, "real " + real.fd() + " vs one digit " + collapsed.fd());
        assertTrue(collapsed.fd() < random.fd(), "one digit " + collapsed.fd() + " vs noise " + random.fd());
        // k-NN recall is lenient (outliers among the ones make wide balls), but it still orders them
        assertTrue(collapsed.recall() < real.recall(), "one digit recalls less: " + collapsed.recall()
                + " vs " + real.recall());
        assertTrue(collapsed.precision() > 0.8, "real ones are precise: " + collapsed.precision());
        assertTrue(random.precision() < real.precision(), "noise is less precise than digits: " + random.precision()
                + " vs " + real.precision());
    }

    @Test
    void theNoiseFloorShrinksWithMoreSamples() {
        FdNoise small = evaluator.noiseAt(50, 4, 7);
        FdNoise large = evaluator.noiseAt(500, 4, 7);
        assertEquals(50, small.samples());
        assertEquals(950, small.referenceSamples());
        assertEquals(500, large.samples(), "capped at half the reference");
        assertTrue(small.mean() > large.mean(), small + " vs " + large);
        assertTrue(small.std() > 0, small.toString());
    }

    @Test
    void nonFinitePixelsAreRefusedAndOutOfRangeOnesClamped() {
        float[] imgs = digits.test().rows(0, 10);
        imgs[5] = Float.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> evaluator.evaluate(imgs));
        assertEquals("1 generated pixels are not finite; cannot evaluate the samples", e.getMessage());
        float[] inRange = digits.test().rows(0, 100);
        float[] outOfRange = inRange.clone();
        for (int i = 0; i < inRange.length; i++) {
            if (inRange[i] > 0.9f) {
                inRange[i] = 1f;
                outOfRange[i] = 3f;
            } else if (inRange[i] == 0f) {
                outOfRange[i] = -0.5f;
            }
        }
        assertEquals(evaluator.evaluate(inRange).fd(), evaluator.evaluate(outOfRange).fd(), 1e-9);
    }

    @Test
    void aClassifierForOtherImagesIsRefused() {
        ImageSplit small = digits.resized(14).test();
        assertThrows(IllegalStateException.class,
                () -> ImageEvaluator.builder().setClassifier(classifier).setReference(small).build());
    }
}
