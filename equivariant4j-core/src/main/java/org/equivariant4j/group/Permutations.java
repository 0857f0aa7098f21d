package org.equivariant4j.group;

import java.util.Optional;

/**
 * How a group element permutes a finite set it maps to itself (grid points, grid rotations): the permutation π with
 * g·s_k = s_π(k), found by matching every moved element to an element of the set.
 */
public final class Permutations {
    private Permutations() {}

    /** Whether element k of the set, moved, is element j (within the caller's tolerance). */
    @FunctionalInterface
    public interface Match {
        boolean test(int k, int j);
    }

    /**
     * The permutation π of {0, …, n−1} with {@code match(k, π(k))} for every k, each k taking the first j not taken
     * before; empty when some k matches no free j (the element does not map the set to itself).
     */
    public static Optional<int[]> matching(int n, Match match) {
        if (n < 0) {
            throw new IllegalArgumentException("expected a set size >= 0, got " + n);
        }
        int[] perm = new int[n];
        boolean[] used = new boolean[n];
        for (int k = 0; k < n; k++) {
            int found = -1;
            for (int j = 0; j < n && found < 0; j++) {
                if (!used[j] && match.test(k, j)) {
                    found = j;
                }
            }
            if (found < 0) {
                return Optional.empty();
            }
            used[found] = true;
            perm[k] = found;
        }
        return Optional.of(perm);
    }
}
