package io.dxmi.dashboard;

import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.ToyDatasets;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.dxmi.DxmiConfig;
import io.dxmi.core.dxmi.RunSpec;
import io.dxmi.core.dxmi.ValueSharing;
import io.dxmi.core.job.TrainJob;
import io.dxmi.figures.RunFigures;
import io.dxmi.core.model.DataInfo;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.nn.NetworkConfig;
import io.dxmi.pipeline.PipelineContext;
import io.dxmi.pipeline.RunPlan;
import io.dxmi.pipeline.RunTopics;
import io.dxmi.platform.broker.EmbeddedKafkaBroker;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.platform.metrics.Metrics;
import io.dxmi.schemas.EvaluationReport;
import io.dxmi.schemas.codec.Codecs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The dashboard in a real browser: Debian's chromium, headless, driven over the DevTools protocol. A real Kafka
 * broker holds the run's plan and evaluation reports (and one malformed record), a fake service serves
 * Prometheus text; the page must load, draw the SW curve with uPlot, show the services (two sharing one process),
 * take new evaluations and figures without a reload, chart a plug-in's shares apart from its count, and show a
 * second run's pretraining before its plan exists. Leaves a screenshot in {@code target/dashboard-screenshot.png}.
 */
@Tag("integration")
class DashboardBrowserTest {

    private static final String RUN = "dash-test";
    // Generous: on a busy 2-core machine the browser alone can take many seconds to lay a page out.
    private static final Duration WAIT = Duration.ofSeconds(40);

    private static Path dir;
    private static EmbeddedKafkaBroker broker;
    private static Vertx vertx;
    private static PipelineContext kafka;
    private static HttpServer fakeService;
    private static DashboardVerticle dashboard;
    private static DashboardVerticle pretraining;
    private static HeadlessChromium chromium;
    private static final AtomicLong fakeIteration = new AtomicLong(42);

    @BeforeAll
    static void start() throws Exception {
        String binary = HeadlessChromium.find();
        if (binary == null) {
            fail("chromium is not installed: this test drives a real headless browser. Install Debian's 'chromium' "
                    + "package (scripts/test does so with apt-get) or set CHROMIUM=/path/to/chromium");
        }
        dir = Files.createTempDirectory("dxmi-dashboard-test-");
        broker = EmbeddedKafkaBroker.builder().setDataDir(dir.resolve("kafka")).build().start();
        vertx = Vertx.vertx();
        KafkaSettings settings = KafkaSettings.builder().setBootstrapServers(broker.bootstrapServers()).build();
        kafka = PipelineContext.open(vertx, settings, RUN, "test", Metrics.create("test"));
        RunPlan plan = plan();
        // The run's topics, as `submit` creates them (the dashboard only reads them, once they exist).
        kafka.createTopics(plan, 4096, Map.of(RunTopics.POLICY, 1L << 20, RunTopics.EBM, 1L << 20, RunTopics.VALUE,
                1L << 20));
        await(kafka.publishPlan(plan));
        await(kafka.producer().send(kafka.topics().evaluations(), "bad", "not an Avro record".getBytes()));
        publishReport(100, 0.4321, 0.71);

        fakeService = await(vertx.createHttpServer().requestHandler(req -> req.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(exposition(fakeIteration.get()))).listen(0, "127.0.0.1"));

        Path runDir = dir.resolve("run");
        Files.createDirectories(runDir.resolve("figures"));
        writePng(runDir.resolve("figures").resolve("samples-energy.png"), new Color(47, 111, 223));

        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // nothing listens there once closed: a service that is down
        }
        dashboard = await(DashboardVerticle.deploy(vertx, DashboardSettings.builder().setRun(RUN).setKafka(settings)
                .optHost("127.0.0.1").optRunDir(runDir).optScrapeInterval(Duration.ofMillis(300))
                .optEndpoint("value-learner", URI.create("http://127.0.0.1:" + fakeService.actualPort() + "/metrics"))
                .build()));
        dashboard.watch("ebm-learner", URI.create("http://127.0.0.1:" + closedPort + "/metrics"));
        // A second service in the fake service's process: the page must say the memory is one process's.
        dashboard.watch("evaluator", URI.create("http://127.0.0.1:" + fakeService.actualPort() + "/metrics"));

        // A run still pretraining: no plan on its topics yet, pretraining's records in its run directory.
        Path pretrainRun = dir.resolve("pretraining-run");
        Files.createDirectories(pretrainRun.resolve(TrainJob.PRETRAINED));
        appendPretrainRecord(pretrainRun, 100, 0.9);
        appendPretrainRecord(pretrainRun, 200, 0.6);
        pretraining = await(DashboardVerticle.deploy(vertx, DashboardSettings.builder().setRun(RUN + "-pre")
                .setKafka(settings).optHost("127.0.0.1").optRunDir(pretrainRun)
                .optScrapeInterval(Duration.ofMillis(300)).build()));
        chromium = HeadlessChromium.start(vertx, binary, 1280, 2200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        if (broker != null) {
            broker.close();
        }
        if (dir != null) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void showsTheRunAndUpdatesLiveWhenAnEvaluationArrives() throws Exception {
        chromium.navigate(dashboard.url());
        chromium.await("document.getElementById('run-id').textContent", RUN::equals, WAIT, "the run id");
        assertEquals("DxMI · " + RUN, chromium.eval("document.title"));
        chromium.await("document.getElementById('plan-line').textContent",
                v -> String.valueOf(v).contains("T = 5") && String.valueOf(v).contains("τ = 0.1")
                        && String.valueOf(v).contains("8gaussians"), WAIT, "the plan's T, τ and data");
        chromium.await("document.getElementById('chart-sw').dataset.points", "1"::equals, WAIT,
                "one point on the SW curve");
        assertEquals("0.4321", chromium.eval("document.getElementById('kpi-sw').textContent"));
        chromium.await("window.dashboardState.skipped", v -> ((Number) v).intValue() == 1, WAIT,
                "the malformed record counted as skipped");

        // The fake service is up with its scraped iteration; the one on a closed port is down.
        chromium.await("(function(){var r=document.querySelector('tr[data-service=\"value-learner\"]');"
                + "return r ? r.dataset.up + '/' + r.dataset.iteration : null;})()", "true/42"::equals, WAIT,
                "value-learner up at iteration 42");
        chromium.await("(function(){var r=document.querySelector('tr[data-service=\"value-learner\"]');"
                + "return r ? r.querySelector('.memory').textContent : '';})()", v -> ((String) v).startsWith("715 MiB"), WAIT,
                "value-learner's resident memory from process_resident_memory_bytes");
        chromium.await("(function(){var r=document.querySelector('tr[data-service=\"ebm-learner\"]');"
                + "return r ? r.dataset.up : null;})()", "false"::equals, WAIT, "ebm-learner down");
        fakeIteration.set(50);
        chromium.await("document.getElementById('chart-loss').dataset.points", v -> Integer.parseInt((String) v) >= 4,
                WAIT, "two points on each of the two loss curves");
        chromium.await("document.getElementById('chart-sigma').dataset.series", "3"::equals, WAIT,
                "three σ curves");
        // Every chart with data fills its panel, also one drawn before its panel was laid out.
        chromium.await("['chart-loss','chart-sigma'].every(function(id){var el=document.getElementById(id);"
                + "var c=window.dxmiDashboard.charts[id];return el.clientWidth > 300 && c.plot"
                + " && Math.abs(c.plot.width - el.clientWidth) <= 2;})", Boolean.TRUE::equals, WAIT,
                "the losses and σ charts as wide as their panels");
        // The charts are uPlot's, with a legend whose entries toggle their curve.
        assertEquals(Boolean.TRUE, chromium.eval("typeof uPlot === 'function'"
                + " && document.querySelector('#chart-loss .uplot .u-legend') !== null"));
        assertEquals(Boolean.TRUE, chromium.eval("window.dxmiDashboard.charts['chart-loss'].plot.series[1].show"));
        // The legend's first entry is the first curve (the x series has none); uPlot listens on its cell.
        chromium.eval("document.querySelectorAll('#chart-loss .u-legend .u-series')[0].querySelector('th').click()");
        assertEquals(Boolean.FALSE, chromium.eval("window.dxmiDashboard.charts['chart-loss'].plot.series[1].show"),
                "a click on the legend hides the curve");
        // Two services in one process: one memory figure, said to be shared.
        chromium.await("document.getElementById('services-note').textContent",
                v -> String.valueOf(v).contains("one process"), WAIT, "the note that the services share one process");
        chromium.await("(function(){var r=document.querySelector('tr[data-service=\"evaluator\"]');"
                + "return r ? r.querySelector('.memory').textContent : '';})()",
                v -> ((String) v).contains("715 MiB") && ((String) v).contains("shared by 2 services"), WAIT,
                "the evaluator's memory marked as shared with the value-learner");
        chromium.await("document.querySelector('[data-name=\"samples-energy.png\"] img') !== null", Boolean.TRUE::equals,
                WAIT, "the figure that exists");
        assertTrue(String.valueOf(chromium.eval("document.querySelector('[data-name=\"value-steps.png\"]').textContent"))
                .contains("not written yet"), "a missing figure shows a placeholder");
        assertEquals(RunFigures.TITLES.get(RunFigures.SAMPLES_ENERGY), chromium.eval(
                "document.querySelector('[data-name=\"samples-energy.png\"] .caption b').textContent"),
                "the figure's title from the server's catalogue");

        // A new evaluation and a new figure: the same page (no reload) takes both.
        chromium.eval("window.__sameDocument = 'yes'");
        publishReport(200, 0.0777, 0.89);
        Path curves = dir.resolve("run").resolve("figures").resolve("metric-curves.png");
        writePng(curves, new Color(228, 87, 46));
        chromium.await("document.getElementById('chart-sw').dataset.points", "2"::equals, WAIT,
                "two points on the SW curve after the second evaluation");
        assertEquals("0.0777", chromium.eval("document.getElementById('chart-sw').dataset.last"));
        assertEquals("0.0777", chromium.eval("document.getElementById('kpi-sw').textContent"));
        assertEquals("0.89", chromium.eval("document.getElementById('kpi-auc').textContent"));
        chromium.await("document.querySelector('[data-name=\"metric-curves.png\"] img') !== null", Boolean.TRUE::equals,
                WAIT, "the new figure");

        // A plug-in's shares and its count: separate charts, every curve its own colour, readable table columns.
        Map<String, Double> coverage = new LinkedHashMap<>();
        coverage.put("sw", 0.05);
        coverage.put("auc", 0.9);
        for (int k = 0; k < 8; k++) {
            coverage.put("mode_coverage.share_mode_" + k, 0.12);
        }
        coverage.put("mode_coverage.share_off_mode", 0.04);
        coverage.put("mode_coverage.modes_dropped", 0.0);
        publishReport(300, coverage);
        chromium.await("document.getElementById('chart-shares').dataset.series", "9"::equals, WAIT,
                "nine share curves (eight modes and off-mode)");
        assertEquals("1", chromium.eval("document.getElementById('chart-counts').dataset.series"), "the count apart");
        assertEquals(9L, ((Number) chromium.eval("(function(){var u=window.dxmiDashboard.charts['chart-shares'].plot;"
                + "var c={};u.series.slice(1).forEach(function(s){c[s.stroke()]=true;});"
                + "return Object.keys(c).length;})()")).longValue(), "nine different colours");
        assertEquals("mode_coverage", chromium.eval("document.querySelector('#reports-head th.group').textContent"));
        assertEquals(3L + 10 + 4, ((Number) chromium.eval(
                "document.querySelector('#reports-body tr').children.length")).longValue(), "one column per value");
        assertEquals("0.04", chromium.eval("(function(){var h=[].slice.call(document.querySelectorAll("
                + "'#reports-head tr:last-child th')).map(function(t){return t.textContent;});"
                + "return document.querySelector('#reports-body tr').children[h.indexOf('share off mode')]"
                + ".textContent;})()"));

        // An image run's sample grid, drawn by the figures module, gets its own card once written.
        float[] images = new float[16 * 3 * 8 * 8];
        for (int i = 0; i < images.length; i++) {
            images[i] = (i % 64) / 64f;
        }
        RunFigures.writeSampleGrid(images, SampleShape.image(3, 8, 8), "samples", RunFigures.directoryOf(
                dir.resolve("run")));
        chromium.await("document.querySelector('[data-name=\"sample-grid.png\"] img') !== null", Boolean.TRUE::equals,
                WAIT, "the sample grid");
        assertEquals("yes", chromium.eval("window.__sameDocument"), "the page was not reloaded");
        assertEquals(3L, ((Number) chromium.eval("window.dashboardState.reports.length")).longValue());

        Thread.sleep(600); // let the last frame paint before the picture
        Path shot = Path.of("target", "dashboard-screenshot.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, chromium.screenshot());
    }

    @Test
    void showsPretrainingBeforeThePlanExists() throws Exception {
        chromium.navigate(pretraining.url());
        chromium.await("document.getElementById('progress-text').textContent",
                v -> String.valueOf(v).contains("pretraining 200 / 1,000"), WAIT, "pretraining's progress");
        assertEquals(Boolean.FALSE, chromium.eval("document.getElementById('card-pretrain').hidden"));
        assertTrue(String.valueOf(chromium.eval("document.getElementById('plan-line').textContent"))
                .contains("pretraining"));
        chromium.await("document.getElementById('chart-pretrain').dataset.points", "2"::equals, WAIT,
                "two points on pretraining's loss");
        appendPretrainRecord(dir.resolve("pretraining-run"), 300, 0.45);
        chromium.await("document.getElementById('chart-pretrain').dataset.points", "3"::equals, WAIT,
                "a third point without a reload");
        assertTrue(String.valueOf(chromium.eval("document.getElementById('pretrain-note').textContent"))
                .contains("loss 0.45"));
    }

    @Test
    void servesThePageItsChartLibraryAndNothingElse() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + dashboard.port();
        String page = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(page.contains("/webjars/uplot/") && !page.contains("${"), "the WebJar's version is filled in");
        String script = page.replaceAll("(?s).*src=\"(/webjars/uplot/[^\"]+)\".*", "$1");
        HttpResponse<String> lib = http.send(HttpRequest.newBuilder(URI.create(base + script)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, lib.statusCode(), script);
        assertTrue(lib.body().contains("uPlot"));
        for (String bad : new String[] {"/../pom.xml", "/io/dxmi/dashboard/DashboardVerticle.class",
            "/webjars/../../io/dxmi/dashboard/web/index.html", "/nothing.js"}) {
            int code = http.send(HttpRequest.newBuilder(URI.create(base + bad)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            assertEquals(404, code, bad);
        }
    }

    @Test
    void servesOnlyTheKnownFiguresAndNeverCachesThem() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + dashboard.port();
        HttpResponse<byte[]> png = http.send(HttpRequest.newBuilder(URI.create(base + "/figures/samples-energy.png"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, png.statusCode());
        assertEquals("image/png", png.headers().firstValue("Content-Type").orElse(""));
        assertEquals("no-store", png.headers().firstValue("Cache-Control").orElse(""));
        assertEquals((byte) 0x89, png.body()[0]);
        for (String bad : new String[] {"/figures/..%2Fkafka", "/figures/..%2F..%2Fetc%2Fpasswd", "/figures/result.json",
            "/figures/value-steps.png"}) {
            int code = http.send(HttpRequest.newBuilder(URI.create(base + bad)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            assertEquals(404, code, bad);
        }
        String state = http.send(HttpRequest.newBuilder(URI.create(base + "/api/state")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(state.contains("\"run\":\"" + RUN + "\""), state);
    }

    // ---- fixtures ---------------------------------------------------------------------------------------

    private static RunPlan plan() {
        NetworkConfig tiny = new NetworkConfig(16, 2, 16);
        DataSource ds = ToyDatasets.byName("8gaussians");
        DxmiConfig config = DxmiConfig.builder().optSamplerSteps(5).optTau(0.1f).optBatchSize(32).optNetwork(tiny)
                .optIterations(1000).optValueSharing(ValueSharing.SEPARATE).build();
        PretrainConfig pretrain = new PretrainConfig(1000, 1e-4, 0.02, 50, 64, 2e-3f, true, tiny, 1L);
        Normalization n = Normalization.identity(2);
        RunSpec spec = new RunSpec(RUN, config, pretrain, DataInfo.of(ds), "8gaussians", n.shift(), n.scale());
        return new RunPlan(spec, "sync", 0, 100, 100);
    }

    private static void publishReport(long iteration, double sw, double auc) throws Exception {
        publishReport(iteration, Map.of("sw", sw, "auc", auc));
    }

    private static void publishReport(long iteration, Map<String, Double> metrics) throws Exception {
        EvaluationReport r = EvaluationReport.newBuilder().setRunId(RUN).setPolicyVersion(iteration)
                .setEbmVersion(iteration).setIteration(iteration).setMetrics(metrics)
                .setCreatedAtMillis(System.currentTimeMillis()).setEvaluator("evaluator-test").build();
        await(kafka.producer().send(kafka.topics().evaluations(), Long.toString(iteration), Codecs.encode(r)));
    }

    /** Prometheus text as a value-learner writes it, at {@code iteration}. */
    private static String exposition(long iteration) {
        return String.format(Locale.ROOT, String.join("\n",
                "# TYPE dxmi_iterations_total counter",
                "dxmi_iterations_total{run=\"%1$s\",service=\"value-learner\"} %2$d.0",
                "# TYPE dxmi_loss gauge",
                "dxmi_loss{kind=\"policy\",service=\"value-learner\"} %3$f",
                "dxmi_loss{kind=\"value\",service=\"value-learner\"} %4$f",
                "dxmi_sigma{service=\"value-learner\",step=\"0\"} 0.8",
                "dxmi_sigma{service=\"value-learner\",step=\"1\"} 0.5",
                "dxmi_sigma{service=\"value-learner\",step=\"2\"} %5$f",
                "dxmi_policy_version{service=\"value-learner\"} %2$d",
                "dxmi_ebm_version{service=\"value-learner\"} %2$d",
                "dxmi_staleness_versions_count{service=\"value-learner\"} %2$d",
                "dxmi_staleness_versions_sum{service=\"value-learner\"} 0.0",
                "process_resident_memory_bytes 7.5E8",
                "process_start_time_seconds 1.7E9",
                ""), RUN, iteration, -0.1 - iteration * 1e-3, 1.0 / iteration, 0.1 + iteration * 1e-3);
    }

    /** Appends a pretraining progress record as the pretraining job writes it. */
    private static void appendPretrainRecord(Path runDir, long iteration, double loss) throws IOException {
        String line = String.format(Locale.ROOT, "{\"kind\":\"pretrain\",\"time\":1.7E9,\"phase\":\"pretrain\","
                + "\"iteration\":%d,\"total\":1000,\"it_s\":250.0,\"loss\":%s,\"lr\":0.002}%n", iteration, loss);
        Files.writeString(runDir.resolve(TrainJob.PRETRAINED).resolve(TrainJob.METRICS), line,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Writes a small PNG atomically, as the evaluator does (temporary file, then rename). */
    private static void writePng(Path file, Color color) throws IOException {
        BufferedImage img = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 320, 240);
        g.setColor(color);
        for (int i = 0; i < 8; i++) {
            double a = 2 * Math.PI * i / 8;
            g.fillOval((int) (160 + 80 * Math.cos(a)) - 12, (int) (120 + 80 * Math.sin(a)) - 12, 24, 24);
        }
        g.dispose();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        ImageIO.write(img, "png", tmp.toFile());
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
