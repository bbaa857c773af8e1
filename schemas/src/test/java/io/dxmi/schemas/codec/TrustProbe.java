package io.dxmi.schemas.codec;

import io.dxmi.schemas.SnapshotChunk;
import java.nio.ByteBuffer;
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
    SnapshotChunk chunk = SnapshotChunk.newBuilder().setRunId("r").setModel("ebm").setVersion(1)
        .setIndex(0).setCount(1).setData(ByteBuffer.wrap(new byte[] {4, 2})).build();
    byte[] bytes = new BinaryMessageEncoder<SnapshotChunk>(SpecificData.get(), chunk.getSchema())
        .encode(chunk).array();
    SnapshotChunk back = Codecs.decode(SnapshotChunk.class, bytes);
    System.out.println(back.equals(chunk) ? "DECODED" : "DIFFERENT");
  }
}
