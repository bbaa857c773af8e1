package io.dxmi.pipeline;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * A value-learner's {@link VersionJournal} entry: an energy version's weights and the energy gap its snapshot
 * carried (what the policy gate reads), so that a restarted learner replays gated iterations as they ran. Entries
 * written before the gap travelled are the bare weight payload ({@link WeightBlobs}) and read with no gap.
 *
 * @param weights the energy's weights
 * @param gap the snapshot's energy gap, or null when it carried none
 */
public record JournaledEnergy(Map<String, float[]> weights, Double gap) {

    private static final int MAGIC = 0x44584A47; // "DXJG"; a weight payload starts with "DXMW"
    private static final int HEADER = 4 + 1 + 8;

    /** The entry's bytes: magic, whether a gap follows, the gap, then the weight payload. */
    public byte[] encode() {
        byte[] blob = WeightBlobs.encode(weights);
        return ByteBuffer.allocate(HEADER + blob.length).putInt(MAGIC).put((byte) (gap == null ? 0 : 1))
                .putDouble(gap == null ? 0 : gap).put(blob).array();
    }

    /**
     * Reads an entry of either format.
     *
     * @param source what the bytes are, for the error of a damaged entry
     * @throws IllegalArgumentException when the weights do not decode
     */
    public static JournaledEnergy decode(byte[] bytes, String source) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (bytes.length < HEADER || b.getInt() != MAGIC) {
            return new JournaledEnergy(WeightBlobs.decode(bytes, source), null);
        }
        boolean hasGap = b.get() != 0;
        double gap = b.getDouble();
        return new JournaledEnergy(WeightBlobs.decode(Arrays.copyOfRange(bytes, HEADER, bytes.length), source),
                hasGap ? gap : null);
    }
}
