package io.dxmi.dashboard;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * What the dashboard knows of one service from its newest scrape: up or down, and the few series the page
 * shows. Mutable; confined to the dashboard's Vert.x context.
 */
final class ServiceStatus {

    final String name;
    final URI url;
    boolean up;
    long lastAttemptMillis;
    long lastOkMillis;
    String error = "not scraped yet";
    Double iteration;
    Double policyVersion;
    Double ebmVersion;
    Double stalenessMean;
    Double deadLetters;
    Double memoryBytes;
    /** When the service's process started ({@code process_start_time_seconds}): services sharing it share a process. */
    Double processStart;
    Double evalSw;
    Double evalAuc;
    final Map<String, Double> losses = new LinkedHashMap<>();
    /** Step index to σ; sorted by step. */
    final Map<Integer, Double> sigma = new TreeMap<>();
    boolean scraping;

    ServiceStatus(String name, URI url) {
        this.name = name;
        this.url = url;
    }

    /** Takes the series the page shows from a successful scrape. */
    void update(PrometheusText metrics, long now) {
        up = true;
        error = null;
        lastAttemptMillis = now;
        lastOkMillis = now;
        // A learner's run iteration continues across restarts; actors (and older learners) have only the counter.
        OptionalDouble learnerIteration = metrics.first("dxmi_learner_iteration");
        iteration = boxed(learnerIteration.isPresent() && !Double.isNaN(learnerIteration.getAsDouble())
                ? learnerIteration : metrics.sum("dxmi_iterations_total"));
        policyVersion = boxed(metrics.first("dxmi_policy_version"));
        ebmVersion = boxed(metrics.first("dxmi_ebm_version"));
        deadLetters = boxed(metrics.sum("dxmi_dead_letters_total"));
        memoryBytes = boxed(metrics.first("process_resident_memory_bytes")); // the whole process (JVM + native)
        processStart = boxed(metrics.first("process_start_time_seconds"));
        evalSw = boxed(metrics.first("dxmi_eval_sw"));
        evalAuc = boxed(metrics.first("dxmi_eval_auc"));
        OptionalDouble count = metrics.sum("dxmi_staleness_versions_count");
        OptionalDouble sum = metrics.sum("dxmi_staleness_versions_sum");
        stalenessMean = count.isPresent() && sum.isPresent() && count.getAsDouble() > 0
                ? sum.getAsDouble() / count.getAsDouble() : null;
        losses.clear();
        for (PrometheusText.Sample s : metrics.all("dxmi_loss")) {
            String kind = s.label("kind");
            if (kind != null) {
                losses.put(kind, s.value());
            }
        }
        sigma.clear();
        for (PrometheusText.Sample s : metrics.all("dxmi_sigma")) {
            try {
                sigma.put(Integer.parseInt(s.label("step")), s.value());
            } catch (NumberFormatException e) {
                // a step label that is not a number: not ours to show
            }
        }
    }

    /** Marks a failed scrape; the last good figures stay, the service shows as down. */
    void failed(String why, long now) {
        up = false;
        error = why;
        lastAttemptMillis = now;
    }

    JsonObject toJson() {
        JsonObject l = new JsonObject();
        losses.forEach((k, v) -> l.put(k, Json.num(v)));
        JsonObject s = new JsonObject();
        sigma.forEach((k, v) -> s.put(Integer.toString(k), Json.num(v)));
        JsonObject e = new JsonObject().put("sw", Json.num(evalSw)).put("auc", Json.num(evalAuc));
        return new JsonObject().put("name", name).put("url", url.toString()).put("up", up)
                .put("lastAttempt", lastAttemptMillis == 0 ? null : lastAttemptMillis)
                .put("lastOk", lastOkMillis == 0 ? null : lastOkMillis).put("error", error)
                .put("iteration", Json.num(iteration)).put("policyVersion", Json.num(policyVersion))
                .put("ebmVersion", Json.num(ebmVersion)).put("stalenessMean", Json.num(stalenessMean))
                .put("deadLetters", Json.num(deadLetters)).put("memoryBytes", Json.num(memoryBytes))
                .put("process", process())
                .put("losses", l).put("sigma", s).put("eval", e);
    }

    /**
     * Which process the service runs in, as far as its metrics tell: its host and its process's start time.
     * Services in one JVM (the embedded run) report the same memory, which is that one process's; the page says
     * so instead of showing the same number as if each service held it. Null before a scrape with the start time.
     */
    String process() {
        return processStart == null ? null : url.getHost() + "@" + processStart;
    }

    private static Double boxed(OptionalDouble d) {
        return d.isPresent() ? d.getAsDouble() : null;
    }
}
