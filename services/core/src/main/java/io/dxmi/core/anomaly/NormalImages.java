package io.dxmi.core.anomaly;

import io.dxmi.core.data.Box;
import io.dxmi.core.data.DataSource;
import io.dxmi.core.data.SampleShape;
import io.dxmi.core.data.Sha256;
import io.dxmi.core.random.Rng;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** One class's training images as a data source (uniform draws with replacement). */
final class NormalImages implements DataSource {
    private final String name;
    private final SampleShape shape;
    private final float[] rows;
    private final String hash;

    NormalImages(String name, SampleShape shape, float[] rows) {
        this.name = name;
        this.shape = shape;
        this.rows = rows;
        ByteBuffer b = ByteBuffer.allocate(rows.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(rows);
        this.hash = Sha256.hex(b.array());
    }

    /** The images, row-major (not copied). */
    float[] rows() {
        return rows;
    }

    int count() {
        return rows.length / shape.size();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int dimension() {
        return shape.size();
    }

    @Override
    public SampleShape shape() {
        return shape;
    }

    @Override
    public float[] sample(int n, Rng rng) {
        int size = shape.size();
        float[] out = new float[n * size];
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows, rng.nextInt(count()) * size, out, i * size, size);
        }
        return out;
    }

    @Override
    public Box evaluationBox() {
        return Box.cube(shape.size(), 0, 1);
    }

    @Override
    public String evaluationBoxDescription() {
        return "pixel intensities [0, 1]";
    }

    @Override
    public String contentHash() {
        return hash;
    }
}
