package io.dxmi.core.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RngPermutationTest {

    @Test
    void aPermutationHoldsEveryIndexOnceAndIsReproducible() {
        int[] p = new Rng(9).permutation(100);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        int[] identity = new int[100];
        Arrays.setAll(identity, i -> i);
        assertArrayEquals(identity, sorted);
        assertFalse(Arrays.equals(identity, p), "shuffled");
        assertArrayEquals(p, new Rng(9).permutation(100));
        assertEquals(0, new Rng(1).permutation(0).length);
    }
}
