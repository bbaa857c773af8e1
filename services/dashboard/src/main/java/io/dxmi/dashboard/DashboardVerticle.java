package io.dxmi.dashboard;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The live dashboard of one run, of the anomaly scorer's cameras, or of both: an HTTP server with one page, fed by
 * Server-Sent Events. This verticle wires the parts, each with one job: {@link RunFeed} (plan and reports from
 * Kafka, when there is a run), {@link CameraView} (scores and frames from Kafka, when asked), {@link MetricsScraper} (each
 * service's Prometheus endpoint every {@link DashboardSettings#scrapeInterval()}, so the page shows exactly what
 * {@code curl} on the endpoint shows), {@link FigureWatcher} and {@link PretrainWatcher} (files in the run
 * directory), {@link DashboardState} (what the page shows, as JSON) and {@link EventHub} (the pages' streams).
 *
 * <p>Routes: {@code /} and the page's files (vert.x-web's {@link StaticHandler} over
 * {@code io/dxmi/dashboard/web} in the jar), {@code /webjars/*} (uPlot, the charting library, from its WebJar),
 * {@code /api/state} (the whole state as JSON), {@code /events} (SSE: {@code state} on connect, then
 * {@code plan}, {@code evaluation}, {@code scrape}, {@code figures}, {@code pretrain} and, at most once per scrape
 * interval, {@code cameras}), {@code /figures/<name>} (only {@link FigureFiles#NAMES}, never cached), and with
 * cameras {@code /api/cameras} and {@code /cameras/<camera>/frame}.
 *
 * <p>Threading: all state lives on this verticle's context; file and Kafka admin work runs on worker threads.
 */
public final class DashboardVerticle extends VerticleBase {

    private static final String WEB_ROOT = "io/dxmi/dashboard/web";
    private static final String WEBJARS = "META-INF/resources/webjars";

    private final DashboardSettings settings;
    private final DashboardState state;
    private RunFeed feed;
    private CameraView cameras;
    private JsonObject camerasJson;
    private MetricsScraper scraper;
    private FigureWatcher figures;
    private PretrainWatcher pretrain;
    private EventHub hub;
    private HttpServer server;
    private long scrapeTimer = -1;
    private volatile int port = -1;

    public DashboardVerticle(DashboardSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.state = new DashboardState(settings.run(), settings.endpoints());
    }

    /** The bound HTTP port (after deployment). */
    public int port() {
        return port;
    }

    /** The page's address as bound (after deployment): its interface and port; 0.0.0.0 means every interface. */
    public String url() {
        String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
        return "http://" + host + ":" + port + "/";
    }

    /** Starts watching one more service's Prometheus endpoint (safe from any thread, before or after start). */
    public void watch(String service, URI url) {
        state.watch(DashboardSettings.checkName(service), DashboardSettings.checkUrl(url));
    }

    @Override
    public Future<?> start() {
        figures = new FigureWatcher(vertx, settings.runDir());
        pretrain = new PretrainWatcher(vertx, settings.runDir());
        scraper = new MetricsScraper(vertx, settings.scrapeInterval());
        hub = new EventHub(vertx, this::stateJson);
        if (settings.cameras() != null) {
            cameras = new CameraView(vertx, settings.kafka(), settings.cameras());
            camerasJson = new JsonObject().put("status", FeedStatus.starting().toJson()).put("cameras",
                    new JsonArray());
        }
        feed = settings.run() == null ? null : new RunFeed(vertx, settings, new RunFeed.Listener() {
            @Override
            public void plan(JsonObject plan) {
                onContext(() -> {
                    state.plan(plan);
                    hub.broadcast("plan", plan);
                });
            }

            @Override
            public void report(JsonObject report) {
                onContext(() -> {
                    state.report(report);
                    hub.broadcast("evaluation", report);
                    // The evaluator writes its figures with each report: reload them on the page now.
                    figures.redrawn();
                    hub.broadcast("figures", figures.toJson());
                });
            }

            @Override
            public void skipped() {
                onContext(state::skipped);
            }
        });
        return vertx.createHttpServer().requestHandler(router()).listen(settings.port(), settings.host())
                .compose(s -> {
                    server = s;
                    port = s.actualPort();
                    // Scrapes and files do not wait for Kafka: pretraining shows even while the broker is slow.
                    hub.start();
                    scrapeTimer = vertx.setPeriodic(0, settings.scrapeInterval().toMillis(), id -> tick());
                    if (cameras != null) {
                        cameras.start();
                    }
                    return feed == null ? Future.succeededFuture() : feed.start();
                });
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(scrapeTimer);
        if (hub != null) {
            hub.close();
        }
        List<Future<?>> closing = new ArrayList<>();
        if (feed != null) {
            closing.add(feed.close());
        }
        if (cameras != null) {
            closing.add(cameras.close());
        }
        if (server != null) {
            closing.add(server.close());
        }
        if (scraper != null) {
            closing.add(scraper.close());
        }
        return Future.join(closing);
    }

    private Router router() {
        Router router = Router.router(vertx);
        router.get("/api/state").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store").end(stateJson().encode()));
        router.get("/events").handler(hub::connect);
        router.get("/figures/:name").handler(this::figure);
        if (cameras != null) {
            router.get("/api/cameras").handler(cameras::api);
            router.get("/cameras/:camera/frame").handler(cameras::frame);
        }
        // Versioned paths: a browser may keep them for a day.
        router.get("/webjars/*").handler(StaticHandler.create(WEBJARS).setMaxAgeSeconds(86_400));
        router.get("/*").handler(StaticHandler.create(WEB_ROOT).setCachingEnabled(false).setDefaultContentEncoding(
                "UTF-8"));
        return router;
    }

    private void tick() {
        scraper.round(state.services()).onComplete(ar -> hub.broadcast("scrape",
                state.afterScrape(System.currentTimeMillis(), settings.scrapeInterval().toMillis())));
        figures.check(() -> hub.broadcast("figures", figures.toJson()));
        pretrain.check(() -> hub.broadcast("pretrain", pretrain.toJson()));
        if (cameras != null) {
            cameras.changed().onSuccess(json -> {
                if (json != null) {
                    camerasJson = json;
                    hub.broadcast("cameras", json);
                }
            });
        }
    }

    /** The whole state: the run's part, and the cameras view as last sent (null without one). */
    private JsonObject stateJson() {
        return state.toJson(figures.toJson(), pretrain.toJson(), settings.runDir() != null).put("cameras",
                camerasJson);
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

    private void onContext(Runnable r) {
        if (Vertx.currentContext() == context) {
            r.run();
        } else {
            context.runOnContext(v -> r.run());
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
