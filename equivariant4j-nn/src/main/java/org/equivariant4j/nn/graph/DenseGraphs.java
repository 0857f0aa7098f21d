package org.equivariant4j.nn.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Per-edge values of {@link GraphTopology#fullyConnected(int, int)} (i-major, i ≠ j, [B·n·(n−1), A]) from dense pair
 * tensors [B, n, n, A] (entry [b, i, j] = edge (i, j)), by reshapes and slices only: pairwise quantities computed by
 * broadcasting (x_i − x_j, q_i·q_j) become edge attributes without index arrays or gathers. Differentiable.
 */
public final class DenseGraphs {
    private DenseGraphs() {}

    /**
     * Dense [B, n, n, A] to the off-diagonal entries [B·n·(n−1), A] in i-major order: row-major, the n² entries of a
     * graph without the diagonal are the n − 1 blocks of n + 1 entries that follow entry 0, each without its last one.
     */
    public static NDArray offDiagonal(NDArray dense) {
        Shape s = dense.getShape();
        if (s.dimension() != 4 || s.get(1) != s.get(2)) {
            throw new IllegalArgumentException("expected a dense pair tensor [B, n, n, A], got " + s);
        }
        long b = s.get(0);
        long n = s.get(1);
        long a = s.get(3);
        if (n == 1) {
            return dense.getManager().zeros(new Shape(0, a), dense.getDataType());
        }
        NDArray v = dense.reshape(b, n * n, a).get(":, 1:, :").reshape(b, n - 1, n + 1, a).get(":, :, :" + n + ", :");
        return v.reshape(b * n * (n - 1), a);
    }
}
