package io.dxmi.dashboard;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Debian's chromium, headless, driven over the Chrome DevTools Protocol with the Vert.x WebSocket client (no
 * Selenium): one page target in a flattened session. Started and killed by the test that owns it; its profile
 * lives in a temporary directory deleted on close.
 */
final class HeadlessChromium implements AutoCloseable {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final Path profile;
    private final WebSocketClient client;
    private final WebSocket socket;
    private final Map<Integer, Promise<JsonObject>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final StringBuilder stderr = new StringBuilder();
    private String session;

    private HeadlessChromium(Vertx vertx, String binary, int width, int height) throws Exception {
        profile = Files.createTempDirectory("dxmi-chromium-");
        process = new ProcessBuilder(binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", "--mute-audio",
                "--hide-scrollbars", "--remote-allow-origins=*", "--window-size=" + width + "," + height,
                "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        CompletableFuture<String> devtools = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    synchronized (stderr) {
                        stderr.append(line).append('\n');
                    }
                    int at = line.indexOf("DevTools listening on ");
                    if (at >= 0) {
                        devtools.complete(line.substring(at + "DevTools listening on ".length()).trim());
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            devtools.completeExceptionally(new IllegalStateException("chromium exited without a DevTools address"));
        }, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        String url;
        try {
            url = devtools.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw new IllegalStateException("chromium did not start: " + e.getMessage() + "\n" + stderr(), e);
        }
        client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(64 << 20)
                .setMaxMessageSize(64 << 20));
        socket = client.connect(new WebSocketConnectOptions().setAbsoluteURI(url).setAllowOriginHeader(false))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS); // busy machines are slow
        socket.textMessageHandler(this::onMessage);
    }

    /** Starts chromium with a window of the given size, opens a blank page and attaches to it. */
    static HeadlessChromium start(Vertx vertx, String binary, int width, int height) throws Exception {
        HeadlessChromium c = new HeadlessChromium(vertx, binary, width, height);
        try {
            String target = c.call("Target.createTarget", new JsonObject().put("url", "about:blank"))
                    .getString("targetId");
            c.session = c.call("Target.attachToTarget", new JsonObject().put("targetId", target).put("flatten", true))
                    .getString("sessionId");
            c.call("Page.enable", new JsonObject());
            c.call("Emulation.setDeviceMetricsOverride", new JsonObject().put("width", width).put("height", height)
                    .put("deviceScaleFactor", 1).put("mobile", false));
            return c;
        } catch (Exception e) {
            c.close();
            throw e;
        }
    }

    /** Finds the chromium binary: $CHROMIUM, else chromium or chromium-browser on the PATH; null if none. */
    static String find() {
        String env = System.getenv("CHROMIUM");
        if (env != null && Files.isExecutable(Path.of(env))) {
            return env;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        return null;
    }

    /** Sends a command to the page's session (or the browser before attaching) and waits for its result. */
    JsonObject call(String method, JsonObject params) throws Exception {
        int id = ids.incrementAndGet();
        Promise<JsonObject> p = Promise.promise();
        pending.put(id, p);
        JsonObject msg = new JsonObject().put("id", id).put("method", method).put("params", params);
        if (session != null) {
            msg.put("sessionId", session);
        }
        socket.writeTextMessage(msg.encode());
        return p.future().toCompletionStage().toCompletableFuture().get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    void navigate(String url) throws Exception {
        call("Page.navigate", new JsonObject().put("url", url));
    }

    /** Evaluates a JavaScript expression in the page and returns its value (JSON-converted by chromium). */
    Object eval(String expression) throws Exception {
        JsonObject r = call("Runtime.evaluate", new JsonObject().put("expression", expression)
                .put("returnByValue", true).put("awaitPromise", true));
        if (r.containsKey("exceptionDetails")) {
            throw new IllegalStateException("page threw on '" + expression + "': " + r.getJsonObject("exceptionDetails"));
        }
        return r.getJsonObject("result").getValue("value");
    }

    /** Evaluates {@code expression} until {@code ok} accepts its value; fails naming the last value seen. */
    Object await(String expression, Predicate<Object> ok, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Object last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = eval(expression);
            } catch (IllegalStateException e) {
                last = e.getMessage(); // the page is still loading: its elements are not there yet
                Thread.sleep(200);
                continue;
            }
            if (ok.test(last)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the page did not show " + what + " within " + timeout.toSeconds() + " s: "
                + expression + " = " + last);
    }

    /** A PNG of the whole page. */
    byte[] screenshot() throws Exception {
        JsonObject r = call("Page.captureScreenshot", new JsonObject().put("format", "png")
                .put("captureBeyondViewport", true));
        return Base64.getDecoder().decode(r.getString("data"));
    }

    String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    private void onMessage(String text) {
        JsonObject m = new JsonObject(text);
        Integer id = m.getInteger("id");
        if (id == null) {
            return; // an event
        }
        Promise<JsonObject> p = pending.remove(id);
        if (p == null) {
            return;
        }
        if (m.containsKey("error")) {
            p.fail(new IllegalStateException("DevTools error: " + m.getJsonObject("error")));
        } else {
            p.complete(m.getJsonObject("result", new JsonObject()));
        }
    }

    /** Kills chromium (and the processes it started) and deletes its profile. */
    @Override
    public void close() {
        if (socket != null) {
            socket.close();
        }
        if (client != null) {
            client.close();
        }
        // Children first: the renderer and GPU processes belong to this browser only.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> walk = Files.walk(profile)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp directory
        }
    }
}
