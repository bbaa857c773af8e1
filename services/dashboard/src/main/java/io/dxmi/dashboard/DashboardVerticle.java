package io.dxmi.dashboard;

import io.dxmi.core.model.ModelDirectory;
import io.dxmi.pipeline.RunPlan;
import io.dxmi.pipeline.RunTopics;
import io.dxmi.platform.broker.Topics;
import io.dxmi.platform.messaging.Consumer;
import io.dxmi.schemas.EvaluationReport;
import io.dxmi.schemas.codec.Codecs;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The live dashboard of one run: an HTTP server with one self-contained page, fed by Server-Sent Events.
 *
 * <p>Sources, all read-only: the run plan from the spec topic and every {@link EvaluationReport} from the
 * evaluations topic (both read from offset 0 with the platform {@link Consumer}, kept in memory so that a
 * browser opening late gets the whole history); each service's Prometheus endpoint, scraped every
 * {@link DashboardSettings#scrapeInterval()} (so the page shows exactly what {@code curl} on the endpoint
 * shows); and the evaluator's figure files under {@code <run dir>/figures/}.
 *
 * <p>Routes: {@code /} (the page), {@code /dashboard.js}, {@code /dashboard.css}, {@code /api/state} (the
 * whole state as JSON), {@code /events} (SSE: {@code state} on connect, then {@code plan},
 * {@code evaluation}, {@code scrape} and {@code figures}), {@code /figures/<name>} (only
 * {@link FigureFiles#NAMES}, never cached).
 *
 * <p>A record that cannot be decoded is skipped: logged by the consumer and counted on the page. The dashboard
 * publishes nothing, so it sends no dead letters: an observer needs no write access to the cluster.
 *
 * <p>Threading: all state lives on this verticle's context; file and Kafka admin work runs on worker threads.
 */
public final class DashboardVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardVerticle.class);
    private static final String WEB = "/io/dxmi/dashboard/web/";
    private static final long HEARTBEAT_MILLIS = 15_000;
    private static final long RATE_WINDOW_MILLIS = 10_000;

    private final DashboardSettings settings;
    private final RunTopics topics;
    private final Map<String, byte[]> assets = new HashMap<>();

    // State below is confined to this verticle's context.
    private final Map<String, ServiceStatus> services = new LinkedHashMap<>();
    private final List<JsonObject> reports = new ArrayList<>();
    private final Map<String, Series> losses = new TreeMap<>();
    private final Map<String, Series> sigma = new TreeMap<>();
    private final Map<String, Long> figureTimes = new LinkedHashMap<>();
    private final ArrayDeque<double[]> progressWindow = new ArrayDeque<>();
    private final Set<HttpServerResponse> clients = new LinkedHashSet<>();
    private JsonObject plan;
    private long skippedRecords;
    private long figuresVersion;
    private double progressIteration = Double.NaN;
    private double iterationsPerSecond = Double.NaN;
    private boolean checkingFigures;

    private HttpServer server;
    private HttpClientAgent http;
    private Consumer consumer;
    private volatile boolean stopped;
    private long scrapeTimer = -1;
    private long heartbeatTimer = -1;
    private volatile int port = -1;

    public DashboardVerticle(DashboardSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.topics = new RunTopics(settings.run());
        settings.endpoints().forEach((name, url) -> services.put(name, new ServiceStatus(name, url)));
        for (String asset : List.of("index.html", "dashboard.js", "dashboard.css")) {
            assets.put(asset, resource(asset));
        }
        FigureFiles.NAMES.forEach(n -> figureTimes.put(n, null));
    }

    /** The bound HTTP port (after deployment). */
    public int port() {
        return port;
    }

    /** The page's address on this machine (after deployment). */
    public String url() {
        return "http://localhost:" + port + "/";
    }

    /** Starts watching one more service's Prometheus endpoint (safe from any thread, before or after start). */
    public void watch(String service, URI url) {
        String name = DashboardSettings.checkName(service);
        URI checked = DashboardSettings.checkUrl(url);
        if (context == null) {
            synchronized (services) {
                services.putIfAbsent(name, new ServiceStatus(name, checked));
            }
        } else {
            context.runOnContext(v -> services.putIfAbsent(name, new ServiceStatus(name, checked)));
        }
    }

    @Override
    public Future<?> start() {
        http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
        Router router = Router.router(vertx);
        router.get("/").handler(ctx -> asset(ctx, "index.html", "text/html; charset=utf-8"));
        router.get("/dashboard.js").handler(ctx -> asset(ctx, "dashboard.js", "text/javascript; charset=utf-8"));
        router.get("/dashboard.css").handler(ctx -> asset(ctx, "dashboard.css", "text/css; charset=utf-8"));
        router.get("/api/state").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store").end(state().encode()));
        router.get("/events").handler(this::events);
        router.get("/figures/:name").handler(this::figure);
        return vertx.createHttpServer().requestHandler(router).listen(settings.port(), settings.host())
                .onSuccess(s -> {
                    server = s;
                    port = s.actualPort();
                    // The run's topics may not exist yet (the dashboard starts before the run is submitted).
                    startConsumerOnceSubmitted();
                })
                .onSuccess(v -> {
                    scrapeTimer = vertx.setPeriodic(0, settings.scrapeInterval().toMillis(), id -> tick());
                    heartbeatTimer = vertx.setPeriodic(HEARTBEAT_MILLIS, id -> broadcastComment());
                });
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(scrapeTimer);
        vertx.cancelTimer(heartbeatTimer);
        stopped = true;
        for (HttpServerResponse r : List.copyOf(clients)) {
            r.end();
        }
        clients.clear();
        List<Future<?>> closing = new ArrayList<>();
        if (consumer != null) {
            closing.add(consumer.closeAsync());
        }
        if (server != null) {
            closing.add(server.close());
        }
        if (http != null) {
            closing.add(http.close());
        }
        return Future.join(closing);
    }

    /** Starts reading the spec and evaluations from offset 0 once the run's topics exist (checked every second). */
    private void startConsumerOnceSubmitted() {
        vertx.executeBlocking(() -> {
            try (Admin admin = Admin.create(new HashMap<>(settings.kafka().adminProperties()))) {
                return Topics.exists(admin, topics.spec()) && Topics.exists(admin, topics.evaluations());
            }
        }).onComplete(ar -> {
            if (stopped) {
                return;
            }
            if (ar.failed() || !ar.result()) {
                vertx.setTimer(1000, id -> startConsumerOnceSubmitted());
                return;
            }
            Map<TopicPartition, Long> fromStart = Map.of(new TopicPartition(topics.spec(), 0), 0L,
                    new TopicPartition(topics.evaluations(), 0), 0L);
            consumer = Consumer.builder().setVertx(vertx).setSettings(settings.kafka()).setStartOffsets(fromStart)
                    .setHandler(this::onRecord).build();
            consumer.start().onFailure(e -> LOG.warn("dashboard: cannot read the run's topics: {}", e.toString()));
        });
    }

    private Future<Void> onRecord(ConsumerRecord<String, byte[]> record) {
        try {
            if (record.topic().equals(topics.spec())) {
                if (RunPlan.KEY.equals(record.key())) {
                    JsonObject p = planJson(RunPlan.decode(record.value()), record.timestamp());
                    onContext(() -> {
                        plan = p;
                        broadcast("plan", p);
                    });
                }
            } else {
                EvaluationReport report = Codecs.decode(EvaluationReport.class, record.value());
                if (!settings.run().contentEquals(report.getRunId())) {
                    throw new IllegalArgumentException("evaluation report of run '" + report.getRunId()
                            + "' on run '" + settings.run() + "''s topic");
                }
                JsonObject r = reportJson(report, record.offset());
                onContext(() -> {
                    reports.add(r);
                    broadcast("evaluation", r);
                    // The evaluator writes its figures with each report: reload them on the page now.
                    figuresVersion++;
                    broadcast("figures", figuresJson());
                });
            }
            return Future.succeededFuture();
        } catch (RuntimeException e) {
            // The consumer logs the failure and goes on; the page shows how many were skipped.
            onContext(() -> skippedRecords++);
            return Future.failedFuture(e);
        }
    }

    // ---- scraping and figures ---------------------------------------------------------------------------

    private void tick() {
        List<Future<Void>> round = new ArrayList<>();
        List<ServiceStatus> all;
        synchronized (services) {
            all = List.copyOf(services.values());
        }
        for (ServiceStatus s : all) {
            if (!s.scraping) {
                round.add(scrape(s));
            }
        }
        Future.join(round).onComplete(ar -> afterScrape());
        checkFigures();
    }

    private Future<Void> scrape(ServiceStatus s) {
        s.scraping = true;
        long timeout = Math.max(500, settings.scrapeInterval().toMillis());
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(s.url.toString())
                .setConnectTimeout(timeout).setIdleTimeout(timeout);
        return http.request(options)
                .compose(req -> req.send())
                .compose(resp -> resp.statusCode() == 200 ? resp.body()
                        : Future.failedFuture("HTTP " + resp.statusCode()))
                .andThen(ar -> {
                    s.scraping = false;
                    long now = System.currentTimeMillis();
                    if (ar.succeeded()) {
                        s.update(PrometheusText.parse(ar.result().toString()), now);
                    } else {
                        String why = ar.cause().getMessage();
                        s.failed(why == null ? ar.cause().getClass().getSimpleName() : why, now);
                    }
                })
                .<Void>mapEmpty().recover(e -> Future.succeededFuture());
    }

    private void afterScrape() {
        long now = System.currentTimeMillis();
        JsonObject lossPoints = new JsonObject();
        JsonObject sigmaPoints = new JsonObject();
        List<ServiceStatus> all;
        synchronized (services) {
            all = List.copyOf(services.values());
        }
        for (ServiceStatus s : all) {
            if (!s.up || s.lastOkMillis != now && now - s.lastOkMillis > settings.scrapeInterval().toMillis()) {
                continue;
            }
            s.losses.forEach((kind, v) -> {
                JsonArray p = losses.computeIfAbsent(kind, k -> new Series()).add(now, s.iteration, v);
                if (p != null) {
                    lossPoints.put(kind, p);
                }
            });
            s.sigma.forEach((step, v) -> {
                String key = Integer.toString(step);
                JsonArray p = sigma.computeIfAbsent(key, k -> new Series()).add(now, s.iteration, v);
                if (p != null) {
                    sigmaPoints.put(key, p);
                }
            });
        }
        updateProgress(all, now);
        broadcast("scrape", new JsonObject().put("services", servicesJson()).put("progress", progressJson())
                .put("losses", lossPoints).put("sigma", sigmaPoints).put("skipped", skippedRecords)
                .put("serverTime", now));
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
        progressIteration = it;
        progressWindow.addLast(new double[] {now, it});
        while (progressWindow.size() > 2 && now - progressWindow.peekFirst()[0] > RATE_WINDOW_MILLIS) {
            progressWindow.pollFirst();
        }
        double[] first = progressWindow.peekFirst();
        double seconds = (now - first[0]) / 1000.0;
        iterationsPerSecond = seconds > 0 ? (it - first[1]) / seconds : Double.NaN;
    }

    private void checkFigures() {
        Path runDir = settings.runDir();
        if (runDir == null || checkingFigures) {
            return;
        }
        checkingFigures = true;
        vertx.executeBlocking(() -> {
            Map<String, Long> times = new LinkedHashMap<>();
            for (String name : FigureFiles.NAMES) {
                Path p = FigureFiles.resolve(runDir, name).orElseThrow();
                try {
                    FileTime t = Files.getLastModifiedTime(p);
                    times.put(name, t.toMillis());
                } catch (IOException e) {
                    times.put(name, null); // not written yet
                }
            }
            return times;
        }).onComplete(ar -> {
            checkingFigures = false;
            if (ar.succeeded() && !ar.result().equals(figureTimes)) {
                figureTimes.putAll(ar.result());
                figuresVersion++;
                broadcast("figures", figuresJson());
            }
        });
    }

    // ---- HTTP -------------------------------------------------------------------------------------------

    private void asset(RoutingContext ctx, String name, String type) {
        ctx.response().putHeader("Content-Type", type).putHeader("Cache-Control", "no-cache")
                .end(io.vertx.core.buffer.Buffer.buffer(assets.get(name)));
    }

    private void events(RoutingContext ctx) {
        HttpServerResponse r = ctx.response();
        r.setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-store").putHeader("X-Accel-Buffering", "no");
        clients.add(r);
        r.closeHandler(v -> clients.remove(r));
        r.exceptionHandler(e -> clients.remove(r));
        r.write("retry: 2000\n\n");
        send(r, "state", state());
    }

    private void figure(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        HttpServerResponse r = ctx.response().putHeader("Cache-Control", "no-store");
        var path = FigureFiles.resolve(settings.runDir(), name);
        if (path.isEmpty()) {
            r.setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end(FigureFiles.allowed(name) ? "no run directory\n" : "unknown figure\n");
            return;
        }
        String file = path.get().toString();
        vertx.fileSystem().exists(file).onComplete(ar -> {
            if (ar.succeeded() && ar.result()) {
                r.putHeader("Content-Type", "image/png").sendFile(file).onFailure(e -> {
                    if (!r.ended()) {
                        r.setStatusCode(404).end();
                    }
                });
            } else {
                r.setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8").end("not written yet\n");
            }
        });
    }

    private void broadcast(String event, JsonObject data) {
        if (clients.isEmpty()) {
            return;
        }
        String frame = frame(event, data);
        for (HttpServerResponse r : List.copyOf(clients)) {
            if (r.writeQueueFull()) {
                // A browser that does not keep up is dropped; EventSource reconnects and gets the whole state.
                clients.remove(r);
                r.reset();
                continue;
            }
            r.write(frame);
        }
    }

    private void broadcastComment() {
        for (HttpServerResponse r : List.copyOf(clients)) {
            r.write(": keep-alive\n\n");
        }
    }

    private static void send(HttpServerResponse r, String event, JsonObject data) {
        r.write(frame(event, data));
    }

    private static String frame(String event, JsonObject data) {
        return "event: " + event + "\ndata: " + data.encode() + "\n\n";
    }

    private void onContext(Runnable r) {
        if (Vertx.currentContext() == context) {
            r.run();
        } else {
            context.runOnContext(v -> r.run());
        }
    }

    // ---- JSON -------------------------------------------------------------------------------------------

    /** The whole state, as the page's first event and {@code /api/state}. */
    JsonObject state() {
        JsonObject l = new JsonObject();
        losses.forEach((k, s) -> l.put(k, s.toJson()));
        JsonObject sg = new JsonObject();
        sigma.forEach((k, s) -> sg.put(k, s.toJson()));
        return new JsonObject().put("run", settings.run()).put("plan", plan).put("reports", new JsonArray(reports))
                .put("services", servicesJson()).put("progress", progressJson()).put("losses", l).put("sigma", sg)
                .put("figures", figuresJson()).put("skipped", skippedRecords)
                .put("hasRunDir", settings.runDir() != null).put("serverTime", System.currentTimeMillis());
    }

    private JsonArray servicesJson() {
        JsonArray a = new JsonArray();
        synchronized (services) {
            services.values().forEach(s -> a.add(s.toJson()));
        }
        return a;
    }

    private JsonObject progressJson() {
        return new JsonObject().put("iteration", Json.num(progressIteration))
                .put("total", plan == null ? null : plan.getInteger("iterations"))
                .put("iterationsPerSecond", Json.num(iterationsPerSecond));
    }

    private JsonObject figuresJson() {
        JsonObject files = new JsonObject();
        figureTimes.forEach(files::put);
        return new JsonObject().put("version", figuresVersion).put("files", files);
    }

    static JsonObject planJson(RunPlan plan, long publishedAt) {
        var spec = plan.spec();
        var c = spec.config();
        JsonObject full;
        try {
            full = new JsonObject(ModelDirectory.json().writeValueAsString(plan));
        } catch (IOException | RuntimeException e) {
            full = new JsonObject().put("error", "the plan could not be shown: " + e.getMessage());
        }
        return new JsonObject().put("run", spec.runId()).put("mode", plan.mode()).put("data", spec.dataSource())
                .put("dataName", spec.data().name()).put("dimension", spec.data().dimension())
                .put("steps", c.samplerSteps()).put("tauEntropy", exact(c.tauEntropy()))
                .put("tauVelocity", exact(c.tauVelocity())).put("iterations", plan.iterations())
                .put("batch", c.batchSize()).put("evalEvery", plan.evalEvery())
                .put("checkpointEvery", plan.checkpointEvery()).put("maxStaleness", plan.maxStaleness())
                .put("seed", c.seed()).put("publishedAt", publishedAt).put("config", full);
    }

    static JsonObject reportJson(EvaluationReport report, long offset) {
        JsonObject metrics = new JsonObject();
        new TreeMap<>(stringKeys(report.getMetrics())).forEach((k, v) -> metrics.put(k, Json.num(v)));
        JsonArray figures = new JsonArray();
        report.getFigures().forEach(f -> figures.add(f.toString()));
        return new JsonObject().put("offset", offset).put("iteration", report.getIteration())
                .put("policyVersion", report.getPolicyVersion()).put("ebmVersion", report.getEbmVersion())
                .put("createdAt", report.getCreatedAtMillis()).put("evaluator", report.getEvaluator().toString())
                .put("metrics", metrics).put("figures", figures);
    }

    private static Map<String, Double> stringKeys(Map<? extends CharSequence, Double> m) {
        Map<String, Double> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k.toString(), v));
        return out;
    }

    /** The float as the user typed it (0.1, not 0.10000000149). */
    private static double exact(float f) {
        return Double.parseDouble(Float.toString(f));
    }

    private static byte[] resource(String name) {
        try (InputStream in = DashboardVerticle.class.getResourceAsStream(WEB + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard resource " + WEB + name + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Completes when the verticle is deployed; for callers that deploy and wait. */
    public static Future<DashboardVerticle> deploy(Vertx vertx, DashboardSettings settings) {
        DashboardVerticle d = new DashboardVerticle(settings);
        Promise<DashboardVerticle> p = Promise.promise();
        vertx.deployVerticle(d).onSuccess(id -> p.complete(d)).onFailure(p::fail);
        return p.future();
    }
}
