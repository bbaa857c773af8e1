package io.dxmi.anomalyscorer;

import io.dxmi.schemas.ThresholdChange;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threshold over HTTP. {@code GET /threshold}: the model and threshold in force (JSON).
 * {@code POST /threshold} with {@code {"threshold": T, "min": A, "max": B}} (min and max default to
 * those in force): publishes a {@code ThresholdChange} on the control topic, so every scorer of the
 * group takes it from its next batch; answers 202 with its id. Bound to loopback unless
 * configured; with a token, every request needs {@code Authorization: Bearer TOKEN}.
 */
final class ThresholdEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(ThresholdEndpoint.class);

    private final Vertx vertx;
    private final ScorerSettings settings;
    private final ScorerState state;
    private final ThresholdControl control;
    private HttpServer server;

    ThresholdEndpoint(Vertx vertx, ScorerSettings settings, ScorerState state, ThresholdControl control) {
        this.vertx = vertx;
        this.settings = settings;
        this.state = state;
        this.control = control;
    }

    /** Starts listening; completes with the bound port. */
    Future<Integer> start() {
        server = vertx.createHttpServer().requestHandler(this::handle);
        return server.listen(settings.httpPort(), settings.httpHost()).map(HttpServer::actualPort);
    }

    private void handle(HttpServerRequest req) {
        if (!authorised(req)) {
            req.response().setStatusCode(401).end(error("a bearer token is required"));
            return;
        }
        if (!"/threshold".equals(req.path())) {
            req.response().setStatusCode(404).end(error("unknown path " + req.path() + " (try /threshold)"));
            return;
        }
        switch (req.method().name()) {
            case "GET":
                req.response().putHeader("content-type", "application/json").end(current().encode());
                break;
            case "POST":
                req.body().onSuccess(body -> post(req, body.toString(StandardCharsets.UTF_8)))
                        .onFailure(e -> req.response().setStatusCode(400).end(error(e.getMessage())));
                break;
            default:
                req.response().setStatusCode(405).end(error("GET or POST"));
        }
    }

    private void post(HttpServerRequest req, String body) {
        JsonObject in;
        try {
            in = new JsonObject(body);
        } catch (DecodeException e) {
            req.response().setStatusCode(400).end(error("the body is not a JSON object"));
            return;
        }
        Threshold now = state.threshold();
        Double t = number(in, "threshold");
        Double min = in.containsKey("min") ? number(in, "min") : now == null ? t : Double.valueOf(now.min());
        Double max = in.containsKey("max") ? number(in, "max") : now == null ? t : Double.valueOf(now.max());
        if (t == null || min == null || max == null || !Double.isFinite(t) || !Double.isFinite(min)
                || !Double.isFinite(max) || max < min) {
            req.response().setStatusCode(400).end(error("give finite numbers: threshold, and min <= max (the "
                    + "normalisation; default the ones in force)"));
            return;
        }
        ThresholdChange change = ThresholdChange.newBuilder().setScorerGroup(settings.group())
                .setThresholdId("thr-" + UUID.randomUUID().toString().substring(0, 12)).setThreshold(t)
                .setScoreMin(min).setScoreMax(max).setMethod("manual").setIssuedBy("http:" + settings.instanceId())
                .setCreatedAtMillis(System.currentTimeMillis()).build();
        vertx.executeBlocking(() -> control.publish(change).get()).onSuccess(md -> {
            LOG.info("threshold {} = {} published by HTTP to {}", change.getThresholdId(), t, settings.controlTopic());
            req.response().setStatusCode(202).putHeader("content-type", "application/json")
                    .end(new JsonObject().put("threshold_id", change.getThresholdId()).put("threshold", t)
                            .put("min", min).put("max", max).put("applies", "from each scorer's next batch").encode());
        }).onFailure(e -> req.response().setStatusCode(503).end(error("could not publish: " + e.getMessage())));
    }

    private JsonObject current() {
        JsonObject o = new JsonObject();
        ScoringModel m = state.model();
        Threshold t = state.threshold();
        o.put("model_version", m == null ? null : m.version());
        o.put("threshold_id", t == null ? "none" : t.id());
        o.put("threshold", t == null ? null : t.value());
        o.put("min", t == null ? null : t.min());
        o.put("max", t == null ? null : t.max());
        o.put("source", t == null ? null : t.source());
        return o;
    }

    private boolean authorised(HttpServerRequest req) {
        String token = settings.httpToken();
        if (token == null || token.isBlank()) {
            return true;
        }
        String given = req.getHeader("Authorization");
        String expected = "Bearer " + token;
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }

    private static Double number(JsonObject o, String key) {
        Object v = o.getValue(key);
        return v instanceof Number n ? n.doubleValue() : null;
    }

    private static String error(String message) {
        return new JsonObject().put("error", message).encode();
    }

    Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
