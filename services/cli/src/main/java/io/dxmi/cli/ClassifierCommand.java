package io.dxmi.cli;

import ai.djl.ndarray.NDManager;
import io.dxmi.core.classifier.ClassifierConfig;
import io.dxmi.core.classifier.FeatureClassifiers;
import io.dxmi.core.classifier.TrainedClassifier;
import io.dxmi.core.data.DataSources;
import io.dxmi.core.data.image.ImageDataset;
import io.dxmi.core.engine.DjlRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code dxmi classifier}: the feature classifier of an image data set, trained or found in the cache. */
@Command(name = "classifier", mixinStandardHelpOptions = true,
        description = {"Train (or find in the cache) the classifier whose features the image metrics use, and print its test "
                + "accuracy, training time and weights hash.",
            "It learns every class of the data at its image size."})
final class ClassifierCommand implements Callable<Integer> {

    @Mixin
    DataOption data;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Train anew and save here (default: the user cache, reused when present).")
    Path out;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training images (default: by data size).")
    Integer epochs;

    @Option(names = "--kernel", paramLabel = "K", description = "Side of every convolution's kernel, odd (default: by data size: 3 below 20,000 "
                    + "training images, else 5).")
    Integer kernel;

    @Option(names = "--widths", paramLabel = "C1,C2,F", split = ",",
            description = "Channels of the two stages and width of the feature layer (default: by data size: "
                    + "32,64,128 below 20,000 training images, else 16,32,128).")
    int[] widths;

    @Option(names = "--convs-per-stage", paramLabel = "N",
            description = "Convolutions before each pooling: 1 (LeNet) or 2 (VGG-style) (default: by data size).")
    Integer convsPerStage;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        common.configureEngine();
        DjlRuntime.configureFromEnvironment();
        ImageDataset images = DataSources.openImages(data.spec());
        ClassifierConfig cfg = FeatureClassifiers.defaultConfig(images).withSeed(common.seed);
        if (epochs != null) {
            if (epochs < 1) {
                throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
            }
            cfg = cfg.withEpochs(epochs);
        }
        if (kernel != null) {
            cfg = cfg.withKernel(kernel);
        }
        if (widths != null) {
            if (widths.length != 3) {
                throw new IllegalArgumentException("--widths takes three numbers C1,C2,F, got " + widths.length);
            }
            cfg = cfg.withWidths(widths[0], widths[1], widths[2]);
        }
        if (convsPerStage != null) {
            cfg = cfg.withConvsPerStage(convsPerStage);
        }
        try (NDManager manager = NDManager.newBaseManager(DjlRuntime.device())) {
            TrainedClassifier c;
            if (out != null) {
                c = FeatureClassifiers.save(FeatureClassifiers.train(images, cfg, manager, common.progress(), out), out);
            } else {
                c = FeatureClassifiers.obtain(images, null, cfg, manager, common.progress());
            }
            try (c) {
                System.out.printf(Locale.ROOT,
                        "classifier of %s (%s, %d classes): test accuracy %.4f on %d test images; trained in %.0f s "
                                + "on %d thread(s); weights SHA-256 %s; in %s%n",
                        c.dataName(), images.shape(), images.allClasses().classNames().size(), c.testAccuracy(),
                        images.allClasses().test().size(), c.trainSeconds(), c.threads(), c.weightsSha256(),
                        c.directory());
            }
        }
        return 0;
    }
}
