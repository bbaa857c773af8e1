package io.dxmi.anomalyscorer;

import io.dxmi.core.anomaly.CalibrationFile;
import io.dxmi.core.dxmi.FeatureDensityFile;
import io.dxmi.core.model.ModelDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model directory ({@code --model DIR}), watched: when its weights, its feature density or its
 * calibration change (a retrained model copied in, {@code dxmi feature-density} or
 * {@code dxmi calibrate} run again) the new model is loaded and
 * verified on this source's thread and offered for the next batch. A directory caught half
 * written fails its hash check and is read again at the next tick.
 */
final class DirectoryModelSource implements ModelSource {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryModelSource.class);

    /** Reads a model directory (verifying it); throws when it does not load. */
    interface Loader {
        ScoringModel load(Path dir) throws IOException;
    }

    private final Path dir;
    private final Duration interval;
    private final Loader loader;
    private volatile boolean running = true;
    private Thread watcher;
    private String stamp;
    /** The files' stamp when a load last failed: read again only after a further change. */
    private String failedAt;

    DirectoryModelSource(Path dir, Duration interval) {
        this(dir, interval, ScoringModel::fromDirectory);
    }

    DirectoryModelSource(Path dir, Duration interval, Loader loader) {
        this.dir = dir;
        this.interval = interval;
        this.loader = loader;
    }

    @Override
    public void start(ScorerState state) throws IOException {
        stamp = stamp();
        state.offerModel(loader.load(dir));
        if (interval.isZero()) {
            return;
        }
        watcher = new Thread(() -> watch(state), "dxmi-model-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private void watch(ScorerState state) {
        while (running) {
            try {
                Thread.sleep(interval.toMillis());
                check(state);
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                LOG.warn("cannot watch {}: {}", dir, e.toString());
            }
        }
    }

    /** One look at the directory (the watcher's tick): loads and offers the model when its files changed. */
    void check(ScorerState state) throws IOException {
        String now = stamp();
        if (now.equals(stamp) || now.equals(failedAt)) {
            return;
        }
        try {
            ScoringModel m = loader.load(dir);
            stamp = now;
            failedAt = null;
            LOG.info("{} changed: loaded {}", dir, m.version());
            state.offerModel(m);
        } catch (IOException | RuntimeException e) {
            // Perhaps half written: try again once the files change further, and say so once. The stamp is the
            // one taken before this load: a file written while it ran (the calibration after the weights) is a
            // further change, so it is read at the next tick instead of being taken for the failed state.
            if (failedAt == null) {
                LOG.warn("{} changed but does not load yet ({}); the current model stays", dir, e.getMessage());
            }
            failedAt = now;
        }
    }

    /** Modification times and sizes of the files that define the model. */
    private String stamp() throws IOException {
        StringBuilder b = new StringBuilder();
        for (String f : new String[] {ModelDirectory.MANIFEST, ModelDirectory.WEIGHTS, CalibrationFile.FILE,
            FeatureDensityFile.FILE, FeatureDensityFile.TENSORS_V1}) {
            Path p = dir.resolve(f);
            if (Files.exists(p)) {
                b.append(f).append(Files.getLastModifiedTime(p).toMillis()).append(':').append(Files.size(p))
                        .append(';');
            }
        }
        return b.toString();
    }

    @Override
    public void close() {
        running = false;
        if (watcher != null) {
            watcher.interrupt();
        }
    }
}
