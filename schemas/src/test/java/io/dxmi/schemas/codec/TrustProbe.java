package io.dxmi.schemas.codec;

import io.dxmi.schemas.EvaluationReport;
import java.util.Map;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Run in a fresh JVM by {@link ClassTrustTest}: Avro's class validator is initialised (and reads
 * the still-unset SERIALIZABLE_PACKAGES property) BEFORE Codecs is loaded; decoding must still work.
 */
public final class TrustProbe {

    private TrustProbe() {}

    public static void main(String[] args) throws Exception {
        ClassSecurityValidator.getGlobal();
        EvaluationReport chunk = EvaluationReport.newBuilder().setRunId("r").setPolicyVersion(1)
                .setEbmVersion(1).setIteration(1).setMetrics(Map.of("sw", 0.5))
                .setCreatedAtMillis(2).setEvaluator("e").build();
        byte[] bytes = new BinaryMessageEncoder<EvaluationReport>(SpecificData.get(), chunk.getSchema())
                .encode(chunk).array();
        EvaluationReport back = Codecs.decode(EvaluationReport.class, bytes);
        System.out.println(back.equals(chunk) ? "DECODED" : "DIFFERENT");
    }
}
