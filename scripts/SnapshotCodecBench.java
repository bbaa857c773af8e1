import io.dxmi.core.diffusion.DdpmModel;
import io.dxmi.core.diffusion.PretrainConfig;
import io.dxmi.core.engine.DjlRuntime;
import io.dxmi.core.model.Normalization;
import io.dxmi.core.random.Rng;
import io.dxmi.pipeline.WeightBlobs;
import io.dxmi.platform.snapshot.BlobCodec;
import io.dxmi.platform.snapshot.BlobManifest;

import java.security.MessageDigest;
import java.util.Map;

/**
 * What a snapshot costs to (de)serialise, without Kafka: the default network's weights (the
 * policy of 8 Gaussians: hidden 128, 3 layers) encoded as a tensor archive, hashed, wrapped in an
 * inline manifest, and back. Run by scripts/bench-snapshots; prints mean milliseconds per call.
 */
public class SnapshotCodecBench {

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        DjlRuntime.configure(1);
        Map<String, float[]> weights;
        try (DdpmModel m = new DdpmModel(PretrainConfig.defaults(), 2, Normalization.identity(2), new Rng(1))) {
            weights = m.epsNet().parameters().toFloatArrays();
        }
        double[] sum = new double[6];
        int bytes = 0;
        for (int i = 0; i < 2 * rounds; i++) { // the first half warms the JIT up and is not counted
            long t0 = System.nanoTime();
            byte[] blob = WeightBlobs.encode(weights);
            long t1 = System.nanoTime();
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(blob);
            long t2 = System.nanoTime();
            byte[] manifest = BlobCodec.encode(new BlobManifest("policy", i, blob.length, 0, sha, Map.of(), "", -1, -1,
                    blob));
            long t3 = System.nanoTime();
            BlobManifest back = BlobCodec.decodeManifest(manifest);
            long t4 = System.nanoTime();
            if (!MessageDigest.isEqual(sha, MessageDigest.getInstance("SHA-256").digest(back.inline()))) {
                throw new AssertionError("round trip changed the blob");
            }
            long t5 = System.nanoTime();
            WeightBlobs.decode(back.inline(), "bench");
            long t6 = System.nanoTime();
            if (i >= rounds) {
                long[] t = {t0, t1, t2, t3, t4, t5, t6};
                for (int k = 0; k < 6; k++) {
                    sum[k] += t[k + 1] - t[k];
                }
            }
            bytes = blob.length;
        }
        String[] names = {"archive encode", "SHA-256", "manifest encode", "manifest decode", "SHA-256 verify",
                "archive decode (verifies its trailer)"};
        System.out.printf("snapshot of %d bytes (%d tensors), mean over %d rounds after %d warm-up rounds:%n", bytes,
                weights.size(), rounds, rounds);
        double total = 0;
        for (int k = 0; k < 6; k++) {
            System.out.printf("  %-40s %.3f ms%n", names[k], sum[k] / rounds / 1e6);
            total += sum[k] / rounds / 1e6;
        }
        System.out.printf("  %-40s %.3f ms%n", "total per hop", total);
    }
}
