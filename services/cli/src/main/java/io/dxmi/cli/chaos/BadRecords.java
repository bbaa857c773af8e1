package io.dxmi.cli.chaos;

import io.dxmi.pipeline.PipelineContext;
import io.dxmi.pipeline.RunPlan;
import io.dxmi.pipeline.RunTopics;
import io.dxmi.pipeline.WeightBlobs;
import io.dxmi.platform.snapshot.BlobChunk;
import io.dxmi.platform.snapshot.BlobCodec;
import io.dxmi.platform.snapshot.ChunkedBlobs;
import io.dxmi.schemas.SnapshotProvenance;
import io.dxmi.schemas.TrajectoryBatch;
import io.dxmi.schemas.WeightSnapshot;
import io.dxmi.schemas.codec.Codecs;
import io.dxmi.schemas.codec.Tensors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

/**
 * Bad records of every kind on every topic a service of a run reads while it trains:
 * trajectories (random bytes, another schema, another run, another shape, a batch sent twice, a
 * policy that does not exist yet, non-finite states) and each model's snapshots (random bytes,
 * another schema, another run, another plan, another shape, non-finite weights with a correct
 * SHA-256, a wrong SHA-256, a version of 10⁹, a declared size of 2 GB, missing chunks, a garbage
 * chunk). Forged snapshots start from the newest real one, so that only the flaw differs.
 *
 * <p>Every record but one kind must be refused and dead-lettered exactly once; a batch with
 * non-finite states is a real batch of a diverged policy and becomes a skipped iteration.
 */
public final class BadRecords {

    /** What was sent: where, which kind, and what the run must do with it. */
    public record Injected(String topic, long offset, String kind, boolean deadLettered) {}

    private final PipelineContext context;
    private final RunPlan plan;
    private final Random random;

    public BadRecords(PipelineContext context, RunPlan plan, long seed) {
        this.context = context;
        this.plan = plan;
        this.random = new Random(seed);
    }

    /** Sends one of each kind to every topic (blocking); returns what was sent. */
    public List<Injected> injectAll() throws Exception {
        List<Injected> sent = new ArrayList<>(trajectories());
        for (String model : RunTopics.MODELS) {
            sent.addAll(snapshots(model));
        }
        return sent;
    }

    /** The trajectory kinds. */
    public List<Injected> trajectories() throws Exception {
        String topic = context.topics().trajectories();
        var c = plan.spec().config();
        int n = (c.samplerSteps() + 1) * c.batchSize() * plan.spec().data().sampleShape().size();
        float[] states = new float[n];
        for (int i = 0; i < n; i++) {
            states[i] = (float) random.nextGaussian();
        }
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("random bytes", randomBytes());
        bad.put("another schema", Codecs.encode(snapshot(RunTopics.POLICY, 1, new byte[8]).build()));
        bad.put("another run", Codecs.encode(batch(states, 0).setRunId("not-" + plan.spec().runId()).build()));
        bad.put("another shape", Codecs.encode(batch(states, 0).setSteps(c.samplerSteps() + 1).build()));
        bad.put("a policy that does not exist yet", Codecs.encode(batch(states, 1_000_000_000L).build()));
        ConsumerRecord<String, byte[]> newest = newestRecord(topic, r -> {
            try {
                return Codecs.decode(TrajectoryBatch.class, r.value()).getRunId().equals(plan.spec().runId());
            } catch (RuntimeException e) {
                return false;
            }
        });
        if (newest != null) {
            bad.put("a batch sent twice", newest.value());
        }
        List<Injected> sent = send(topic, bad, true);
        float[] nan = states.clone();
        nan[random.nextInt(n)] = Float.NaN;
        sent.addAll(send(topic, Map.of("non-finite states", Codecs.encode(batch(nan, 0).build())), false));
        return sent;
    }

    /** The snapshot kinds on one model's topic; the forged ones only once a real snapshot exists. */
    public List<Injected> snapshots(String model) throws Exception {
        String topic = context.topics().snapshots(model);
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("random bytes", randomBytes());
        bad.put("another schema", Codecs.encode(batch(new float[0], 0).build()));
        ConsumerRecord<String, byte[]> real = newestRecord(topic, r -> {
            try {
                return Codecs.decode(WeightSnapshot.class, r.value()).getPayload() != null;
            } catch (RuntimeException e) {
                return false;
            }
        });
        if (real != null) {
            WeightSnapshot w = Codecs.decode(WeightSnapshot.class, real.value());
            byte[] payload = bytes(w.getPayload());
            Map<String, float[]> weights = WeightBlobs.decode(payload, "the newest " + model);
            long v = w.getVersion();
            bad.put("another run", Codecs.encode(snapshot(model, v, payload).setRunId("not-" + w.getRunId()).build()));
            WeightSnapshot.Builder otherPlan = snapshot(model, v, payload);
            otherPlan.setProvenance(SnapshotProvenance.newBuilder(otherPlan.getProvenance())
                    .setConfigHash("0000000000000000").build());
            bad.put("another plan", Codecs.encode(otherPlan.build()));
            Map<String, float[]> renamed = new LinkedHashMap<>();
            weights.forEach((k, a) -> renamed.put(k + "_renamed", a));
            bad.put("another shape", Codecs.encode(snapshot(model, v, WeightBlobs.encode(renamed)).build()));
            Map<String, float[]> nan = new LinkedHashMap<>(weights);
            String first = nan.keySet().iterator().next();
            float[] poisoned = nan.get(first).clone();
            poisoned[0] = Float.NaN;
            nan.put(first, poisoned);
            bad.put("non-finite weights, correct SHA-256", Codecs.encode(snapshot(model, v, WeightBlobs.encode(nan))
                    .build()));
            bad.put("wrong SHA-256", Codecs.encode(snapshot(model, v + 1, payload).setSha256("00".repeat(32))
                    .build()));
            bad.put("version 1e9", Codecs.encode(snapshot(model, 1_000_000_000L, payload).build()));
            bad.put("declared size 2 GB", Codecs.encode(snapshot(model, v + 1, payload).setPayload(null)
                    .setSizeBytes(2_000_000_000L).setChunkCount(3815).setChunkSizeBytes(524_288)
                    .setFirstChunkOffset(0).build()));
            // Two chunks declared, the first one sent, the second never.
            int half = (payload.length + 1) / 2;
            long chunkAt = context.producer().send(topic, ChunkedBlobs.chunkKey(model, v + 1), BlobCodec.encode(
                    new BlobChunk(model, v + 1, 0, 2, Arrays.copyOf(payload, half)))).toCompletionStage()
                    .toCompletableFuture().get().offset();
            bad.put("missing chunks", Codecs.encode(snapshot(model, v + 1, payload).setPayload(null)
                    .setChunkCount(2).setChunkSizeBytes(half).setFirstChunkOffset(chunkAt).build()));
        }
        List<Injected> sent = send(topic, bad, true);
        long garbageChunk = context.producer().send(topic, ChunkedBlobs.chunkKey(model, 1), randomBytes())
                .toCompletionStage().toCompletableFuture().get().offset();
        sent.add(new Injected(topic, garbageChunk, "garbage chunk", true));
        return sent;
    }

    private List<Injected> send(String topic, Map<String, byte[]> records, boolean deadLettered)
            throws ExecutionException, InterruptedException {
        List<Injected> sent = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : records.entrySet()) {
            String key = topic.equals(context.topics().trajectories()) ? "chaos" : topic.substring(
                    topic.lastIndexOf('.') + 1);
            long offset = context.producer().send(topic, key, e.getValue()).toCompletionStage().toCompletableFuture()
                    .get().offset();
            sent.add(new Injected(topic, offset, e.getKey(), deadLettered));
        }
        return sent;
    }

    private TrajectoryBatch.Builder batch(float[] states, long policy) {
        var c = plan.spec().config();
        var shape = plan.spec().data().sampleShape();
        return TrajectoryBatch.newBuilder().setRunId(plan.spec().runId()).setBatchId(UUID.randomUUID().toString())
                .setActorId("chaos").setPolicyVersion(policy).setSteps(c.samplerSteps()).setBatchSize(c.batchSize())
                .setDimension(shape.size()).setSampleShape(Arrays.stream(shape.dims()).boxed().toList())
                .setCreatedAtMillis(System.currentTimeMillis())
                .setStates(Tensors.pack(states));
    }

    private WeightSnapshot.Builder snapshot(String model, long version, byte[] payload) {
        return WeightSnapshot.newBuilder().setRunId(plan.spec().runId()).setModel(model).setVersion(version)
                .setStep(version).setSizeBytes(payload.length).setSha256(sha256(payload))
                .setProvenance(SnapshotProvenance.newBuilder().setConfigHash(plan.hash())
                        .setDataHash(plan.spec().data().contentHash()).setParentVersion(version - 1)
                        .setProducer("chaos").build())
                .setCreatedAtMillis(System.currentTimeMillis()).setChunkCount(0).setChunkSizeBytes(0)
                .setPayload(ByteBuffer.wrap(payload));
    }

    private byte[] randomBytes() {
        byte[] b = new byte[1 + random.nextInt(2000)];
        random.nextBytes(b);
        return b;
    }

    /** The newest record of a topic that {@code wanted} accepts, among its last 64; null if none. */
    private ConsumerRecord<String, byte[]> newestRecord(String topic,
            Predicate<ConsumerRecord<String, byte[]>> wanted) {
        TopicPartition tp = new TopicPartition(topic, 0);
        ConsumerRecord<String, byte[]> found = null;
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(new HashMap<>(context.settings()
                .consumerProperties(null)), new StringDeserializer(), new ByteArrayDeserializer())) {
            c.assign(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            long begin = c.beginningOffsets(List.of(tp)).get(tp);
            c.seek(tp, Math.max(begin, end - 64));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (c.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end && wanted.test(r)) {
                        found = r;
                    }
                }
            }
        }
        return found;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
