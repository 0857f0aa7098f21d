package org.equivariant4j.nn.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;
import org.equivariant4j.nn.ops.SegmentSum;
import org.junit.jupiter.api.Test;

class ScatterTest {

    /** Dense reference: one-hot [N, E] matrix product, values and gradient of sum(out ⊙ W). */
    private static void check(boolean mean, DataType dt, double tol) {
        try (NDManager m = NDManager.newBaseManager()) {
            SplittableRandom r = new SplittableRandom(mean ? 1 : 2);
            int n = 25;
            int e = 200;
            long[] recv = new long[e];
            double[] counts = new double[n];
            for (int k = 0; k < e; k++) {
                recv[k] = r.nextInt(n - 2);
                counts[(int) recv[k]]++;
            }
            NDArray msgs = GraphTestSupport.normal(m, r, new Shape(e, 8), 1, dt);
            NDArray w = GraphTestSupport.normal(m, r, new Shape(n, 8), 1, dt);
            // dense one-hot [N, E], rows divided by max(count, 1) for the mean
            double[] a = new double[n * e];
            for (int k = 0; k < e; k++) {
                a[(int) recv[k] * e + k] = mean ? 1 / Math.max(1, counts[(int) recv[k]]) : 1;
            }
            NDArray dense = SegmentSum.create(m, a, new Shape(n, e), dt);
            NDArray refOut = dense.matMul(msgs);
            NDArray refGrad = dense.transpose().matMul(w); // d sum(A M ⊙ W) / dM = Aᵀ W
            msgs.setRequiresGradient(true);
            NDArray out;
            NDArray grad;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                out = mean ? Scatter.mean(msgs, m.create(recv), n) : Scatter.sum(msgs, m.create(recv), n);
                gc.backward(out.mul(w).sum());
                grad = msgs.getGradient().duplicate();
            }
            assertEquals(new Shape(n, 8), out.getShape());
            assertTrue(GraphTestSupport.maxAbsDiff(out, refOut) < tol, "values: " + GraphTestSupport.maxAbsDiff(out, refOut));
            assertTrue(GraphTestSupport.maxAbsDiff(grad, refGrad) < tol, "grads: " + GraphTestSupport.maxAbsDiff(grad, refGrad));
            // long[] overload gives the same
            NDArray out2 = mean ? Scatter.mean(msgs.stopGradient(), recv, n) : Scatter.sum(msgs.stopGradient(), recv, n);
            assertTrue(GraphTestSupport.maxAbsDiff(out, out2) < tol);
        }
    }

    @Test
    void sumMatchesDenseReference() {
        check(false, DataType.FLOAT32, 1e-5);
        check(false, DataType.FLOAT64, 1e-12);
    }

    @Test
    void meanMatchesDenseReferenceAndClampsEmptyCounts() {
        check(true, DataType.FLOAT32, 1e-5);
        check(true, DataType.FLOAT64, 1e-12);
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray msgs = m.ones(new Shape(3, 2));
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> Scatter.sum(msgs, new long[] {0, 1, 9}, 4));
            assertTrue(ex.getMessage().contains("9"), ex.getMessage());
            ex = assertThrows(IllegalArgumentException.class, () -> Scatter.sum(msgs, new long[] {0, 1}, 4));
            assertTrue(ex.getMessage().contains("(3, 2)"), ex.getMessage());
            ex = assertThrows(IllegalArgumentException.class,
                    () -> Scatter.sum(m.ones(new Shape(3), DataType.INT32), new long[] {0, 1, 2}, 4));
            assertTrue(ex.getMessage().contains("int32"), ex.getMessage());
        }
    }
}
