package io.dxmi.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.dxmi.Trajectories;
import io.dxmi.schemas.TrajectoryBatch;
import io.dxmi.schemas.codec.Codecs;
import io.dxmi.schemas.codec.Tensors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** Trajectory batches between tensors and their Avro messages, with the checks a consumer needs. */
public final class TrajectoryMessages {

    private TrajectoryMessages() {}

    /** Encodes T+1 states (B, shape…) rolled out by {@code actorId} with policy {@code policyVersion}. */
    public static byte[] encode(String runId, String actorId, long policyVersion, NDArray[] states) {
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
                .setStates(Tensors.pack(Trajectories.pack(states))).build();
        return Codecs.encode(msg);
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
