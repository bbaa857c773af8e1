package io.dxmi.dashboard;

import io.dxmi.schemas.AnomalyMap;
import io.dxmi.schemas.AnomalyScore;
import io.dxmi.schemas.Frame;
import io.dxmi.schemas.ScoreTimings;
import io.dxmi.schemas.codec.Tensors;

import java.nio.ByteBuffer;

/** Scores and frames as the anomaly scorer and the camera simulator write them, with chosen values. */
final class CameraRecords {

    private CameraRecords() {}

    /** A score of {@code camera}'s frame, scored at {@code scoredMicros} after {@code latencyMs}, with a 2 × 2 map. */
    static AnomalyScore score(String camera, long frameId, long scoredMicros, double latencyMs, boolean anomalous) {
        long captured = scoredMicros - Math.round(latencyMs * 1000);
        ScoreTimings timings = ScoreTimings.newBuilder().setReceivedAtMicros(captured + 100)
                .setScoredAtMicros(scoredMicros).setBatchSize(4).build();
        return AnomalyScore.newBuilder().setCameraId(camera).setFrameId(frameId).setCaptureTimeMicros(captured)
                .setEnergy(anomalous ? 2.5 : -1.25).setScore(anomalous ? 0.9 : 0.2).setAnomalous(anomalous)
                .setThreshold(0.5).setThresholdId("calib-1").setModelVersion("model-a@1234").setLabel(anomalous ? 1 : 0)
                .setTimings(timings).setScorer("scorer-test")
                .setMap(AnomalyMap.newBuilder().setHeight(2).setWidth(2)
                        .setValues(Tensors.pack(new float[] {0.1f, 0.2f, 0.3f, (float) frameId})).build())
                .build();
    }

    /** A raw frame whose bytes are {@code pixels} (row-major, channels interleaved). */
    static Frame raw(String camera, long frameId, int width, int height, int channels, byte[] pixels) {
        return frame(camera, frameId, "raw", width, height, channels, pixels);
    }

    static Frame frame(String camera, long frameId, String encoding, int width, int height, int channels,
            byte[] data) {
        return Frame.newBuilder().setCameraId(camera).setFrameId(frameId).setCaptureTimeMicros(frameId * 1000)
                .setEncoding(encoding).setWidth(width).setHeight(height).setChannels(channels)
                .setData(ByteBuffer.wrap(data)).setLabel(0).build();
    }

    /** A grayscale raw frame whose pixels count up from {@code first}. */
    static Frame gray(String camera, long frameId, int width, int height, int first) {
        byte[] px = new byte[width * height];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (first + i);
        }
        return raw(camera, frameId, width, height, 1, px);
    }
}
