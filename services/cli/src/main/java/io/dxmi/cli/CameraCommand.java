package io.dxmi.cli;

import io.dxmi.anomalyscorer.CameraSimulator;
import io.dxmi.anomalyscorer.ScorerSettings;
import io.dxmi.core.data.CsvDataset;
import io.dxmi.core.data.DataFormatException;
import io.dxmi.core.data.SampleShape;
import io.dxmi.platform.config.KafkaSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code dxmi camera}: replays images as camera frames at a fixed rate. */
@Command(name = "camera", mixinStandardHelpOptions = true,
        description = {"Replay images as camera frames on the frames topic: N cameras at F frames/s each, keyed by "
                + "camera, with capture times and labels (0 normal, 1 anomalous); prints how many it sent."})
final class CameraCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT[,...]", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--data", required = true, paramLabel = "NAME[:test|train]|FILE.idx[.gz]|DIR|FILE.csv",
            description = {"The images: an image set (fashion-mnist, mnist, an idx file, a folder; its test split "
                    + "unless ':train' follows), whose --classes are normal and the other classes anomalous;",
                "or a CSV file of flattened square images, intensities in [0, 1], all normal."})
    String data;

    @Option(names = "--classes", paramLabel = "C1,C2,...",
            description = "Image sets: the normal classes (label numbers or names); frames of the other classes are "
                    + "the anomalies mixed in at --anomaly-rate. Default: every class normal.")
    String classes;

    @Option(names = "--anomalous-classes", paramLabel = "C1,C2,...",
            description = "Image sets: the classes the anomalies are drawn from (default: every class outside "
                    + "--classes).")
    String anomalousClasses;

    @Option(names = "--anomalous-data", paramLabel = "FILE.csv",
            description = "With a CSV --data: anomalous images in the same form, mixed in at --anomaly-rate.")
    Path anomalousData;

    @Option(names = "--anomaly-rate", defaultValue = "0", paramLabel = "P",
            description = "Probability that a frame is anomalous (default: ${DEFAULT-VALUE}).")
    double anomalyRate;

    @Option(names = "--cameras", paramLabel = "N", defaultValue = "1", description = "Cameras (default: ${DEFAULT-VALUE}).")
    int cameras;

    @Option(names = "--fps", paramLabel = "F", required = true, description = "Frames per second per camera.")
    double fps;

    @Option(names = "--seconds", paramLabel = "S", description = "How long to send (frames per camera = fps x seconds).")
    Double seconds;

    @Option(names = "--frames", paramLabel = "N", description = "Frames per camera (instead of --seconds).")
    Long frames;

    @Option(names = "--encoding", paramLabel = "raw|png", defaultValue = "raw", description = "raw or png (default: ${DEFAULT-VALUE}).")
    String encoding;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = ScorerSettings.FRAMES, description = "Frames topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the image draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE", description = "Any Kafka client property (repeatable).")
    Map<String, String> properties = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        if ((seconds == null) == (frames == null)) {
            throw new UsageError("give --seconds S or --frames N (one of them)");
        }
        long perCamera = frames != null ? frames : Math.max(1, Math.round(fps * seconds));
        CameraSimulator.Images normal;
        CameraSimulator.Images anomalous;
        if (!ImagePools.isImageSet(data)) {
            if (classes != null || anomalousClasses != null) {
                throw new UsageError((classes != null ? "--classes" : "--anomalous-classes")
                        + " applies to an image set, not to " + data);
            }
            normal = images(Path.of(data));
            anomalous = anomalousData == null ? null : images(anomalousData);
        } else {
            if (anomalousData != null) {
                throw new UsageError("--anomalous-data goes with a CSV --data; with an image set the classes "
                        + "outside --classes are the anomalies");
            }
            ImagePools pools = ImagePools.of(data, classes, anomalousClasses);
            normal = pools.normal();
            anomalous = pools.anomalous();
        }
        if (anomalous != null && !anomalous.shape().equals(normal.shape())) {
            throw new UsageError(anomalousData + " holds " + anomalous.shape() + " images, " + data
                    + " holds " + normal.shape());
        }
        KafkaSettings kafka = KafkaSettings.builder().setBootstrapServers(bootstrap).optClientIdPrefix("dxmi-camera")
                .optProperties(properties).build();
        CameraSimulator simulator;
        try {
            simulator = new CameraSimulator(kafka, topic, normal, anomalous, cameras, fps, perCamera, anomalyRate,
                    encoding, seed);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage()); // the simulator checks the flags' values before it sends anything
        }
        CameraSimulator.Sent sent = simulator.run();
        System.out.println(String.format(Locale.ROOT, "sent %d frames (%d anomalous) from %d camera(s) to %s in %.2f s:"
                + " %.1f frames/s (offered %.1f); at worst %.1f ms behind schedule", sent.frames(), sent.anomalous(),
                cameras, topic, sent.seconds(), sent.framesPerSecond(), cameras * fps, sent.maxLagMillis()));
        return 0;
    }

    /** A CSV of flattened square grayscale images in [0, 1]. */
    static CameraSimulator.Images images(Path file) {
        CsvDataset csv;
        try {
            csv = CsvDataset.load(file);
        } catch (DataFormatException e) {
            throw new UsageError(e.getMessage(), e);
        }
        int side = (int) Math.round(Math.sqrt(csv.dimension()));
        if (side * side != csv.dimension()) {
            throw new UsageError(file + " has " + csv.dimension() + " columns: not a flattened square image");
        }
        for (float v : csv.rows()) {
            if (v < 0 || v > 1) {
                throw new UsageError(file + " holds a value outside [0, 1] (" + v + "): images are "
                        + "intensities in [0, 1]");
            }
        }
        return new CameraSimulator.Images(SampleShape.image(1, side, side), csv.rows(), null);
    }
}
