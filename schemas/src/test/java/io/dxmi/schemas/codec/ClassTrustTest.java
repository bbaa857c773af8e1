package io.dxmi.schemas.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.schemas.EvaluationReport;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Avro 1.12.2 only instantiates classes of trusted packages; Codecs trusts io.dxmi.schemas by
 * itself, so no -Dorg.apache.avro.SERIALIZABLE_PACKAGES is needed (surefire passes none).
 */
class ClassTrustTest {

    @Test
    void decodingWorksWithoutAnyCommandLineFlag() {
        EvaluationReport r = EvaluationReport.newBuilder().setRunId("r").setPolicyVersion(1)
                .setEbmVersion(1).setIteration(1).setMetrics(Map.of()).setCreatedAtMillis(0)
                .setEvaluator("e").build();
        assertEquals(r, Codecs.decode(EvaluationReport.class, Codecs.encode(r)));
        List<String> packages = Arrays.asList(
                System.getProperty(Codecs.SERIALIZABLE_PACKAGES_PROPERTY).split(","));
        assertTrue(packages.contains("io.dxmi.schemas"), packages.toString());
    }

    @Test
    void thePackageIsAppendedNeverReplacingOthers() {
        assertEquals("io.dxmi.schemas", Codecs.withPackage(null, "io.dxmi.schemas"));
        assertEquals("io.dxmi.schemas", Codecs.withPackage(" ", "io.dxmi.schemas"));
        assertEquals("com.acme,io.dxmi.schemas", Codecs.withPackage("com.acme", "io.dxmi.schemas"));
        assertEquals("com.acme, io.dxmi.schemas",
                Codecs.withPackage("com.acme, io.dxmi.schemas", "io.dxmi.schemas"));
    }

    @Test
    void decodingWorksEvenIfAvroReadItsTrustSettingsBeforeCodecsLoaded() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process process = new ProcessBuilder(java, "-Xmx64m", "-Xshare:auto", "-cp",
                System.getProperty("java.class.path"), TrustProbe.class.getName())
                .redirectErrorStream(true).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "probe JVM did not finish");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("DECODED"), output);
    }
}
