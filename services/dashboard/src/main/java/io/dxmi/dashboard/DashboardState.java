package io.dxmi.dashboard;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the page shows, in one place: the plan, the evaluation reports, each service's newest scrape, the curves
 * built from scrapes (losses, σ per step), the run's progress and rate, and the count of skipped records. Its
 * JSON is the page's first event and {@code /api/state}; each update returns the part to broadcast. Confined to
 * the dashboard's context, except {@link #watch} (services may be added from any thread).
 */
final class DashboardState {

    private static final long RATE_WINDOW_MILLIS = 10_000;

    private final String run;
    private final Map<String, ServiceStatus> services = new LinkedHashMap<>();
    private final List<JsonObject> reports = new ArrayList<>();
    private final Map<String, Series> losses = new TreeMap<>();
    private final Map<String, Series> sigma = new TreeMap<>();
    private final ArrayDeque<double[]> progressWindow = new ArrayDeque<>();
    private JsonObject plan;
    private long skipped;
    private double iteration = Double.NaN;
    private double iterationsPerSecond = Double.NaN;

    DashboardState(String run, Map<String, URI> endpoints) {
        this.run = run;
        endpoints.forEach((name, url) -> services.put(name, new ServiceStatus(name, url)));
    }

    /** Adds a service to scrape (safe from any thread). */
    void watch(String name, URI url) {
        synchronized (services) {
            services.putIfAbsent(name, new ServiceStatus(name, url));
        }
    }

    List<ServiceStatus> services() {
        synchronized (services) {
            return List.copyOf(services.values());
        }
    }

    void plan(JsonObject p) {
        plan = p;
    }

    void report(JsonObject r) {
        reports.add(r);
    }

    long skipped() {
        return ++skipped;
    }

    /**
     * Takes a finished scrape round: a point on each curve whose iteration moved, the run's progress. Returns the
     * {@code scrape} event: services, progress and the new points.
     */
    JsonObject afterScrape(long now, long interval) {
        JsonObject lossPoints = new JsonObject();
        JsonObject sigmaPoints = new JsonObject();
        List<ServiceStatus> all = services();
        for (ServiceStatus s : all) {
            if (!s.up || s.lastOkMillis != now && now - s.lastOkMillis > interval) {
                continue;
            }
            s.losses.forEach((kind, v) -> add(losses, kind, now, s.iteration, v, lossPoints));
            s.sigma.forEach((step, v) -> add(sigma, Integer.toString(step), now, s.iteration, v, sigmaPoints));
        }
        updateProgress(all, now);
        return new JsonObject().put("services", servicesJson()).put("progress", progressJson())
                .put("losses", lossPoints).put("sigma", sigmaPoints).put("skipped", skipped).put("serverTime", now);
    }

    private static void add(Map<String, Series> curves, String key, long now, Double iteration, double v,
            JsonObject added) {
        JsonArray p = curves.computeIfAbsent(key, k -> new Series()).add(now, iteration, v);
        if (p != null) {
            added.put(key, p);
        }
    }

    /** The run's iteration: the value-learner's (it makes the policy versions), else the furthest service's. */
    private void updateProgress(List<ServiceStatus> all, long now) {
        Double it = null;
        for (ServiceStatus s : all) {
            if (s.iteration != null && s.name.startsWith("value-learner")) {
                it = it == null ? s.iteration : Math.max(it, s.iteration);
            }
        }
        if (it == null) {
            for (ServiceStatus s : all) {
                if (s.iteration != null && !s.name.startsWith("sampler-actor")) {
                    it = it == null ? s.iteration : Math.max(it, s.iteration);
                }
            }
        }
        if (it == null) {
            return;
        }
        iteration = it;
        progressWindow.addLast(new double[] {now, it});
        while (progressWindow.size() > 2 && now - progressWindow.peekFirst()[0] > RATE_WINDOW_MILLIS) {
            progressWindow.pollFirst();
        }
        double[] first = progressWindow.peekFirst();
        double seconds = (now - first[0]) / 1000.0;
        iterationsPerSecond = seconds > 0 ? (it - first[1]) / seconds : Double.NaN;
    }

    /**
     * The whole state, as the page's first event and {@code /api/state}.
     *
     * @param figures the figure watcher's part
     * @param pretrain pretraining's progress, or null
     * @param hasRunDir whether the dashboard was given a run directory
     */
    JsonObject toJson(JsonObject figures, JsonObject pretrain, boolean hasRunDir) {
        JsonObject l = new JsonObject();
        losses.forEach((k, s) -> l.put(k, s.toJson()));
        JsonObject sg = new JsonObject();
        sigma.forEach((k, s) -> sg.put(k, s.toJson()));
        return new JsonObject().put("run", run).put("plan", plan).put("reports", new JsonArray(reports))
                .put("services", servicesJson()).put("progress", progressJson()).put("losses", l).put("sigma", sg)
                .put("figures", figures).put("pretrain", pretrain).put("skipped", skipped)
                .put("hasRunDir", hasRunDir).put("serverTime", System.currentTimeMillis());
    }

    private JsonArray servicesJson() {
        JsonArray a = new JsonArray();
        services().forEach(s -> a.add(s.toJson()));
        return a;
    }

    private JsonObject progressJson() {
        return new JsonObject().put("iteration", Json.num(iteration))
                .put("total", plan == null ? null : plan.getInteger("iterations"))
                .put("iterationsPerSecond", Json.num(iterationsPerSecond));
    }
}
