package io.dxmi.dashboard;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The Server-Sent Events hub: every open page's response stream. A page that connects gets the whole state
 * as its first event; then every change is broadcast as a named event. A page that does not keep up is dropped
 * (its EventSource reconnects and gets the whole state again). Confined to the dashboard's context.
 */
final class EventHub {

    private static final long HEARTBEAT_MILLIS = 15_000;

    private final Vertx vertx;
    private final Supplier<JsonObject> state;
    private final Set<HttpServerResponse> clients = new LinkedHashSet<>();
    private long heartbeat = -1;

    /** @param state the whole state, sent as {@code state} to each page that connects */
    EventHub(Vertx vertx, Supplier<JsonObject> state) {
        this.vertx = vertx;
        this.state = state;
    }

    /** Sends a comment every 15 s so that proxies keep idle streams open. */
    void start() {
        heartbeat = vertx.setPeriodic(HEARTBEAT_MILLIS, id -> writeAll(": keep-alive\n\n"));
    }

    /** The {@code /events} route. */
    void connect(RoutingContext ctx) {
        HttpServerResponse r = ctx.response();
        r.setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-store").putHeader("X-Accel-Buffering", "no");
        clients.add(r);
        r.closeHandler(v -> clients.remove(r));
        r.exceptionHandler(e -> clients.remove(r));
        r.write("retry: 2000\n\n");
        r.write(frame("state", state.get()));
    }

    /** Sends one event to every page. */
    void broadcast(String event, JsonObject data) {
        if (!clients.isEmpty()) {
            writeAll(frame(event, data));
        }
    }

    /** Ends every stream and stops the heartbeat. */
    void close() {
        vertx.cancelTimer(heartbeat);
        for (HttpServerResponse r : List.copyOf(clients)) {
            r.end();
        }
        clients.clear();
    }

    private void writeAll(String text) {
        for (HttpServerResponse r : List.copyOf(clients)) {
            if (r.writeQueueFull()) {
                clients.remove(r);
                r.reset();
                continue;
            }
            r.write(text);
        }
    }

    private static String frame(String event, JsonObject data) {
        return "event: " + event + "\ndata: " + data.encode() + "\n\n";
    }
}
