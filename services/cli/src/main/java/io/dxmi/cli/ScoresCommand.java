package io.dxmi.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dxmi.anomalyscorer.ScoresReader;
import io.dxmi.anomalyscorer.ScorerSettings;
import io.dxmi.platform.config.KafkaSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code dxmi scores}: the committed anomaly scores as JSON lines. */
@Command(name = "scores", mixinStandardHelpOptions = true,
        description = {"Print the committed anomaly scores (read_committed), one JSON object per line: camera_id, "
                + "frame_id, energy, score, anomalous, label (when the frame had one), model_version, threshold_id, "
                + "threshold, received_latency_ms (capture to the scorer taking up its batch), latency_ms (capture to "
                + "scored), delivered_latency_ms (capture to read here), ..."})
final class ScoresCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT[,...]", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--follow", description = "Keep reading new scores (default: stop at the end of the committed ones).")
    boolean follow;

    @Option(names = "--idle-exit", paramLabel = "SECONDS", description = "With --follow: stop after this long without a new score.")
    Double idleExit;

    @Option(names = "--out", paramLabel = "FILE.jsonl", description = "Write the lines here instead of standard output.")
    Path out;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = ScorerSettings.SCORES, description = "Scores topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE", description = "Any Kafka client property (repeatable).")
    Map<String, String> properties = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        KafkaSettings kafka = KafkaSettings.builder().setBootstrapServers(bootstrap).optClientIdPrefix("dxmi-scores")
                .optProperties(properties).build();
        ObjectMapper json = new ObjectMapper();
        long[] bad = new long[1];
        long[] written = new long[1];
        long n;
        try (Writer w = out == null ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
                : Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            n = new ScoresReader(kafka, topic).read(follow, idleExit == null ? null
                    : Duration.ofMillis((long) (idleExit * 1000)), m -> {
                        try {
                            w.write(json.writeValueAsString(m));
                            w.write('\n');
                            if (follow) {
                                w.flush();
                            }
                            written[0]++;
                        } catch (IOException e) {
                            throw new UncheckedIOException(writeFailure(e, written[0]));
                        }
                    }, bad);
        } catch (IOException e) {
            throw writeFailure(e, written[0]); // the last lines, flushed when the file closes
        }
        System.err.println("scores: " + n + " committed scores" + (out == null ? "" : " written to " + out)
                + (bad[0] > 0 ? "; " + bad[0] + " undecodable records skipped" : ""));
        return 0;
    }

    /** A full disk: say where, and that nothing is lost (the scores stay on their topic). */
    private IOException writeFailure(IOException e, long written) {
        return new IOException("cannot write " + (out == null ? "standard output" : out.toString()) + " ("
                + e.getMessage() + ") after " + written + " scores, the last of them perhaps cut off; the scores stay"
                + " on " + topic + ": make room and run again", e);
    }
}
