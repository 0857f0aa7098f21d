package org.equivariant4j.nn.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.equivariant4j.nn.ops.SegmentSum;

/** Random N-body-like inputs and random orthogonal transforms for the graph tests. */
final class GraphTestSupport {
    private GraphTestSupport() {}

    static NDArray normal(NDManager m, SplittableRandom r, Shape shape, double scale, DataType dt) {
        double[] d = new double[(int) shape.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = scale * gaussian(r);
        }
        return SegmentSum.create(m, d, shape, dt);
    }

    static double gaussian(SplittableRandom r) {
        double u = r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    static NDArray charges(NDManager m, SplittableRandom r, int n, DataType dt) {
        double[] q = new double[n];
        for (int i = 0; i < n; i++) {
            q[i] = r.nextBoolean() ? 1 : -1;
        }
        return SegmentSum.create(m, q, new Shape(n), dt);
    }

    /** A random 3×3 orthogonal matrix (Gram–Schmidt of a Gaussian matrix), a reflection if {@code reflect}. */
    static double[][] randomOrthogonal(SplittableRandom r, boolean reflect) {
        double[][] q = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                q[i][j] = gaussian(r);
            }
            for (int k = 0; k < i; k++) {
                double dot = 0;
                for (int j = 0; j < 3; j++) {
                    dot += q[i][j] * q[k][j];
                }
                for (int j = 0; j < 3; j++) {
                    q[i][j] -= dot * q[k][j];
                }
            }
            double norm = Math.sqrt(q[i][0] * q[i][0] + q[i][1] * q[i][1] + q[i][2] * q[i][2]);
            for (int j = 0; j < 3; j++) {
                q[i][j] /= norm;
            }
        }
        double det = q[0][0] * (q[1][1] * q[2][2] - q[1][2] * q[2][1]) - q[0][1] * (q[1][0] * q[2][2] - q[1][2] * q[2][0])
                + q[0][2] * (q[1][0] * q[2][1] - q[1][1] * q[2][0]);
        if ((det < 0) != reflect) {
            for (int j = 0; j < 3; j++) {
                q[2][j] = -q[2][j];
            }
        }
        return q;
    }

    /** Rows of x [N, 3] mapped to R x + t. */
    static NDArray transform(NDArray x, double[][] rot, double[] t) {
        NDManager m = x.getManager();
        double[] rt = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                rt[i * 3 + j] = rot[j][i]; // Rᵀ, so that x Rᵀ = (R xᵀ)ᵀ
            }
        }
        NDArray y = x.matMul(SegmentSum.create(m, rt, new Shape(3, 3), x.getDataType()));
        return t == null ? y : y.add(SegmentSum.create(m, t, new Shape(1, 3), x.getDataType()));
    }

    static double maxAbsDiff(NDArray a, NDArray b) {
        return a.sub(b).abs().max().toType(DataType.FLOAT64, false).getDouble();
    }

    static double maxAbs(NDArray a) {
        return a.abs().max().toType(DataType.FLOAT64, false).getDouble();
    }
}
