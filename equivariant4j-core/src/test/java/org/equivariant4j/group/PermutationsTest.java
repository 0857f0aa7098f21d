package org.equivariant4j.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PermutationsTest {
    @Test
    void findsThePermutationOfAMovedSet() {
        double[] set = {0.0, 1.0, 2.0, 3.0, 4.0};
        // the "group element" adds 2 mod 5
        int[] perm = Permutations.matching(5, (k, j) -> Math.abs((set[k] + 2) % 5 - set[j]) < 1e-12).orElseThrow();
        assertArrayEquals(new int[] {2, 3, 4, 0, 1}, perm);
    }

    @Test
    void equalElementsAreTakenOnce() {
        double[] set = {1.0, 1.0, 2.0};
        int[] perm = Permutations.matching(3, (k, j) -> set[k] == set[j]).orElseThrow();
        assertArrayEquals(new int[] {0, 1, 2}, perm);
    }

    @Test
    void aMapThatLeavesTheSetIsNoPermutation() {
        double[] set = {0.0, 1.0, 2.0};
        assertTrue(Permutations.matching(3, (k, j) -> set[k] * 2 == set[j]).isEmpty());
        // two elements moved onto the same one
        assertTrue(Permutations.matching(3, (k, j) -> j == 0).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> Permutations.matching(-1, (k, j) -> true));
    }
}
