package io.dxmi.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.dxmi.Trajectories;
import io.dxmi.platform.messaging.TopicTail;
import io.dxmi.schemas.TrajectoryBatch;
import io.dxmi.schemas.codec.Codecs;
import io.dxmi.schemas.codec.SchemaException;
import io.dxmi.schemas.codec.Tensors;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/** Trajectory batches between tensors and their Avro messages, with the checks a consumer needs. */
public final class TrajectoryMessages {

    private TrajectoryMessages() {}

    /**
     * Encodes T+1 states (B, shape…) rolled out by {@code actorId} with policy {@code policyVersion}, and the
     * actor's rollout stream after them ({@link #newestOf}).
     */
    public static byte[] encode(String runId, String actorId, long policyVersion, NDArray[] states,
            long[] rolloutState) {
        int steps = states.length - 1;
        long[] dims = states[0].getShape().getShape();
        List<Integer> shape = new ArrayList<>();
        int size = 1;
        for (int i = 1; i < dims.length; i++) {
            shape.add((int) dims[i]);
            size *= (int) dims[i];
        }
        TrajectoryBatch msg = TrajectoryBatch.newBuilder().setRunId(runId).setBatchId(UUID.randomUUID().toString())
                .setActorId(actorId).setPolicyVersion(policyVersion).setSteps(steps).setBatchSize((int) dims[0])
                .setDimension(size).setSampleShape(shape).setCreatedAtMillis(System.currentTimeMillis())
                .setStates(Tensors.pack(Trajectories.pack(states)))
                .setRolloutState(Arrays.stream(rolloutState).boxed().toList()).build();
        return Codecs.encode(msg);
    }

    /**
     * Where an actor left off: its newest batch on the trajectory topic.
     *
     * @param offset the batch's offset (the actor paces from it)
     * @param policyVersion the policy it was rolled out with
     * @param rolloutState the actor's rollout stream after it; null when the batch does not carry it (v1 writer)
     */
    public record ActorPosition(long offset, long policyVersion, long[] rolloutState) {}

    /**
     * The newest batch of this run by {@code actorId} on the run's trajectory topic (read back from its end),
     * or empty when the actor has sent none. Records that are not such a batch are passed over.
     */
    public static Optional<ActorPosition> newestOf(PipelineContext context, String actorId, Duration timeout)
            throws TimeoutException {
        TopicPartition tp = new TopicPartition(context.topics().trajectories(), 0);
        return TopicTail.newest(context.settings(), tp, r -> {
            if (r.value() == null || !actorId.equals(r.key())) {
                return null;
            }
            try {
                TrajectoryBatch m = Codecs.decode(TrajectoryBatch.class, r.value());
                if (!context.topics().run().equals(m.getRunId()) || !actorId.equals(m.getActorId())) {
                    return null;
                }
                List<Long> words = m.getRolloutState();
                boolean whole = words.size() == 5 && (words.get(0) | words.get(1) | words.get(2) | words.get(3)) != 0;
                return new ActorPosition(r.offset(), m.getPolicyVersion(),
                        whole ? words.stream().mapToLong(Long::longValue).toArray() : null);
            } catch (SchemaException e) {
                return null;
            }
        }, timeout).map(TopicTail.Found::value);
    }

    /**
     * A decoded batch of the run, of the run's shape.
     *
     * @param shape one sample's shape
     * @param finite whether every state is finite (a batch that is not is a skipped iteration)
     */
    public record Decoded(TrajectoryBatch message, float[] states, SampleShape shape, boolean finite) {

        public NDArray[] toArrays(NDManager manager) {
            return Trajectories.unpack(states, message.getSteps(), message.getBatchSize(), shape, manager);
        }
    }

    /**
     * Decodes and checks a batch against what the run expects; a record that is not a batch of
     * this run and shape is an IllegalArgumentException naming why (the record is refused).
     */
    public static Decoded decode(byte[] bytes, String runId, int steps, int batchSize, SampleShape shape) {
        TrajectoryBatch m = Codecs.decode(TrajectoryBatch.class, bytes);
        if (!runId.equals(m.getRunId())) {
            throw new IllegalArgumentException("trajectory batch of run '" + m.getRunId() + "', expected '" + runId + "'");
        }
        int dimension = shape.size();
        List<Integer> expected = Arrays.stream(shape.dims()).boxed().toList();
        boolean shaped = m.getSampleShape().isEmpty() ? m.getDimension() == dimension
                : m.getSampleShape().equals(expected);
        if (m.getSteps() != steps || m.getBatchSize() != batchSize || m.getDimension() != dimension || !shaped) {
            throw new IllegalArgumentException("trajectory batch has T=" + m.getSteps() + ", B=" + m.getBatchSize()
                    + ", D=" + m.getDimension() + ", samples of " + m.getSampleShape() + "; the run expects T=" + steps
                    + ", B=" + batchSize + ", D=" + dimension + ", samples of " + expected);
        }
        if (m.getPolicyVersion() < 0) {
            throw new IllegalArgumentException("trajectory batch " + m.getBatchId() + " has policy version "
                    + m.getPolicyVersion());
        }
        float[] states = Tensors.unpack(m.getStates(), (steps + 1) * batchSize * dimension);
        boolean finite = true;
        for (float v : states) {
            if (!Float.isFinite(v)) {
                finite = false;
                break;
            }
        }
        return new Decoded(m, states, shape, finite);
    }
}
