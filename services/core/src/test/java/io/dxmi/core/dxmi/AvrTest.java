package io.dxmi.core.dxmi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AvrTest {

    @Test
    void firstUpdateSetsTheMeasuredValues() {
        Avr avr = new Avr(3, 0.99);
        assertFalse(avr.isInitialized());
        assertArrayEquals(new double[] {0, 0, 0}, avr.scales(), 0);
        avr.update(new double[] {0.5, 2.0, 1e-4});
        assertTrue(avr.isInitialized());
        assertArrayEquals(new double[] {0.5, 2.0, 1e-4}, avr.scales(), 0);
    }

    @Test
    void emaOverThreeUpdates() {
        double a = 0.9;
        Avr avr = new Avr(2, a);
        double[][] batches = {{1.0, 4.0}, {2.0, 0.0 + 2.0}, {0.5, 8.0}, {3.0, 1.0}};
        avr.update(batches[0]);
        double s0 = 1.0;
        double s1 = 4.0;
        for (int i = 1; i < batches.length; i++) {
            avr.update(batches[i]);
            s0 = a * s0 + (1 - a) * batches[i][0];
            s1 = a * s1 + (1 - a) * batches[i][1];
            assertArrayEquals(new double[] {s0, s1}, avr.scales(), 1e-12, "after update " + (i + 1));
        }
        // by hand: s0 = .9(.9(.9*1 + .1*2) + .1*.5) + .1*3 = .9*(.9*1.1 + .05) + .3 = .9*1.04 + .3 = 1.236
        assertArrayEquals(new double[] {1.236, 0.9 * (0.9 * (0.9 * 4 + 0.2) + 0.8) + 0.1}, avr.scales(), 1e-12);
    }

    @Test
    void scalesIsACopy() {
        Avr avr = new Avr(1, 0.5);
        avr.update(new double[] {1});
        avr.scales()[0] = 99;
        assertArrayEquals(new double[] {1}, avr.scales(), 0);
    }

    @Test
    void restoreContinuesTheEma() {
        Avr avr = new Avr(2, 0.5);
        avr.restore(new double[] {2.0, 4.0}, true);
        assertTrue(avr.isInitialized());
        assertArrayEquals(new double[] {2.0, 4.0}, avr.scales(), 0);
        avr.update(new double[] {0.0 + 1.0, 0.0 + 2.0});
        assertArrayEquals(new double[] {1.5, 3.0}, avr.scales(), 1e-12);

        // restoring an uninitialised state makes the next update set the values again
        avr.restore(new double[] {7.0, 7.0}, false);
        assertFalse(avr.isInitialized());
        avr.update(new double[] {0.25, 0.75});
        assertArrayEquals(new double[] {0.25, 0.75}, avr.scales(), 0);
    }

    @Test
    void restoreCopiesItsInput() {
        Avr avr = new Avr(1, 0.5);
        double[] saved = {2.0};
        avr.restore(saved, true);
        saved[0] = 100;
        assertArrayEquals(new double[] {2.0}, avr.scales(), 0);
    }

    @Test
    void wrongLengthThrows() {
        Avr avr = new Avr(3, 0.99);
        assertThrows(IllegalArgumentException.class, () -> avr.update(new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> avr.restore(new double[] {1, 2, 3, 4}, true));
        assertFalse(avr.isInitialized());
    }
}
