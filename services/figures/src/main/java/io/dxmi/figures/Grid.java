package io.dxmi.figures;

import io.dxmi.core.data.Box;

/**
 * An nx × ny grid of cell centres over [x0, x1] × [y0, y1]. Values on the grid are stored
 * row-major from the bottom row: index j·nx + i is the cell at column i, row j (y grows with j).
 */
record Grid(double x0, double x1, double y0, double y1, int nx, int ny) {

    Grid {
        if (nx < 2 || ny < 2 || !(x1 > x0) || !(y1 > y0)) {
            throw new IllegalArgumentException("a grid needs at least 2 × 2 cells and a non-empty box");
        }
    }

    /** A square-celled-ish grid of n × n over the first two axes of a box. */
    static Grid over(Box box, int n) {
        double[] lo = box.lo();
        double[] hi = box.hi();
        return new Grid(lo[0], hi[0], lo[1], hi[1], n, n);
    }

    int size() {
        return nx * ny;
    }

    double x(int i) {
        return x0 + (i + 0.5) * (x1 - x0) / nx;
    }

    double y(int j) {
        return y0 + (j + 0.5) * (y1 - y0) / ny;
    }

    /** The cell centres as data rows (x, y), in the grid's value order. */
    float[] rows() {
        float[] out = new float[2 * size()];
        for (int j = 0; j < ny; j++) {
            for (int i = 0; i < nx; i++) {
                int k = j * nx + i;
                out[2 * k] = (float) x(i);
                out[2 * k + 1] = (float) y(j);
            }
        }
        return out;
    }
}
