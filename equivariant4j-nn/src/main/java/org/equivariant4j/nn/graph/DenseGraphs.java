package org.equivariant4j.nn.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Conversions between per-edge values of {@link GraphTopology#fullyConnected(int, int)} (i-major,
 * i ≠ j, [B·n·(n−1), A]) and dense pair tensors [B, n, n, A] (entry [b, i, j] = edge (i, j)), by
 * reshapes and slices only (no index arrays, no gathers). Both directions are differentiable.
 */
public final class DenseGraphs {
    private DenseGraphs() {}

    /** Edge values [B·n·(n−1), A] to a dense [B, n, n, A] tensor with a zero diagonal. */
    public static NDArray toDense(NDArray edgeValues, int n, int graphs) {
        Shape s = edgeValues.getShape();
        long a = s.get(1);
        if (s.dimension() != 2 || s.get(0) != (long) graphs * n * (n - 1)) {
            throw new IllegalArgumentException("edge values must have shape [" + ((long) graphs * n * (n - 1))
                    + ", A] for " + graphs + " fully connected graphs of " + n + " nodes, got " + s);
        }
        NDManager m = edgeValues.getManager();
        if (n == 1) {
            return m.zeros(new Shape(graphs, 1, 1, a), edgeValues.getDataType());
        }
        // row-major [n−1, n] blocks + a zero column = [n−1, n+1]; flattened, a leading zero makes n² entries
        NDArray v = edgeValues.reshape(graphs, n - 1, n, a);
        v = NDArrays.concat(new NDList(v, m.zeros(new Shape(graphs, n - 1, 1, a), edgeValues.getDataType())), 2);
        v = v.reshape(graphs, (long) (n - 1) * (n + 1), a);
        v = NDArrays.concat(new NDList(m.zeros(new Shape(graphs, 1, a), edgeValues.getDataType()), v), 1);
        return v.reshape(graphs, n, n, a);
    }

    /** Dense [B, n, n, A] to the off-diagonal entries [B·n·(n−1), A] in i-major order. */
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
