package io.dxmi.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.dxmi.core.dxmi.RunSpec;
import io.dxmi.core.model.ModelDirectory;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.io.UncheckedIOException;

/**
 * A distributed run as its services learn it from the run's spec topic: the model specification
 * plus how the pipeline runs it. Wire form: JSON under the key {@value #KEY}.
 *
 * @param spec what to train (identical initial weights everywhere)
 * @param mode "sync" (Algorithm 1 exactly, one actor) or "async" (actors run ahead)
 * @param maxStaleness async: how many policy versions a batch may lag behind the iteration that learns from it
 * @param checkpointEvery learner iterations between checkpoints
 * @param evalEvery policy versions between evaluations; 0 = only the final version
 */
public record RunPlan(RunSpec spec, String mode, int maxStaleness, int checkpointEvery, int evalEvery) {

    public static final String KEY = "plan";

    public RunPlan {
        if (!"sync".equals(mode) && !"async".equals(mode)) {
            throw new IllegalArgumentException("mode must be 'sync' or 'async', got '" + mode + "'");
        }
        if (maxStaleness < 0) {
            throw new IllegalArgumentException("max staleness must be >= 0, got " + maxStaleness);
        }
        if (checkpointEvery < 1 || evalEvery < 0) {
            throw new IllegalArgumentException("the checkpoint interval must be >= 1 and the evaluation interval >= 0,"
                    + " got " + checkpointEvery + " and " + evalEvery);
        }
    }

    public boolean sync() {
        return "sync".equals(mode);
    }

    public int iterations() {
        return spec.config().iterations();
    }

    /**
     * The plan's identity: the first 16 hex digits of the SHA-256 of its encoding. Checkpoints and
     * snapshots carry it, so that a state directory or a snapshot of another run is recognised.
     */
    public String hash() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encode())).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public byte[] encode() {
        try {
            return ModelDirectory.json().writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes a plan; a malformed one is an IllegalArgumentException naming the problem. */
    public static RunPlan decode(byte[] bytes) {
        try {
            RunPlan plan = ModelDirectory.json().readValue(bytes, RunPlan.class);
            if (plan == null) {
                throw new IllegalArgumentException("run plan is empty (JSON null)");
            }
            if (plan.spec() == null || plan.spec().config() == null || plan.spec().data() == null) {
                throw new IllegalArgumentException("run plan lacks its spec");
            }
            return plan;
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed run plan: " + e.getMessage(), e);
        }
    }
}
