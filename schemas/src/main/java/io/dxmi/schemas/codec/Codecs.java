package io.dxmi.schemas.codec;

import io.dxmi.schemas.AnomalyScore;
import io.dxmi.schemas.DeadLetter;
import io.dxmi.schemas.EvaluationReport;
import io.dxmi.schemas.Frame;
import io.dxmi.schemas.ThresholdChange;
import io.dxmi.schemas.TrajectoryBatch;
import io.dxmi.schemas.WeightSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro single-object encoding for the pipeline's records, versioned by schema fingerprint.
 *
 * <p>One {@link SchemaStore.Cache} holds the current schema of every record and every older
 * version kept under {@code /io/dxmi/schemas/history/<Record>.v<N>.avsc}, so bytes written by an
 * older producer decode into the current generated class by Avro schema resolution. All methods
 * are thread-safe. Every decoding failure is a {@link SchemaException} with a one-line reason.
 */
public final class Codecs {

    /** The package of the generated classes, which Avro must be told to trust. */
    public static final String GENERATED_PACKAGE = "io.dxmi.schemas";

    static final String SERIALIZABLE_PACKAGES_PROPERTY = "org.apache.avro.SERIALIZABLE_PACKAGES";

    /** The largest bytes or string field a message may hold unless the JVM sets Avro's own limits. */
    static final int MAX_FIELD_BYTES = 16 << 20;
    static final String BYTES_LIMIT_PROPERTY = "org.apache.avro.limits.bytes.maxLength";
    static final String STRING_LIMIT_PROPERTY = "org.apache.avro.limits.string.maxLength";

    private static final String HISTORY = "/io/dxmi/schemas/history/";
    private static final int HEADER_LENGTH = 10;
    private static final byte MAGIC_0 = (byte) 0xC3;
    private static final byte MAGIC_1 = (byte) 0x01;

    /** Every top-level message record; nested records (SnapshotProvenance, ScoreTimings, AnomalyMap) are not listed. */
    private static final List<Class<? extends SpecificRecord>> RECORD_TYPES = List.of(
            TrajectoryBatch.class, WeightSnapshot.class, EvaluationReport.class, DeadLetter.class, Frame.class,
            AnomalyScore.class, ThresholdChange.class);

    static {
        // Before any decoder exists: Avro 1.12.2 refuses to instantiate classes outside trusted
        // packages. The property is read once, when Avro's ClassSecurityValidator is first loaded...
        System.setProperty(SERIALIZABLE_PACKAGES_PROPERTY,
                withPackage(System.getProperty(SERIALIZABLE_PACKAGES_PROPERTY), GENERATED_PACKAGE));
        // A corrupted length prefix must not make Avro allocate gigabytes (an OutOfMemoryError is no
        // SchemaException, and it would take a service down): no message field is near 16 MiB (Kafka
        // records here are at most 2 MB). Read once, when Avro's SystemLimitException is first loaded.
        for (String limit : List.of(BYTES_LIMIT_PROPERTY, STRING_LIMIT_PROPERTY)) {
            if (System.getProperty(limit) == null) {
                System.setProperty(limit, Integer.toString(MAX_FIELD_BYTES));
            }
        }
        // ...so if something in this JVM loaded it earlier, also trust the package explicitly.
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
                ClassSecurityValidator.getGlobal(),
                type -> type.getName().startsWith(GENERATED_PACKAGE + ".")));
    }

    /** A schema this build knows: record simple name, version (0 = current, not in history). */
    private record Known(String name, int version, Schema schema, long fingerprint) {
        String label() {
            return version > 0 ? name + " v" + version : name + " (current, missing from history)";
        }
    }

    private static final Map<Class<?>, List<Schema>> HISTORY_BY_TYPE;
    private static final Map<Long, Known> KNOWN;
    private static final SchemaStore.Cache STORE = new SchemaStore.Cache();
    private static final Map<Class<?>, BinaryMessageEncoder<?>> ENCODERS = new ConcurrentHashMap<>();
    /** Per (reader class, writer fingerprint): a resolving reader. */
    private static final Map<String, SpecificDatumReader<?>> READERS = new ConcurrentHashMap<>();

    static {
        Map<Class<?>, List<Schema>> history = new LinkedHashMap<>();
        Map<Long, Known> known = new LinkedHashMap<>();
        for (Class<? extends SpecificRecord> type : RECORD_TYPES) {
            List<Schema> versions = loadHistory(type.getSimpleName());
            history.put(type, Collections.unmodifiableList(versions));
            for (int i = 0; i < versions.size(); i++) {
                Schema schema = versions.get(i);
                STORE.addSchema(schema);
                known.put(SchemaNormalization.parsingFingerprint64(schema),
                        new Known(type.getSimpleName(), i + 1, schema,
                        SchemaNormalization.parsingFingerprint64(schema)));
            }
            Schema current = schemaOf(type);
            STORE.addSchema(current);
            known.putIfAbsent(SchemaNormalization.parsingFingerprint64(current),
                    new Known(type.getSimpleName(), 0, current,
                            SchemaNormalization.parsingFingerprint64(current)));
        }
        HISTORY_BY_TYPE = Collections.unmodifiableMap(history);
        KNOWN = Collections.unmodifiableMap(known);
    }

    private Codecs() {}

    /** Encodes {@code record} with single-object encoding under its current schema. */
    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecord> byte[] encode(T record) {
        Objects.requireNonNull(record, "record");
        BinaryMessageEncoder<T> encoder = (BinaryMessageEncoder<T>) ENCODERS.computeIfAbsent(
                record.getClass(), type -> new BinaryMessageEncoder<T>(SpecificData.get(), record.getSchema()));
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try {
            encoder.encode(record, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        } catch (RuntimeException e) { // a required field left null, a value of the wrong type
            throw new SchemaException("cannot encode " + record.getClass().getSimpleName() + ": "
                    + oneLine(e), e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes single-object encoded {@code bytes} into the current class {@code type}; the writer may
     * have used the current schema or any version in the history.
     *
     * @throws SchemaException if the bytes are not single-object encoding, carry an unknown schema
     *     fingerprint, hold another record type, or are truncated or malformed
     */
    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecord> T decode(Class<T> type, byte[] bytes) {
        Objects.requireNonNull(type, "type");
        String name = type.getSimpleName();
        Known writer = writerOf(bytes, name);
        Schema reader = schemaOf(type);
        if (!writer.schema().getFullName().equals(reader.getFullName())
                && !reader.getAliases().contains(writer.schema().getFullName())) {
            throw new SchemaException("expected a " + name + " but the message is a " + writer.label());
        }
        SpecificDatumReader<T> datumReader = (SpecificDatumReader<T>) READERS.computeIfAbsent(
                type.getName() + "/" + writer.fingerprint(),
                k -> new SpecificDatumReader<T>(writer.schema(), reader, SpecificData.get()));
        try {
            // A decoder over the byte array, not a stream: Avro then checks every declared string,
            // bytes and collection length against the bytes actually there, so a record declaring a
            // 2 GB string fails at once instead of allocating it (OutOfMemoryError).
            return datumReader.read(null,
                    DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null));
        } catch (IOException | RuntimeException e) {
            // Avro wraps the EOFException of a short body in "Decoding datum failed".
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof EOFException) {
                    throw new SchemaException("truncated record of type " + name + " (" + bytes.length
                            + " bytes, written as " + writer.label() + ")", e);
                }
            }
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new SchemaException("malformed record of type " + name + " (written as "
                    + writer.label() + "): " + oneLine(root), e);
        }
    }

    /**
     * Names the record type and schema version of single-object encoded {@code bytes} without
     * decoding the body, e.g. {@code "TrajectoryBatch v1"}; for metrics and dead-letter reasons.
     *
     * @throws SchemaException if the header is bad or the fingerprint unknown
     */
    public static String identify(byte[] bytes) {
        return writerOf(bytes, "message").label();
    }

    /** The store of every known schema (current and history), for generic readers. */
    public static SchemaStore store() {
        return STORE;
    }

    /** The top-level message record classes. */
    public static List<Class<? extends SpecificRecord>> recordTypes() {
        return RECORD_TYPES;
    }

    /** The historical schemas of {@code type}, index 0 = v1; the last is the current version. */
    public static List<Schema> history(Class<? extends SpecificRecord> type) {
        List<Schema> versions = HISTORY_BY_TYPE.get(type);
        if (versions == null) {
            throw new IllegalArgumentException(type.getName() + " is not a message record type");
        }
        return versions;
    }

    /**
     * The version number of {@code type}'s current schema in its history (its fingerprint matched
     * against v1..vN, newest first), or 0 if the current schema was never copied into the history.
     */
    public static int currentVersion(Class<? extends SpecificRecord> type) {
        long current = SchemaNormalization.parsingFingerprint64(schemaOf(type));
        List<Schema> versions = history(type);
        for (int i = versions.size() - 1; i >= 0; i--) {
            if (SchemaNormalization.parsingFingerprint64(versions.get(i)) == current) {
                return i + 1;
            }
        }
        return 0;
    }

    /** Reads and checks the 10-byte header: marker C3 01 and a known fingerprint. */
    private static Known writerOf(byte[] bytes, String expected) {
        if (bytes == null) {
            throw new SchemaException("no bytes (null) where a " + expected + " was expected");
        }
        if (bytes.length < 2 || bytes[0] != MAGIC_0 || bytes[1] != MAGIC_1) {
            throw new SchemaException("not Avro single-object encoding (bad header "
                    + hex(bytes, 0, Math.min(2, bytes.length)) + ", expected C301) where a " + expected
                    + " was expected, " + bytes.length + " bytes");
        }
        if (bytes.length < HEADER_LENGTH) {
            throw new SchemaException("truncated header: " + bytes.length
                    + " bytes, single-object encoding needs at least " + HEADER_LENGTH + " (expected a "
                    + expected + ")");
        }
        long fingerprint = 0;
        for (int i = HEADER_LENGTH - 1; i >= 2; i--) { // little-endian
            fingerprint = (fingerprint << 8) | (bytes[i] & 0xFFL);
        }
        Known known = KNOWN.get(fingerprint);
        if (known == null) {
            throw new SchemaException(String.format(
                    "unknown schema fingerprint 0x%016x (not one of: %s) where a %s was expected",
                    fingerprint, KNOWN.values().stream().map(Known::label).collect(Collectors.joining(", ")),
                    expected));
        }
        return known;
    }

    private static List<Schema> loadHistory(String name) {
        List<Schema> versions = new ArrayList<>();
        for (int v = 1; ; v++) {
            String path = HISTORY + name + ".v" + v + ".avsc";
            try (InputStream in = Codecs.class.getResourceAsStream(path)) {
                if (in == null) {
                    return versions;
                }
                versions.add(new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException | RuntimeException e) {
                throw new ExceptionInInitializerError("cannot load schema history " + path + ": " + e);
            }
        }
    }

    private static Schema schemaOf(Class<?> type) {
        return SpecificData.get().getSchema(type);
    }

    static String withPackage(String existing, String pkg) {
        if (existing == null || existing.isBlank()) {
            return pkg;
        }
        for (String entry : existing.split(",")) {
            if (entry.trim().equals(pkg)) {
                return existing;
            }
        }
        return existing + "," + pkg;
    }

    private static String hex(byte[] bytes, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append(String.format("%02X", bytes[i]));
        }
        return sb.length() == 0 ? "(empty)" : sb.toString();
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        return message.replaceAll("\\s+", " ").trim();
    }
}
