package io.dxmi.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.engine.ProgressListener;
import io.dxmi.core.job.PretrainJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real Prometheus server (the Debian package {@code prometheus}) scrapes every service of a
 * running embedded pipeline once a second; its HTTP API must then answer the key series with
 * sane values, and every target must be up. The pipeline runs far more iterations than the test
 * waits for and is stopped by interrupting its thread.
 */
@Tag("integration")
class PrometheusScrapeIntegrationTest {

    private static final Path DEFAULT_BINARY = Path.of("/usr/bin/prometheus");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** One query and what its answer must satisfy. */
    private record Check(String query, String expectation, Predicate<List<JsonNode>> ok) {}

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void prometheusScrapesTheKeySeriesOfEveryService() throws Exception {
        Path binary = prometheusBinary();
        DjlRuntime.configure(1);
        Path pretrained = tmp.resolve("pretrained");
        try (DdpmModel m = PretrainJob.builder().setData(PipelineIntegrationTest.DATA)
                .setConfig(PipelineIntegrationTest.pretrainConfig()).optOutput(pretrained).build().run()) {
            assertEquals(2, m.dimension());
        }
        int steps = 3; // PipelineIntegrationTest.config's sampler steps
        EmbeddedRun.Settings settings = new EmbeddedRun.Settings(PipelineIntegrationTest.DATA, "8gaussians",
                tmp.resolve("run"), pretrained, PipelineIntegrationTest.config(1_000_000), PipelineIntegrationTest.pretrainConfig(), "sync", 1, 1, 20,
                25, "prom", false);
        CompletableFuture<Map<String, String>> endpoints = new CompletableFuture<>();
        AtomicReference<Throwable> runFailure = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                new EmbeddedRun(settings, ProgressListener.NONE, new PrintStream(OutputStream.nullOutputStream()))
                        .onMetricsEndpoints(endpoints::complete).run();
            } catch (InterruptedException e) {
                // stopped by the test
            } catch (Throwable t) {
                runFailure.set(t);
                endpoints.completeExceptionally(t);
            }
        }, "embedded-run");
        Process prometheus = null;
        Path prometheusLog = tmp.resolve("prometheus.log");
        runner.start();
        try {
            Map<String, String> ports = endpoints.get(90, TimeUnit.SECONDS);
            int apiPort = freePort();
            prometheus = new ProcessBuilder(binary.toString(),
                    "--config.file=" + writeConfig(ports),
                    "--storage.tsdb.path=" + tmp.resolve("tsdb"),
                    "--web.listen-address=127.0.0.1:" + apiPort)
                    .redirectErrorStream(true).redirectOutput(prometheusLog.toFile()).start();
            List<Check> checks = checks(ports.size(), steps);
            Map<String, String> failures = new LinkedHashMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
            do {
                Thread.sleep(1000);
                assertTrue(prometheus.isAlive(), () -> "prometheus exited: " + read(prometheusLog));
                if (runFailure.get() != null) {
                    fail("the pipeline failed", runFailure.get());
                }
                failures.clear();
                for (Check c : checks) {
                    List<JsonNode> result = query(apiPort, c.query());
                    if (result == null || !c.ok().test(result)) {
                        failures.put(c.query(), c.expectation() + ", got " + result);
                    }
                }
            } while (!failures.isEmpty() && System.nanoTime() < deadline);
            assertTrue(failures.isEmpty(), () -> "queries not satisfied after 45 s:\n" + String.join("\n",
                    failures.entrySet().stream().map(e -> "  " + e.getKey() + ": " + e.getValue()).toList()));
        } finally {
            if (prometheus != null) {
                prometheus.destroy();
                if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            runner.interrupt();
            runner.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertTrue(!runner.isAlive(), "the pipeline stopped when interrupted");
    }

    private static List<Check> checks(int targets, int steps) {
        List<Check> c = new ArrayList<>();
        c.add(new Check("up", targets + " targets, all up",
                r -> r.size() == targets && r.stream().allMatch(s -> value(s) == 1)));
        c.add(new Check("dxmi_iterations_total{job=~\"ebm-learner|value-learner\"}", "both learners iterating",
                r -> r.size() == 2 && r.stream().allMatch(s -> value(s) > 0)));
        c.add(new Check("dxmi_iterations_total{job=\"sampler-actor\"}", "the actor rolling out",
                r -> r.size() == 1 && value(r.get(0)) > 0));
        c.add(new Check("dxmi_policy_version{job=\"value-learner\"}", "a published policy version > 0",
                r -> r.size() == 1 && value(r.get(0)) > 0));
        c.add(new Check("dxmi_ebm_version{job=\"ebm-learner\"}", "a published EBM version > 0",
                r -> r.size() == 1 && value(r.get(0)) > 0));
        c.add(new Check("dxmi_loss", "finite energy, value and policy losses",
                r -> r.stream().filter(s -> Double.isFinite(value(s))).map(s -> s.path("metric").path("kind")
                        .asText()).toList().containsAll(List.of("energy", "value", "policy"))));
        c.add(new Check("dxmi_sigma", steps + " positive sigmas",
                r -> r.size() == steps && r.stream().allMatch(s -> value(s) > 0)));
        c.add(new Check("dxmi_sigma_drawn", steps + " positive sigmas as drawn",
                r -> r.size() == steps && r.stream().allMatch(s -> value(s) > 0)));
        c.add(new Check("dxmi_velocity_scale_squared", steps + " positive s_t^2",
                r -> r.size() == steps && r.stream().allMatch(s -> value(s) > 0)));
        c.add(new Check("dxmi_eval_sw", "an evaluation's SW, finite and > 0",
                r -> r.size() == 1 && value(r.get(0)) > 0 && Double.isFinite(value(r.get(0)))));
        c.add(new Check("dxmi_eval_auc", "an AUC in [0, 1]",
                r -> r.size() == 1 && value(r.get(0)) >= 0 && value(r.get(0)) <= 1));
        c.add(new Check("dxmi_consumer_lag_records{job=\"value-learner\",topic=~\".*trajectories.*\"}",
                "the value-learner's lag on the trajectories topic, small and >= 0",
                r -> r.size() == 1 && value(r.get(0)) >= 0 && value(r.get(0)) < 100));
        c.add(new Check("dxmi_consumer_lag_records{job=\"sampler-actor\"}", "the actor's lag on the snapshots",
                r -> !r.isEmpty() && r.stream().allMatch(s -> value(s) >= 0)));
        c.add(new Check("sum by (job) (dxmi_messages_produced_total)", "every service producing but the evaluator",
                r -> jobs(r).containsAll(List.of("ebm-learner", "value-learner", "sampler-actor"))));
        c.add(new Check("sum by (job) (dxmi_bytes_consumed_total)", "every service consuming bytes",
                r -> jobs(r).size() == targets && r.stream().allMatch(s -> value(s) > 0)));
        c.add(new Check("dxmi_snapshot_delivery_seconds_count{job=\"sampler-actor\",model=\"policy\"}",
                "policy snapshots delivered to the actor",
                r -> r.size() == 1 && value(r.get(0)) > 0));
        c.add(new Check("dxmi_snapshot_bytes{job=\"value-learner\",model=\"policy\"}", "the policy's size",
                r -> r.size() == 1 && value(r.get(0)) > 1000));
        c.add(new Check("dxmi_staleness_versions_count", "staleness observed per value-learner iteration",
                r -> r.size() == 1 && value(r.get(0)) > 0));
        c.add(new Check("dxmi_learner_iteration", "both learners' run iteration, > 0",
                r -> r.size() == 2 && r.stream().allMatch(s -> value(s) > 0)));
        c.add(new Check("dxmi_checkpoint_age_seconds", "both learners have checkpointed within a minute",
                r -> r.size() == 2 && r.stream().allMatch(s -> value(s) >= 0 && value(s) < 60)));
        c.add(new Check("process_resident_memory_bytes", "an RSS over 10 MB for every service",
                r -> r.size() == targets && r.stream().allMatch(s -> value(s) > 1e7)));
        c.add(new Check("dxmi_native_memory_bytes", "a native-memory estimate for every service",
                r -> r.size() == targets && r.stream().allMatch(s -> value(s) >= 0)));
        c.add(new Check("jvm_memory_used_bytes{area=\"heap\"}", "JVM heap in use for every service",
                r -> r.size() == targets && r.stream().allMatch(s -> value(s) > 0)));
        return c;
    }

    private static List<String> jobs(List<JsonNode> r) {
        return r.stream().map(s -> s.path("metric").path("job").asText()).toList();
    }

    private static double value(JsonNode sample) {
        return Double.parseDouble(sample.path("value").path(1).asText());
    }

    /** An instant query's result vector, or null when Prometheus does not answer (yet). */
    private static List<JsonNode> query(int port, String promql) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + port + "/api/v1/query?query="
                            + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return null;
            }
            List<JsonNode> out = new ArrayList<>();
            JSON.readTree(r.body()).path("data").path("result").forEach(out::add);
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** A scrape job per service (named like the compose jobs), every second. */
    private Path writeConfig(Map<String, String> endpoints) throws IOException {
        StringBuilder y = new StringBuilder("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                + "scrape_configs:\n");
        endpoints.forEach((service, url) -> y.append("  - job_name: ").append(service.replaceAll("-\\d+$", ""))
                .append("\n    static_configs:\n      - targets: [\"").append(URI.create(url).getAuthority())
                .append("\"]\n"));
        Path file = tmp.resolve("prometheus.yml");
        Files.writeString(file, y);
        return file;
    }

    /** The Prometheus server: on the PATH or at /usr/bin/prometheus; fails (never skips) when missing. */
    private static Path prometheusBinary() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, "prometheus");
            if (!dir.isEmpty() && Files.isExecutable(p)) {
                return p;
            }
        }
        if (Files.isExecutable(DEFAULT_BINARY)) {
            return DEFAULT_BINARY;
        }
        fail("the Prometheus server is not installed (no 'prometheus' on the PATH or at " + DEFAULT_BINARY
                + "): install the Debian package 'prometheus' (scripts/test and scripts/check-compose do)");
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
