package io.dxmi.dashboard;

import io.dxmi.figures.RunFigures;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The evaluator's figure files under {@code <run dir>/figures/}: their modification times, checked on a worker
 * thread at each tick, and a version that moves when any of them changed or a new report says they were redrawn
 * (the page reloads the images then). Confined to the dashboard's context.
 */
final class FigureWatcher {

    private final Vertx vertx;
    private final Path runDir;
    private final Map<String, Long> times = new LinkedHashMap<>();
    private long version;
    private boolean checking;

    /** @param runDir the run directory, or null: no figures */
    FigureWatcher(Vertx vertx, Path runDir) {
        this.vertx = vertx;
        this.runDir = runDir;
        FigureFiles.NAMES.forEach(n -> times.put(n, null));
    }

    /** Checks the files off the event loop; runs {@code onChange} (on this context) when any changed. */
    void check(Runnable onChange) {
        if (runDir == null || checking) {
            return;
        }
        checking = true;
        vertx.executeBlocking(() -> {
            Map<String, Long> now = new LinkedHashMap<>();
            for (String name : FigureFiles.NAMES) {
                try {
                    now.put(name, Files.getLastModifiedTime(FigureFiles.resolve(runDir, name).orElseThrow()).toMillis());
                } catch (IOException e) {
                    now.put(name, null); // not written yet
                }
            }
            return now;
        }).onComplete(ar -> {
            checking = false;
            if (ar.succeeded() && !ar.result().equals(times)) {
                times.putAll(ar.result());
                version++;
                onChange.run();
            }
        });
    }

    /** A new evaluation report: the evaluator redrew its figures before publishing it. */
    void redrawn() {
        version++;
    }

    /** {@code {version, files: {name: mtime or null}}}, names in page order. */
    JsonObject toJson() {
        JsonObject files = new JsonObject();
        times.forEach(files::put);
        // The figure catalogue is the figures module's, so the page repeats no file name.
        return new JsonObject().put("version", version).put("files", files)
                .put("titles", new JsonObject(new LinkedHashMap<>(RunFigures.TITLES)))
                .put("planar", new JsonArray(RunFigures.PLANAR)).put("notPlanar", new JsonArray(RunFigures.NOT_PLANAR));
    }
}
