package io.dxmi.core.data;

import io.dxmi.core.random.Rng;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * A finite data set read from a CSV file of numeric rows, of any dimension.
 *
 * <p>Format: one row per line; blank lines are skipped; fields are trimmed. The separator is a
 * comma; if the first non-blank line has no comma but has a semicolon (else a tab), that
 * character is the separator for the whole file. The first non-blank line is a header if any of
 * its fields is not a number; a header must have as many fields as the data rows. Every value must
 * be a finite float. Line numbers in messages are 1-based physical lines.
 */
public final class CsvDataset implements DataSource {

    private final String name;
    private final float[] rows;
    private final int dim;
    private final String hash;
    private final Box evaluationBox;

    private CsvDataset(String name, float[] rows, int dim, String hash) {
        this.name = name;
        this.rows = rows;
        this.dim = dim;
        this.hash = hash;
        this.evaluationBox = Box.boundingBox(rows, dim).widened(0.10);
    }

    /** An in-memory data set; its hash covers the dimension and the floats' bits. */
    public static CsvDataset of(String name, float[] rows, int dim) {
        if (dim <= 0) {
            throw new IllegalArgumentException("dimension must be positive: " + dim);
        }
        if (rows.length == 0 || rows.length % dim != 0) {
            throw new IllegalArgumentException(
                    "need a non-empty row-major array with a multiple of " + dim + " values, got " + rows.length);
        }
        for (int i = 0; i < rows.length; i++) {
            if (!Float.isFinite(rows[i])) {
                throw new IllegalArgumentException(
                        "row " + (i / dim) + ", column " + (i % dim + 1) + " is not finite: " + rows[i]);
            }
        }
        ByteBuffer bytes = ByteBuffer.allocate(4 + 4 * rows.length);
        bytes.putInt(dim);
        for (float v : rows) {
            bytes.putFloat(v);
        }
        return new CsvDataset(name, rows.clone(), dim, Sha256.hex(bytes.array()));
    }

    /** Reads a CSV file; any problem is a {@link DataFormatException} with a one-line message. */
    public static CsvDataset load(Path file) {
        byte[] bytes = readBytes(file);
        Parsed parsed = new CsvParser(file.toString(), new String(bytes, StandardCharsets.UTF_8)).parse();
        Path fileName = file.getFileName();
        return new CsvDataset(fileName == null ? file.toString() : fileName.toString(),
                parsed.rows(), parsed.dim(), Sha256.hex(bytes));
    }

    private static byte[] readBytes(Path file) {
        if (Files.isDirectory(file)) {
            throw new DataFormatException("cannot read data file " + file + ": it is a directory");
        }
        if (!Files.exists(file)) {
            throw new DataFormatException("data file not found: " + file);
        }
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataFormatException("data file not found: " + file, e);
        } catch (AccessDeniedException e) {
            throw new DataFormatException("cannot read data file " + file + ": permission denied", e);
        } catch (IOException | OutOfMemoryError e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new DataFormatException("cannot read data file " + file + ": " + reason, e);
        }
    }

    /**
     * Writes rows as CSV with comma separators, one row per line, each value as
     * {@link Float#toString(float)} so that reading it back gives the same floats.
     *
     * @param header column names, or null for no header line
     */
    public static void write(Path file, float[] rows, int dim, String[] header) throws IOException {
        checkShape(rows, dim, header);
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(out, rows, dim, header);
        }
    }

    /** {@link #write(Path, float[], int, String[])} to an open writer (left open: it may be standard output). */
    public static void write(Writer out, float[] rows, int dim, String[] header) throws IOException {
        checkShape(rows, dim, header);
        StringBuilder line = new StringBuilder(16 * dim);
        if (header != null) {
            for (int j = 0; j < dim; j++) {
                String h = header[j];
                if (h.contains(",") || h.contains("\n") || h.contains("\r")) {
                    throw new IllegalArgumentException("header name must not contain a comma or newline: '" + h + "'");
                }
                if (j > 0) {
                    line.append(',');
                }
                line.append(h);
            }
            out.write(line.append('\n').toString());
        }
        for (int i = 0; i < rows.length; i += dim) {
            line.setLength(0);
            for (int j = 0; j < dim; j++) {
                if (j > 0) {
                    line.append(',');
                }
                line.append(Float.toString(rows[i + j]));
            }
            out.write(line.append('\n').toString());
        }
        out.flush();
    }

    private static void checkShape(float[] rows, int dim, String[] header) {
        if (dim <= 0 || rows.length % dim != 0) {
            throw new IllegalArgumentException(
                    "need a row-major array with a multiple of " + dim + " values, got " + rows.length);
        }
        if (header != null && header.length != dim) {
            throw new IllegalArgumentException(
                    "header has " + header.length + " names but rows have " + dim + " values");
        }
    }

    /** The separator of a file whose first non-blank line is {@code line}: a comma, else a semicolon, else a tab. */
    public static char separatorOf(String line) {
        if (line.indexOf(',') >= 0) {
            return ',';
        }
        if (line.indexOf(';') >= 0) {
            return ';';
        }
        if (line.indexOf('\t') >= 0) {
            return '\t';
        }
        return ',';
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int dimension() {
        return dim;
    }

    /** Number of rows. */
    public int size() {
        return rows.length / dim;
    }

    /** All rows, row-major (a copy). */
    public float[] rows() {
        return rows.clone();
    }

    /** n rows drawn uniformly with replacement. */
    @Override
    public float[] sample(int n, Rng rng) {
        if (n < 0) {
            throw new IllegalArgumentException("sample count must be >= 0: " + n);
        }
        float[] out = new float[n * dim];
        int size = size();
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows, rng.nextInt(size) * dim, out, i * dim, dim);
        }
        return out;
    }

    /** The data's bounding box widened by 10% of its width on each side. */
    @Override
    public Box evaluationBox() {
        return evaluationBox;
    }

    @Override
    public String evaluationBoxDescription() {
        return "the data's bounding box widened by 10% on each side: " + evaluationBox.describe();
    }

    /** SHA-256 of the file's bytes (for {@link #of}: of the dimension and the floats). */
    @Override
    public String contentHash() {
        return hash;
    }

    @Override
    public String toString() {
        return name + " (" + size() + " rows of dimension " + dim + ")";
    }

    /** Rows read from a file, with their dimension. */
    private record Parsed(float[] rows, int dim) {
    }

    /** One pass over the text; keeps the parsing state out of the data set itself. */
    private static final class CsvParser {

        private final String path;
        private final String text;
        private char separator = ',';
        private int dim = -1;
        private int dimLine;
        private float[] values = new float[1024];
        private int count;

        CsvParser(String path, String text) {
            this.path = path;
            // A UTF-8 byte-order mark would otherwise make the first field look like a header.
            this.text = text.startsWith("\uFEFF") ? text.substring(1) : text;
        }

        Parsed parse() {
            boolean first = true;
            int lineNumber = 0;
            int start = 0;
            while (start < text.length()) {
                int end = text.indexOf('\n', start);
                if (end < 0) {
                    end = text.length();
                }
                lineNumber++;
                String line = text.substring(start, end).trim();
                start = end + 1;
                if (line.isEmpty()) {
                    continue;
                }
                if (first) {
                    first = false;
                    separator = separatorOf(line);
                    String[] fields = split(line);
                    if (isHeader(fields)) {
                        dim = fields.length;
                        dimLine = lineNumber;
                        continue;
                    }
                }
                addRow(split(line), lineNumber);
            }
            if (count == 0) {
                throw new DataFormatException("data file " + path + " has no data rows");
            }
            return new Parsed(Arrays.copyOf(values, count), dim);
        }

        private String[] split(String line) {
            // limit -1 keeps trailing empty fields, so "1,2," is reported rather than accepted.
            String[] fields = line.split(separator == '\t' ? "\t" : String.valueOf(separator), -1);
            for (int i = 0; i < fields.length; i++) {
                fields[i] = fields[i].trim();
            }
            return fields;
        }

        /**
         * A header has a non-empty field that is neither a number nor a NaN/infinity spelling; an
         * empty field alone does not make one, so "1,,2" is reported as a bad data row.
         */
        private static boolean isHeader(String[] fields) {
            for (String f : fields) {
                if (!f.isEmpty() && !isNonFiniteSpelling(f) && !parses(f)) {
                    return true;
                }
            }
            return false;
        }

        private void addRow(String[] fields, int lineNumber) {
            if (dim < 0) {
                dim = fields.length;
                dimLine = lineNumber;
            } else if (fields.length != dim) {
                throw new DataFormatException(path + " line " + lineNumber + ": expected " + dim
                        + " values (as on line " + dimLine + ") but found " + fields.length);
            }
            if (count + dim > values.length) {
                values = Arrays.copyOf(values, Math.max(values.length * 2, count + dim));
            }
            for (int j = 0; j < dim; j++) {
                values[count + j] = parseValue(fields[j], lineNumber, j + 1);
            }
            count += dim;
        }

        private float parseValue(String field, int lineNumber, int column) {
            String where = path + " line " + lineNumber + ", column " + column + ": ";
            if (field.isEmpty()) {
                throw new DataFormatException(where + "the value is empty");
            }
            if (isNonFiniteSpelling(field)) {
                throw new DataFormatException(where + "'" + field + "' is not a finite number");
            }
            if (!parses(field)) {
                throw new DataFormatException(where + "'" + field + "' is not a number");
            }
            float v = Float.parseFloat(field);
            if (!Float.isFinite(v)) {
                throw new DataFormatException(where + "'" + field + "' is not a finite number (outside the float range)");
            }
            return v;
        }

        /** NaN and infinities as Java, numpy or pandas write them. */
        private static boolean isNonFiniteSpelling(String field) {
            String f = field.toLowerCase(Locale.ROOT);
            if (f.startsWith("+") || f.startsWith("-")) {
                f = f.substring(1);
            }
            return f.equals("nan") || f.equals("inf") || f.equals("infinity");
        }

        /** Decimal numbers only: Java's float syntax also takes "1f", "2d" and hex, which CSV does not mean. */
        private static boolean parses(String field) {
            if (field.isEmpty()) {
                return false;
            }
            char last = field.charAt(field.length() - 1);
            if (last == 'f' || last == 'F' || last == 'd' || last == 'D' || field.indexOf('x') >= 0
                    || field.indexOf('X') >= 0) {
                return false;
            }
            try {
                Float.parseFloat(field);
                return true;
            } catch (NumberFormatException e) {
                return false;
            }
        }
    }
}
