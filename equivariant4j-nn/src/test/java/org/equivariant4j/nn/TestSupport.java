package org.equivariant4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.Representation;

/** Shared helpers of the nn tests. */
public final class TestSupport {
    private TestSupport() {}

    /** A standard-normal array from a Java seed (engine-independent). */
    public static NDArray gaussian(NDManager m, Shape shape, DataType dt, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian();
        }
        return Tensors.fromFlat(m, v, shape, dt);
    }

    /** A random orthogonal n×n matrix (Gram–Schmidt of a Gaussian matrix). */
    public static double[][] randomOrthogonal(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] q = new double[n][n];
        for (int j = 0; j < n; j++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = rng.nextGaussian();
            }
            for (int p = 0; p < j; p++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += v[i] * q[i][p];
                }
                for (int i = 0; i < n; i++) {
                    v[i] -= dot * q[i][p];
                }
            }
            double norm = 0;
            for (double x : v) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                q[i][j] = v[i] / norm;
            }
        }
        return q;
    }

    /** ψ repeated {@code times} times, as a list for direct sums. */
    @SafeVarargs
    public static <E extends GroupElement> Representation<E> sum(String name, Irrep<E>... irreps) {
        List<Irrep<E>> list = new ArrayList<>(List.of(irreps));
        return Representation.directSum(name, list);
    }
}
