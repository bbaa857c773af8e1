package io.dxmi.core.job;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dxmi.core.dxmi.IterationStats;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.model.ModelDirectory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * A JSON-lines log of metrics in the run directory: one object per line, appended and flushed,
 * so that a crash loses at most the line being written and other tools can tail it.
 *
 * <p>Record kinds, shared by {@code dxmi train} and {@code dxmi run}: {@code start} (the
 * configuration), {@code train} ({@link #trainRecord}), {@code eval} ({@link #evalRecord}) and
 * {@code final} ({@link #finalRecord}); pretraining and Table 1 log their progress reports
 * ({@link #progressRecords}).
 */
public final class MetricsLog implements AutoCloseable {

    private final BufferedWriter out;
    private final Path file;

    public MetricsLog(Path file) throws IOException {
        this.file = file;
        Files.createDirectories(file.toAbsolutePath().getParent());
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** A new record with its kind and wall-clock time filled in. */
    public static ObjectNode record(String kind) {
        ObjectNode n = ModelDirectory.json().createObjectNode();
        n.put("kind", kind);
        n.put("time", System.currentTimeMillis() / 1000.0);
        return n;
    }

    /**
     * A {@code train} record: the iteration, the training rate (it_s, iterations per second of
     * training so far) and the losses, σ_t (with the σ network also {@code sigmas_drawn}, the σ the
     * batch's states drew) and s_t². The energy's figures come from
     * {@code energy}, the value's and the policy's from {@code policy}: the same stats in one
     * process, each learner's own in the pipeline.
     */
    public static ObjectNode trainRecord(long iteration, double iterationsPerSecond, IterationStats energy,
            IterationStats policy) {
        ObjectNode rec = record("train");
        rec.put("iteration", iteration);
        rec.put("it_s", iterationsPerSecond);
        if (energy != null) {
            rec.put("energy_loss", energy.energyLoss());
            rec.put("energy_data", energy.energyData());
            rec.put("energy_samples", energy.energySamples());
        }
        if (policy != null) {
            rec.put("value_loss", policy.valueLoss());
            if (Double.isFinite(policy.policyLoss())) { // not computed while the policy is held
                rec.put("policy_loss", policy.policyLoss());
            }
            if (Double.isFinite(policy.policyGradientRms())) {
                rec.put("policy_grad_rms", policy.policyGradientRms());
            }
            rec.set("sigmas", ModelDirectory.json().valueToTree(policy.sigmas()));
            if (policy.drawnSigmas() != policy.sigmas()) { // with the σ network: each state's own σ
                rec.set("sigmas_drawn", ModelDirectory.json().valueToTree(policy.drawnSigmas()));
            }
            rec.set("velocity_scales", ModelDirectory.json().valueToTree(policy.velocityScales()));
        }
        return rec;
    }

    /** An {@code eval} record: a quick evaluation's named metrics (sw and auc for vectors, fd for images). */
    public static ObjectNode evalRecord(long iteration, Map<String, Double> metrics) {
        ObjectNode ev = record("eval");
        ev.put("iteration", iteration);
        metrics.forEach(ev::put);
        return ev;
    }

    /** The {@code final} record: result.json's figures without its long descriptive parts. */
    public static ObjectNode finalRecord(RunResult result) {
        return finalRecord(result.toJson());
    }

    /** The {@code final} record of a result already in JSON form. */
    public static ObjectNode finalRecord(ObjectNode result) {
        ObjectNode end = record("final");
        ObjectNode headline = result.deepCopy();
        headline.remove(List.of("config", "pretrain_config", "data", "notes", "sw_convention",
                "evaluation"));
        end.setAll(headline);
        return end;
    }

    /**
     * A listener that appends each progress report as a record of {@code kind}: the phase, the
     * iteration, the total, it_s (iterations per second since the phase's first report) and the
     * report's metrics.
     */
    public ProgressListener progressRecords(String kind) {
        String[] phase = {null};
        long[] first = new long[2]; // nanoTime and iteration of the phase's first report
        return (name, done, total, metrics) -> {
            long now = System.nanoTime();
            if (!name.equals(phase[0])) {
                phase[0] = name;
                first[0] = now;
                first[1] = done;
            }
            ObjectNode rec = record(kind);
            rec.put("phase", name);
            rec.put("iteration", done);
            rec.put("total", total);
            double seconds = (now - first[0]) / 1e9;
            if (seconds > 0) {
                rec.put("it_s", (done - first[1]) / seconds);
            }
            metrics.forEach(rec::put);
            append(rec);
        };
    }

    public synchronized void append(ObjectNode record) {
        try {
            out.write(ModelDirectory.json().writer().without(
                    SerializationFeature.INDENT_OUTPUT).writeValueAsString(record));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            // A full disk says only "No space left on device": say which file.
            throw new UncheckedIOException(new IOException("cannot append to " + file + ": " + e.getMessage(), e));
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
