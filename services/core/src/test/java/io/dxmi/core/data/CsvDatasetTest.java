package io.dxmi.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dxmi.core.random.Rng;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDatasetTest {

    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private DataFormatException failure(Path p) {
        return assertThrows(DataFormatException.class, () -> CsvDataset.load(p));
    }

    @Test
    void readsWithHeader() throws IOException {
        CsvDataset d = CsvDataset.load(file("h.csv", "x, y ,z\n1,2,3\n4.5,-6e-1,7\n"));
        assertEquals("h.csv", d.name());
        assertEquals(3, d.dimension());
        assertEquals(2, d.size());
        assertArrayEquals(new float[] {1, 2, 3, 4.5f, -0.6f, 7}, d.rows());
    }

    @Test
    void readsWithoutHeaderWithBlankLinesAndCrlf() throws IOException {
        CsvDataset d = CsvDataset.load(file("n.csv", "\n1,2\r\n\r\n  3 , 4 \r\n\n"));
        assertEquals(2, d.dimension());
        assertArrayEquals(new float[] {1, 2, 3, 4}, d.rows());
    }

    @Test
    void readsSemicolonAndTabSeparators() throws IOException {
        assertArrayEquals(new float[] {1, 2, 3, 4}, CsvDataset.load(file("s.csv", "a;b\n1;2\n3;4\n")).rows());
        assertArrayEquals(new float[] {1, 2, 3, 4}, CsvDataset.load(file("t.csv", "1\t2\n3\t4\n")).rows());
    }

    @Test
    void readsOneDimensionalFile() throws IOException {
        CsvDataset d = CsvDataset.load(file("one.csv", "value\n1\n2\n"));
        assertEquals(1, d.dimension());
        assertEquals(2, d.size());
    }

    @Test
    void missingFile() {
        Path p = dir.resolve("nope.csv");
        assertEquals("data file not found: " + p, failure(p).getMessage());
    }

    @Test
    void directoryIsUnreadable() {
        String msg = failure(dir).getMessage();
        assertTrue(msg.startsWith("cannot read data file " + dir + ": "), msg);
    }

    @Test
    void emptyFileAndHeaderOnlyHaveNoRows() throws IOException {
        Path empty = file("e.csv", "");
        assertEquals("data file " + empty + " has no data rows", failure(empty).getMessage());
        Path header = file("ho.csv", "x,y\n\n");
        assertEquals("data file " + header + " has no data rows", failure(header).getMessage());
    }

    @Test
    void raggedRowNamesLineAndCounts() throws IOException {
        Path p = file("r.csv", "\n1,2,3\n4,5,6\n\n\n\n7,8\n");
        assertEquals(p + " line 7: expected 3 values (as on line 2) but found 2", failure(p).getMessage());
    }

    @Test
    void headerWidthMustMatchData() throws IOException {
        Path p = file("hw.csv", "x,y\n1,2,3\n");
        assertEquals(p + " line 2: expected 2 values (as on line 1) but found 3", failure(p).getMessage());
    }

    @Test
    void nonNumberNamesLineAndColumn() throws IOException {
        Path p = file("nn.csv", "x,y\n1,2\n3,4\n\n5,abc\n");
        assertEquals(p + " line 5, column 2: 'abc' is not a number", failure(p).getMessage());
    }

    @Test
    void nonFiniteNamesLineAndColumn() throws IOException {
        Path p = file("nf.csv", "1,2\n3,4\n5,6\n7,8\n9,NaN\n");
        assertEquals(p + " line 5, column 2: 'NaN' is not a finite number", failure(p).getMessage());
        Path q = file("inf.csv", "1,2\n-inf,4\n");
        assertEquals(q + " line 2, column 1: '-inf' is not a finite number", failure(q).getMessage());
        Path r = file("big.csv", "1,2\n1e300,4\n");
        assertTrue(failure(r).getMessage().startsWith(r + " line 2, column 1: '1e300' is not a finite number"));
    }

    @Test
    void writeThenLoadRoundTripsExactly() throws IOException {
        float[] rows = new Rng(3).gaussians(3 * 200);
        rows[0] = 1e-30f;
        rows[1] = -3.4e38f;
        rows[2] = 0.1f;
        Path p = dir.resolve("w.csv");
        CsvDataset.write(p, rows, 3, new String[] {"a", "b", "c"});
        CsvDataset back = CsvDataset.load(p);
        assertArrayEquals(rows, back.rows());
        assertEquals(3, back.dimension());
        Path q = dir.resolve("nh.csv");
        CsvDataset.write(q, rows, 3, null);
        assertArrayEquals(rows, CsvDataset.load(q).rows());
        assertTrue(Files.readString(p).startsWith("a,b,c\n"));
    }

    @Test
    void contentHashFollowsBytes() throws IOException {
        Path a = file("a.csv", "1,2\n");
        Path b = file("b.csv", "1,2\n");
        Path c = file("c.csv", "1,3\n");
        assertEquals(CsvDataset.load(a).contentHash(), CsvDataset.load(b).contentHash());
        assertFalse(CsvDataset.load(a).contentHash().equals(CsvDataset.load(c).contentHash()));
        assertEquals(CsvDataset.of("x", new float[] {1, 2}, 2).contentHash(),
                CsvDataset.of("y", new float[] {1, 2}, 2).contentHash());
        assertFalse(CsvDataset.of("x", new float[] {1, 2}, 2).contentHash()
                .equals(CsvDataset.of("x", new float[] {1, 2}, 1).contentHash()));
    }

    @Test
    void samplingWithReplacementCoversAllRows() {
        float[] rows = {0, 0, 1, 10, 2, 20, 3, 30};
        CsvDataset d = CsvDataset.of("mem", rows, 2);
        float[] s = d.sample(400, new Rng(1));
        boolean[] seen = new boolean[4];
        for (int i = 0; i < 400; i++) {
            int k = (int) s[2 * i];
            assertEquals(10f * k, s[2 * i + 1], "rows are copied whole");
            seen[k] = true;
        }
        assertArrayEquals(new boolean[] {true, true, true, true}, seen);
        assertArrayEquals(s, d.sample(400, new Rng(1)));
    }

    @Test
    void evaluationBoxIsBoundingBoxWidenedByTenPercent() {
        CsvDataset d = CsvDataset.of("mem", new float[] {0, -1, 10, 1, 5, 0}, 2);
        assertArrayEquals(new double[] {-1, -1.2}, d.evaluationBox().lo(), 1e-9);
        assertArrayEquals(new double[] {11, 1.2}, d.evaluationBox().hi(), 1e-9);
        assertEquals("the data's bounding box widened by 10% on each side: [-1, 11] x [-1.2, 1.2]",
                d.evaluationBoxDescription());
    }
}
