package io.dxmi.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.job.PretrainJob;
import io.dxmi.core.model.TensorArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.dxmi.cli.CommandLineTest.dxmi;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster path as a user takes it from a terminal: {@code dxmi broker} on a non-default address, every
 * service and {@code submit} each its own JVM (the services started first, waiting for the plan), connected the
 * three ways (flag, client properties file, environment). The run ends with a model directory written by its
 * evaluator that {@code dxmi sample} and {@code dxmi energy} load, {@code dxmi runs} and {@code dxmi export}
 * work against it, and the synchronous results are those of the embedded {@code dxmi run} of the same seed, to
 * the last bit.
 */
@Tag("integration")
class ClusterProcessesTest {

    private static final String RUN = "procs";
    private static final List<String> METHOD = List.of("--data", "8gaussians", "--steps", "3", "--tau", "0.1",
            "--iterations", "30", "--batch", "32", "--hidden", "16", "--layers", "2", "--eval-every", "15",
            "--checkpoint-every", "10", "--seed", "3");

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 25, unit = TimeUnit.MINUTES)
    void separateProcessesEndWithTheEmbeddedRunsModel() throws Exception {
        DjlRuntime.configure(1);
        Path pretrained = tmp.resolve("pretrained");
        try (DdpmModel m = PretrainJob.builder().setData(PipelineIntegrationTest.DATA)
                .setConfig(PipelineIntegrationTest.pretrainConfig()).optOutput(pretrained).build().run()) {
            assertEquals(2, m.dimension());
        }
        Path out = tmp.resolve("run-output");
        Path exported = tmp.resolve("exported");
        int port = freePort("127.0.0.2");
        String bootstrap = "127.0.0.2:" + port;
        try (DxmiProcess broker = DxmiProcess.start(tmp.resolve("broker.log"), "broker", "--listen", "127.0.0.2",
                "--port", Integer.toString(port), "--data-dir", tmp.resolve("kafka").toString(),
                "--property", "add.partitions.to.txn.retry.backoff.ms=7")) {
            assertTrue(broker.awaitOutput("broker listening on 127.0.0.2:" + port, 180), broker.output());
            // --property reaches the broker's configuration (the broker writes what it starts with).
            assertTrue(Files.readString(tmp.resolve("kafka/server.properties"))
                    .contains("add.partitions.to.txn.retry.backoff.ms=7"));
            // The broker listens where --listen says, and only there.
            CommandLineTest.Run elsewhere = dxmi("runs", "list", "--bootstrap", "127.0.0.1:" + port,
                    "--connect-timeout", "2");
            assertEquals(ExitCode.UNREACHABLE, elsewhere.code(), elsewhere.err());

            Path clientConfig = tmp.resolve("client.properties");
            Files.writeString(clientConfig, "# as Kafka's tools read with --command-config\nbootstrap.servers="
                    + bootstrap + "\n");
            Path state = tmp.resolve("state");
            Map<String, DxmiProcess> services = new LinkedHashMap<>();
            services.put("ebm-learner", DxmiProcess.start(tmp.resolve("ebm.log"), "service", "ebm-learner",
                    "--kafka-config", clientConfig.toString(), "--run", RUN, "--state-dir", state.toString(),
                    "--metrics-port", "0"));
            services.put("value-learner", DxmiProcess.start(tmp.resolve("value.log"),
                    Map.of("DXMI_KAFKA_BOOTSTRAP_SERVERS", bootstrap), "service", "value-learner", "--run", RUN,
                    "--state-dir", state.toString(), "--metrics-port", "0"));
            services.put("sampler-actor", DxmiProcess.start(tmp.resolve("actor.log"), "service", "sampler-actor",
                    "--bootstrap", bootstrap, "--run", RUN, "--actor-id", "0", "--metrics-port", "0"));
            services.put("evaluator", DxmiProcess.start(tmp.resolve("evaluator.log"), "service", "evaluator",
                    "--bootstrap", bootstrap, "--run", RUN, "--out", out.toString(), "--metrics-port", "0"));
            try {
                for (Map.Entry<String, DxmiProcess> s : services.entrySet()) {
                    assertTrue(s.getValue().awaitOutput("waiting for the plan of run '" + RUN + "'", 180),
                            s.getKey() + ": " + s.getValue().output());
                }
                List<String> submit = new ArrayList<>(List.of("submit", "--bootstrap", bootstrap, "--run", RUN,
                        "--pretrained", pretrained.toString(), "--quiet"));
                submit.addAll(METHOD);
                try (DxmiProcess p = DxmiProcess.start(tmp.resolve("submit.log"), submit.toArray(String[]::new))) {
                    assertEquals(0, p.await(300), p.output());
                }
                for (Map.Entry<String, DxmiProcess> s : services.entrySet()) {
                    String name = s.getKey();
                    DxmiProcess p = s.getValue();
                    assertEquals(0, p.await(900), name + ": " + p.output());
                    String log = p.output();
                    assertTrue(log.contains("the plan of run '" + RUN + "' arrived"), name + ": " + log);
                    assertTrue(log.contains(name + ": the run is done"), name + ": " + log);
                    assertFalse(log.contains("Thread blocked") || log.contains("\tat "), name + ": " + log);
                    assertEquals(1, count(log, "waiting for the plan"), name + " says once that it waits: " + log);
                }
            } finally {
                for (DxmiProcess p : services.values()) {
                    p.close();
                }
            }

            // The evaluator wrote the run's model; the model commands load it, each as a user runs them.
            for (String f : List.of("model.json", "weights.dxt", "result.json", "samples.csv",
                    "figures/samples-energy.png")) {
                assertTrue(Files.isRegularFile(out.resolve(f)), f);
            }
            Path samples = tmp.resolve("samples.csv");
            Path energies = tmp.resolve("energies.csv");
            try (DxmiProcess sample = DxmiProcess.start(tmp.resolve("sample.log"), "sample", "--model",
                    out.toString(), "--n", "200", "--out", samples.toString())) {
                assertEquals(0, sample.await(300), sample.output());
            }
            try (DxmiProcess energy = DxmiProcess.start(tmp.resolve("energy.log"), "energy", "--model",
                    out.toString(), "--in", samples.toString(), "--out", energies.toString())) {
                assertEquals(0, energy.await(300), energy.output());
            }
            assertEquals(201, Files.readAllLines(samples).size());
            List<String> e = Files.readAllLines(energies);
            assertEquals(201, e.size());
            assertTrue(Double.isFinite(Double.parseDouble(e.get(1))), e.get(1));

            // Run management and export against the same cluster.
            CommandLineTest.Run list = dxmi("runs", "list", "--bootstrap", bootstrap);
            assertEquals(0, list.code(), list.err());
            assertTrue(list.out().lines().anyMatch(l -> l.startsWith(RUN + " ") && l.contains("finished")
                    && l.contains("30 / 30")), list.out());
            CommandLineTest.Run status = dxmi("runs", "status", RUN, "--bootstrap", bootstrap);
            assertEquals(0, status.code(), status.err());
            assertTrue(status.out().contains("learned:    value-learner 30"), status.out());
            CommandLineTest.Run export = dxmi("export", "--bootstrap", bootstrap, "--run", RUN, "--out",
                    exported.toString());
            assertEquals(0, export.code(), export.err());
        }

        // The embedded run of the same seed, from the same pretrained model.
        Path embedded = tmp.resolve("embedded");
        List<String> run = new ArrayList<>(List.of("run", "--pretrained", pretrained.toString(), "--out",
                embedded.toString(), "--no-dashboard", "--quiet"));
        run.addAll(METHOD);
        CommandLineTest.Run r = dxmi(run.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());

        ObjectMapper json = new ObjectMapper();
        JsonNode a = json.readTree(out.resolve("result.json").toFile());
        JsonNode b = json.readTree(embedded.resolve("result.json").toFile());
        JsonNode c = json.readTree(exported.resolve("result.json").toFile());
        for (String f : List.of("sw_mean", "sw_std", "auc", "auc_raw")) {
            assertEquals(b.get(f).asDouble(), a.get(f).asDouble(), 0.0, f + " (processes vs embedded)");
            assertEquals(a.get(f).asDouble(), c.get(f).asDouble(), 0.0, f + " (evaluator vs export)");
        }
        assertEquals(30, a.get("policy_version").asLong());
        assertTrue(a.get("run_finished").asBoolean());
        assertTrue(c.get("run_finished").asBoolean());
        Map<String, float[]> wa = TensorArchive.read(out.resolve("weights.dxt")).tensors();
        Map<String, float[]> wb = TensorArchive.read(embedded.resolve("weights.dxt")).tensors();
        assertEquals(wb.keySet(), wa.keySet());
        for (Map.Entry<String, float[]> w : wa.entrySet()) {
            assertArrayEquals(wb.get(w.getKey()), w.getValue(), 0f, w.getKey());
        }
    }

    static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    static int freePort(String host) throws Exception {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(host, 0));
            return s.getLocalPort();
        }
    }
}
