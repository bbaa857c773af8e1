package io.dxmi.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

/**
 * The modules' layering, checked on the compiled classes of every module (not their tests):
 * services/core (the method) knows nothing of Kafka, Vert.x, Avro, the messages, the plumbing or
 * the figures (no AWT, no charts); services/platform (the plumbing) knows nothing of DxMI; the
 * figures module draws the method's data and knows nothing of messaging. A POM dependency that
 * should not exist would already fail compilation only if it is missing: these rules also catch
 * what a transitive dependency or the JDK makes compile (java.awt in core, for example).
 */
class LayeringTest {

    private static final String[] MESSAGING = {"org.apache.kafka..", "kafka..", "io.vertx..", "org.apache.avro..",
        "io.dxmi.schemas..", "io.dxmi.platform..", "io.dxmi.pipeline.."};
    // Drawing: AWT's graphics, fonts and shapes, JFreeChart, the figures module. Image files (javax.imageio,
    // java.awt.image) are data: core reads and writes them, in its image codecs only (the rule below).
    private static final String[] DRAWING = {"java.awt", "java.awt.geom..", "java.awt.font..", "org.jfree..",
        "io.dxmi.figures.."};
    private static final String[] IMAGE_FILES = {"javax.imageio..", "java.awt.image.."};
    private static final String CORE_IMAGE_CODECS =
            "io\\.dxmi\\.core\\.(data\\.image\\.(ImageDecoder|ImageFiles)|anomaly\\.FrameImages)(\\$.*)?";

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.dxmi");
        // The rules mean nothing on an empty import: each layer's classes must be there.
        for (String name : new String[] {"io.dxmi.core.dxmi.DxmiTrainer", "io.dxmi.platform.messaging.Consumer",
            "io.dxmi.figures.RunFigures", "io.dxmi.pipeline.RunPlan"}) {
            assertTrue(classes.contain(name), name + " was not imported");
        }
    }

    @Test
    void coreKnowsNoMessagingNorPlumbing() {
        ArchRule rule = noClasses().that().resideInAPackage("io.dxmi.core..").should().dependOnClassesThat()
                .resideInAnyPackage(MESSAGING)
                .because("services/core is the method; the services are the glue to Kafka, Vert.x and Avro");
        rule.check(classes);
    }

    @Test
    void coreDrawsNothing() {
        ArchRule rule = noClasses().that().resideInAPackage("io.dxmi.core..").should().dependOnClassesThat()
                .resideInAnyPackage(DRAWING)
                .because("the figures live in services/figures, which the programs call with core's data");
        rule.check(classes);
    }

    @Test
    void onlyCoresImageCodecsTouchImageFiles() {
        ArchRule rule = noClasses().that().resideInAPackage("io.dxmi.core..").and().haveNameNotMatching(
                CORE_IMAGE_CODECS).should().dependOnClassesThat().resideInAnyPackage(IMAGE_FILES)
                .because("decoding and encoding image files is kept to core's image codecs (ImageDecoder, ImageFiles,"
                        + " FrameImages); everything else works on pixel arrays");
        rule.check(classes);
    }

    @Test
    void platformKnowsNoDxmi() {
        ArchRule rule = noClasses().that().resideInAPackage("io.dxmi.platform..").should().dependOnClassesThat(
                resideInAPackage("io.dxmi..").and(not(resideInAPackage("io.dxmi.platform.."))))
                .because("services/platform is messaging and operations plumbing that any service could use");
        rule.check(classes);
    }

    @Test
    void figuresKnowNoMessaging() {
        ArchRule rule = noClasses().that().resideInAPackage("io.dxmi.figures..").should().dependOnClassesThat(
                resideInAnyPackage(MESSAGING))
                .because("the figures draw the method's data wherever it comes from");
        rule.check(classes);
    }

    private static final Set<String> SCALAR_KEEPING = Set.of("mul", "muli", "div", "divi", "maximum", "minimum",
            "pow", "powi");
    /**
     * DJL calls whose tensor points into a Java buffer that the garbage collector frees while the
     * engine may still read it: {@code NDManager.create} from Java values (arrays, buffers, numbers),
     * {@code NDArray.set(Buffer)}, and arithmetic with a Java number whose backward pass keeps the
     * number's tensor (mul, div, maximum, minimum, pow, and their in-place forms).
     */
    private static final DescribedPredicate<JavaMethodCall> JAVA_BACKED_TENSOR = DescribedPredicate.describe(
            "a DJL call that backs a tensor with Java memory", call -> {
                String owner = call.getTarget().getOwner().getName();
                String name = call.getTarget().getName();
                var params = call.getTarget().getRawParameterTypes();
                if (owner.equals("ai.djl.ndarray.NDManager") && name.equals("create")) {
                    return !params.isEmpty() && !params.get(0).getName().equals("ai.djl.ndarray.types.Shape");
                }
                if (owner.equals("ai.djl.ndarray.NDArray") && name.equals("set") && params.size() == 1) {
                    return params.get(0).getName().startsWith("java.nio.");
                }
                return owner.equals("ai.djl.ndarray.NDArray") && SCALAR_KEEPING.contains(name)
                        && params.stream().anyMatch(p -> p.getName().equals("java.lang.Number"));
            });

    @Test
    void tensorsNeverPointIntoJavaMemory() {
        ArchRule rule = noClasses().that().resideInAPackage("io.dxmi..").and()
                .doNotHaveFullyQualifiedName("io.dxmi.core.engine.OwnedArrays").should()
                .callMethodWhere(JAVA_BACKED_TENSOR)
                .because("such a tensor reads freed memory once its Java buffer is collected (a view of it, or the"
                        + " autograd graph, outlives the NDArray that kept the buffer): rare, tiny, timing-dependent"
                        + " differences between runs of one seed; use OwnedArrays");
        rule.check(classes);
    }
}
