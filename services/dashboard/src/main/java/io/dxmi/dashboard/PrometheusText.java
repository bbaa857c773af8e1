package io.dxmi.dashboard;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A parser of the Prometheus text exposition format (version 0.0.4, what {@code curl} on a service's
 * {@code /metrics} shows), enough for the dashboard: samples with their labels and values. Comments,
 * {@code # HELP} and {@code # TYPE} lines and timestamps are ignored; a malformed line is skipped rather than
 * failing the whole scrape, so that one odd series never hides a service's health.
 */
public final class PrometheusText {

    /** One sample line: {@code name{labels} value}. */
    public record Sample(String name, Map<String, String> labels, double value) {

        /** The value of label {@code key}, or null. */
        public String label(String key) {
            return labels.get(key);
        }
    }

    private final List<Sample> samples;

    private PrometheusText(List<Sample> samples) {
        this.samples = samples;
    }

    /** Parses a whole exposition. */
    public static PrometheusText parse(String text) {
        List<Sample> out = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Sample s = parseLine(line);
            if (s != null) {
                out.add(s);
            }
        }
        return new PrometheusText(Collections.unmodifiableList(out));
    }

    /** Every sample, in the exposition's order. */
    public List<Sample> samples() {
        return samples;
    }

    /** Every sample of metric {@code name}. */
    public List<Sample> all(String name) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : samples) {
            if (s.name().equals(name)) {
                out.add(s);
            }
        }
        return out;
    }

    /** The first sample of {@code name}'s value, if any. */
    public OptionalDouble first(String name) {
        for (Sample s : samples) {
            if (s.name().equals(name)) {
                return OptionalDouble.of(s.value());
            }
        }
        return OptionalDouble.empty();
    }

    /** The sum over every sample of {@code name} (for example a counter split by a label), if any. */
    public OptionalDouble sum(String name) {
        double total = 0;
        boolean any = false;
        for (Sample s : samples) {
            if (s.name().equals(name)) {
                total += s.value();
                any = true;
            }
        }
        return any ? OptionalDouble.of(total) : OptionalDouble.empty();
    }

    /** Parses one non-comment line, or returns null when it is malformed. */
    static Sample parseLine(String line) {
        int i = 0;
        int n = line.length();
        while (i < n && isNameChar(line.charAt(i), i == 0)) {
            i++;
        }
        if (i == 0) {
            return null;
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < n && line.charAt(i) == '{') {
            i++;
            while (true) {
                while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == ',')) {
                    i++;
                }
                if (i >= n) {
                    return null;
                }
                if (line.charAt(i) == '}') {
                    i++;
                    break;
                }
                int k0 = i;
                while (i < n && isNameChar(line.charAt(i), i == k0)) {
                    i++;
                }
                if (i == k0 || i >= n || line.charAt(i) != '=') {
                    return null;
                }
                String key = line.substring(k0, i);
                i++;
                if (i >= n || line.charAt(i) != '"') {
                    return null;
                }
                i++;
                StringBuilder v = new StringBuilder();
                boolean closed = false;
                while (i < n) {
                    char c = line.charAt(i++);
                    if (c == '\\' && i < n) {
                        char e = line.charAt(i++);
                        v.append(e == 'n' ? '\n' : e);
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        v.append(c);
                    }
                }
                if (!closed) {
                    return null;
                }
                labels.put(key, v.toString());
            }
        }
        String[] rest = line.substring(i).strip().split("\\s+");
        if (rest.length == 0 || rest[0].isEmpty()) {
            return null;
        }
        Double value = parseValue(rest[0]);
        return value == null ? null : new Sample(name, Collections.unmodifiableMap(labels), value);
    }

    private static Double parseValue(String s) {
        switch (s) {
            case "+Inf":
            case "Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            case "NaN":
                return Double.NaN;
            default:
                try {
                    return Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    return null;
                }
        }
    }

    private static boolean isNameChar(char c, boolean first) {
        return c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9');
    }
}
