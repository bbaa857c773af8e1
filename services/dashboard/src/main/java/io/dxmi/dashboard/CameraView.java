package io.dxmi.dashboard;

import io.dxmi.core.anomaly.BadFrameException;
import io.dxmi.core.anomaly.FrameImages;
import io.dxmi.platform.config.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Optional;

/**
 * The cameras view: its {@link CameraBoard} fed by a {@link CameraFeed}, and its two routes, {@code /api/cameras}
 * (the view as JSON) and {@code /cameras/<camera>/frame[?frame_id=N]} (a camera's frame as an image: the one asked
 * for while it is kept, else the newest score's frame, else the newest frame; its id in {@code X-Frame-Id}; never
 * cached). The JSON is built and frames are encoded on worker threads, never on the event loop.
 */
final class CameraView {

    private final Vertx vertx;
    private final CameraBoard board;
    private final CameraFeed feed;
    private long sentVersion = -1;

    CameraView(Vertx vertx, KafkaSettings kafka, CameraViewSettings settings) {
        this.vertx = vertx;
        this.board = new CameraBoard(settings);
        this.feed = new CameraFeed(vertx, kafka, settings, board);
    }

    void start() {
        feed.start();
    }

    Future<Void> close() {
        return feed.close();
    }

    /** The view now, built on a worker thread. */
    Future<JsonObject> snapshot() {
        return vertx.executeBlocking(() -> board.toJson(System.currentTimeMillis()));
    }

    /**
     * The view to send to the pages on this tick: always while some camera has scores in its window (its rates
     * move with time), else only when something changed. Null when there is nothing new.
     */
    Future<JsonObject> changed() {
        long version = board.version();
        return snapshot().map(json -> {
            boolean moving = json.getJsonArray("cameras").stream().anyMatch(c -> ((JsonObject) c)
                    .getJsonObject("window").getInteger("scores") > 0);
            if (version == sentVersion && !moving) {
                return null;
            }
            sentVersion = version;
            return json;
        });
    }

    void api(RoutingContext ctx) {
        snapshot().onComplete(ar -> {
            if (ar.succeeded()) {
                ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                        .end(ar.result().encode());
            } else {
                ctx.fail(ar.cause());
            }
        });
    }

    void frame(RoutingContext ctx) {
        String camera = ctx.pathParam("camera");
        HttpServerResponse r = ctx.response().putHeader("Cache-Control", "no-store");
        Long frameId;
        try {
            String asked = ctx.request().getParam("frame_id");
            frameId = asked == null ? null : Long.valueOf(asked);
        } catch (NumberFormatException e) {
            text(r, 400, "frame_id must be a whole number\n");
            return;
        }
        Optional<CameraFrame> frame = board.frameOf(camera, frameId);
        if (frame.isEmpty()) {
            text(r, 404, board.knows(camera) ? "no frame of camera " + camera + " yet\n"
                    : "unknown camera " + camera + "\n");
            return;
        }
        CameraFrame f = frame.get();
        vertx.<FrameImages.ViewableImage>executeBlocking(f::viewable).onComplete(ar -> {
            if (ar.succeeded()) {
                r.putHeader("Content-Type", ar.result().mediaType()).putHeader("X-Frame-Id", Long.toString(f.frameId))
                        .end(Buffer.buffer(ar.result().bytes()));
            } else {
                Throwable e = ar.cause();
                text(r, e instanceof BadFrameException ? 422 : 500, "frame " + f.frameId + " of camera " + camera
                        + " cannot be shown: " + e.getMessage() + "\n");
            }
        });
    }

    private static void text(HttpServerResponse r, int status, String body) {
        r.setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(body);
    }
}
