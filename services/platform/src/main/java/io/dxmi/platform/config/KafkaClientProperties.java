package io.dxmi.platform.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Kafka client properties from the places Kafka users keep them, so that secrets need not be on a command line
 * (where {@code ps} shows them):
 * <ul>
 *   <li>a client properties file, as Kafka's own tools read with {@code --command-config}
 *       ({@link #fromFile});</li>
 *   <li>environment variables {@code DXMI_KAFKA_<NAME>}: the rest of the name, lower-cased, with {@code _} read
 *       as {@code .} ({@code DXMI_KAFKA_SASL_JAAS_CONFIG} is {@code sasl.jaas.config},
 *       {@code DXMI_KAFKA_BOOTSTRAP_SERVERS} is {@code bootstrap.servers}; {@link #fromEnvironment}).</li>
 * </ul>
 * {@link #merge} layers them: environment, then file, then explicit properties (the command line wins).
 */
public final class KafkaClientProperties {

    /** Prefix of the environment variables read as client properties. */
    public static final String ENV_PREFIX = "DXMI_KAFKA_";

    private KafkaClientProperties() {
    }

    /**
     * Reads a Java properties file of client properties. Errors name the file and the reason (missing, not a
     * regular file, permission denied, malformed).
     */
    public static Map<String, String> fromFile(Path file) {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException("Kafka client config " + file + " is a directory, not a properties file");
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("Kafka client config " + file + " not found");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("Kafka client config " + file + " is not readable: permission denied");
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("Kafka client config " + file + " cannot be read: " + e.getMessage());
        }
        Map<String, String> out = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            out.put(k.trim(), p.getProperty(k).trim());
        }
        return out;
    }

    /** The client properties named by {@value #ENV_PREFIX}* variables of {@code environment}. */
    public static Map<String, String> fromEnvironment(Map<String, String> environment) {
        Map<String, String> out = new TreeMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length() && value != null) {
                out.put(propertyName(name), value.trim());
            }
        });
        return out;
    }

    /** The client property an environment variable stands for ({@code DXMI_KAFKA_SASL_MECHANISM → sasl.mechanism}). */
    public static String propertyName(String variable) {
        return variable.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /** Environment, then file, then explicit properties: a later source overrides an earlier one. */
    @SafeVarargs
    public static Map<String, String> merge(Map<String, String>... layers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map<String, String> layer : layers) {
            out.putAll(layer);
        }
        return out;
    }
}
