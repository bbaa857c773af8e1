package io.dxmi.cli.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dxmi.platform.config.KafkaSettings;
import io.dxmi.schemas.AnomalyScore;
import io.dxmi.schemas.DeadLetter;
import io.dxmi.schemas.Frame;
import io.dxmi.schemas.codec.Codecs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fault injection of {@code scripts/chaos-scorer}, against anomaly scorers that go on:
 * <ul>
 *   <li>{@code inject BOOTSTRAP FRAMES_TOPIC ROUNDS SIZE [CHANNELS]}: rounds of bad frames (bytes that are no
 *       Avro record, a raw frame with too few bytes, an unknown encoding, a corrupt PNG, a well-formed frame with
 *       the wrong number of channels), on camera key {@code chaos}, for SIZE × SIZE models of CHANNELS channels
 *       (default 1); one JSON line per record sent (partition, offset, kind);</li>
 *   <li>{@code check BOOTSTRAP SCORES_TOPIC DEAD_LETTER_TOPIC CAMERAS FRAMES FILE}: reads the committed
 *       scores and dead letters and checks that every one of the FRAMES frames of each camera
 *       {@code cam-0 … cam-(CAMERAS−1)} was scored exactly once and names its model and threshold, and
 *       that every bad frame of {@code FILE} (lines of {@code inject}) was dead-lettered exactly once,
 *       nothing else; prints a summary, exits 1 on a mismatch.</li>
 * </ul>
 */
public final class FrameChaos {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FrameChaos() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            usage();
        }
        KafkaSettings settings = KafkaSettings.builder().setBootstrapServers(args[1]).optClientIdPrefix("chaos")
                .build();
        switch (args[0]) {
            case "inject" -> {
                if (args.length != 5 && args.length != 6) {
                    usage();
                }
                inject(settings, args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                        args.length == 6 ? Integer.parseInt(args[5]) : 1);
            }
            case "check" -> {
                if (args.length != 7 && args.length != 8) {
                    usage();
                }
                System.exit(check(settings, args[2], args[3], Integer.parseInt(args[4]), Long.parseLong(args[5]),
                        Path.of(args[6]), args.length == 8 ? args[7] : MapTally.UNCHECKED) ? 0 : 1);
            }
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: FrameChaos inject BOOTSTRAP FRAMES_TOPIC ROUNDS SIZE [CHANNELS]"
                + " | check BOOTSTRAP SCORES_TOPIC DEAD_LETTER_TOPIC CAMERAS FRAMES FILE [alarms|all]");
        System.exit(2);
    }

    /**
     * The bad frames of one round, by kind, for a model of {@code channels} channels: each frame is bad for its
     * kind's reason alone (the others carry the model's channels), and the wrong-channels frame is a well-formed RGB
     * frame for a gray model and a gray one for any other.
     */
    static Map<String, byte[]> badFrames(int size, int channels, long round) {
        if (size < 1 || channels < 1) {
            throw new IllegalArgumentException("bad frames need a size and channels of at least 1, got " + size + ", "
                    + channels);
        }
        int wrong = channels == 1 ? 3 : 1;
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("undecodable", new byte[] {1, 2, 3});
        out.put("too_few_bytes", frame("raw", 5 * round, size, channels, new byte[10]));
        out.put("unknown_encoding", frame("webp", 5 * round + 1, size, channels, new byte[channels * size * size]));
        out.put("corrupt_png", frame("png", 5 * round + 2, size, channels, new byte[channels * size * size]));
        out.put("wrong_channels", frame("raw", 5 * round + 3, size, wrong, new byte[wrong * size * size]));
        return out;
    }

    private static byte[] frame(String encoding, long id, int size, int channels, byte[] data) {
        return Codecs.encode(Frame.newBuilder().setCameraId("chaos").setFrameId(id).setCaptureTimeMicros(1)
                .setEncoding(encoding).setWidth(size).setHeight(size).setChannels(channels).setData(ByteBuffer.wrap(data))
                .build());
    }

    private static void inject(KafkaSettings settings, String topic, int rounds, int size, int channels)
            throws Exception {
        Map<String, Object> p = new HashMap<>(settings.producerProperties());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            for (int round = 0; round < rounds; round++) {
                for (Map.Entry<String, byte[]> e : badFrames(size, channels, round).entrySet()) {
                    RecordMetadata m = producer.send(new ProducerRecord<>(topic, "chaos", e.getValue())).get();
                    System.out.println(JSON.writeValueAsString(Map.of("topic", topic, "partition", m.partition(),
                            "offset", m.offset(), "kind", e.getKey())));
                }
            }
        }
    }

    private static boolean check(KafkaSettings settings, String scoresTopic, String deadTopic, int cameras,
            long frames, Path injectedFile, String mapFrames) throws Exception {
        List<String> problems = new ArrayList<>();
        MapTally maps = new MapTally();
        Map<String, Integer> scored = new HashMap<>();
        Map<String, Integer> models = new TreeMap<>();
        Map<String, Integer> thresholds = new TreeMap<>();
        int[] total = new int[1];
        ChaosTool.readCommitted(settings, scoresTopic, r -> {
            AnomalyScore s = Codecs.decode(AnomalyScore.class, r.value());
            total[0]++;
            scored.merge(s.getCameraId() + "/" + s.getFrameId(), 1, Integer::sum);
            models.merge(String.valueOf(s.getModelVersion()), 1, Integer::sum);
            thresholds.merge(String.valueOf(s.getThresholdId()), 1, Integer::sum);
            maps.add(s);
        });
        problems.addAll(maps.problems(mapFrames));
        int lost = 0;
        int twice = 0;
        for (int c = 0; c < cameras; c++) {
            for (long f = 0; f < frames; f++) {
                int n = scored.getOrDefault("cam-" + c + "/" + f, 0);
                if (n == 0 && lost++ < 10) {
                    problems.add("lost: cam-" + c + "/" + f); // the first ten of each are named
                }
                if (n > 1 && twice++ < 10) {
                    problems.add("scored " + n + " times: cam-" + c + "/" + f);
                }
            }
        }
        long expectedScores = cameras * frames;
        if (scored.size() != expectedScores) {
            problems.add(scored.size() + " distinct frames scored, " + expectedScores + " sent");
        }
        if (models.containsKey("null") || models.containsKey("")) {
            problems.add("scores without a model version");
        }
        Map<String, Integer> letters = new HashMap<>();
        Map<String, String> reasons = new HashMap<>();
        ChaosTool.readCommitted(settings, deadTopic, r -> {
            DeadLetter d = Codecs.decode(DeadLetter.class, r.value());
            String key = d.getPartition() + "@" + d.getOffset();
            letters.merge(key, 1, Integer::sum);
            reasons.put(key, String.valueOf(d.getReason()));
        });
        Map<String, Integer> byKind = new TreeMap<>();
        Map<String, String> reasonByKind = new TreeMap<>();
        int injected = 0;
        for (String line : Files.readAllLines(injectedFile)) {
            if (!line.startsWith("{")) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            String key = n.get("partition").asInt() + "@" + n.get("offset").asLong();
            String kind = n.get("kind").asText();
            injected++;
            byKind.merge(kind, 1, Integer::sum);
            int got = letters.getOrDefault(key, 0);
            if (got != 1) {
                problems.add(kind + " at " + key + ": " + got + " dead letters");
            } else {
                reasonByKind.putIfAbsent(kind, reasons.get(key));
            }
            letters.remove(key);
        }
        letters.forEach((key, n) -> problems.add("unexpected dead letter " + key + ": " + reasons.get(key)));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("frames_sent", expectedScores);
        summary.put("scores_committed", total[0]);
        summary.put("frames_scored_once", scored.values().stream().filter(v -> v == 1).count());
        summary.put("lost", lost);
        summary.put("scored_twice", twice);
        summary.put("model_versions", models);
        summary.put("threshold_ids", thresholds);
        summary.put("flagged", maps.flagged());
        summary.put("scores_with_maps", maps.withMap());
        summary.put("bad_frames_injected", injected);
        summary.put("bad_frames_by_kind", byKind);
        summary.put("dead_letter_reason_by_kind", reasonByKind);
        summary.put("problems", problems);
        System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary));
        return problems.isEmpty();
    }

    /**
     * Which committed scores carry a localisation map, against what the scorers were told: with {@code --maps all}
     * every score has one; with {@code --maps alarms} every flagged score and no other.
     */
    static final class MapTally {

        /** No map check (the scorers' map settings not given). */
        static final String UNCHECKED = "unchecked";

        private long scored;
        private long flagged;
        private long withMap;
        private long flaggedWithout;
        private long unflaggedWith;

        void add(AnomalyScore s) {
            boolean map = s.getMap() != null && s.getMap().getHeight() * s.getMap().getWidth() > 0;
            scored++;
            flagged += s.getAnomalous() ? 1 : 0;
            withMap += map ? 1 : 0;
            flaggedWithout += s.getAnomalous() && !map ? 1 : 0;
            unflaggedWith += !s.getAnomalous() && map ? 1 : 0;
        }

        long flagged() {
            return flagged;
        }

        long withMap() {
            return withMap;
        }

        List<String> problems(String mapFrames) {
            List<String> out = new ArrayList<>();
            switch (mapFrames) {
                case "all" -> {
                    if (withMap < scored) {
                        out.add((scored - withMap) + " of " + scored + " scores without a map (--maps all)");
                    }
                }
                case "alarms" -> {
                    if (flaggedWithout > 0) {
                        out.add(flaggedWithout + " flagged scores without a map (--maps alarms)");
                    }
                    if (unflaggedWith > 0) {
                        out.add(unflaggedWith + " unflagged scores with a map (--maps alarms)");
                    }
                }
                case UNCHECKED -> { }
                default -> throw new IllegalArgumentException("maps must be alarms or all, got '" + mapFrames + "'");
            }
            return out;
        }
    }
}
