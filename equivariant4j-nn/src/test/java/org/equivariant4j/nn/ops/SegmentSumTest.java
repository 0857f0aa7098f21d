package org.equivariant4j.nn.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.junit.jupiter.api.Test;

class SegmentSumTest {

    private static long[] randomIds(int e, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long[] ids = new long[e];
        for (int k = 0; k < e; k++) {
            ids[k] = r.nextInt(n - 1); // the last segment stays empty
        }
        return ids;
    }

    private static double maxAbs(NDArray a, NDArray b) {
        return a.sub(b).abs().max().toType(DataType.FLOAT64, false).getDouble();
    }

    private void checkAgainstDense(DataType dt, boolean mean, double tol) {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            int e = 300;
            int n = 40;
            long[] ids = randomIds(e, n, 3);
            NDArray values = m.randomNormal(new Shape(e, 5)).toType(dt, false);
            NDArray weights = m.randomNormal(new Shape(n, 5)).toType(dt, false);
            values.setRequiresGradient(true);
            double[] counts = new double[n];
            for (long id : ids) {
                counts[(int) id]++;
            }
            NDArray out;
            NDArray grad;
            try (SegmentSum s = SegmentSum.of(m, ids, n, dt); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                out = mean ? s.mean(values) : s.sum(values);
                gc.backward(out.mul(weights).sum());
                grad = values.getGradient().duplicate();
                assertArrayEquals(counts, s.counts());
            }
            NDArray ref = SegmentSum.denseReference(values.stopGradient(), ids, n);
            if (mean) {
                double[] inv = new double[n];
                for (int i = 0; i < n; i++) {
                    inv[i] = 1 / Math.max(1, counts[i]);
                }
                ref = ref.mul(SegmentSum.create(m, inv, new Shape(n, 1), dt));
            }
            assertEquals(new Shape(n, 5), out.getShape());
            assertTrue(maxAbs(out, ref) < tol, "values differ by " + maxAbs(out, ref));
            // d/d values[e] of sum(out * W) = W[ids[e]] (times 1/count for the mean)
            NDArray idx = m.create(ids);
            NDArray refGrad = weights.get(new ai.djl.ndarray.index.NDIndex("{}", idx));
            if (mean) {
                double[] invE = new double[e];
                for (int k = 0; k < e; k++) {
                    invE[k] = 1 / counts[(int) ids[k]];
                }
                refGrad = refGrad.mul(SegmentSum.create(m, invE, new Shape(e, 1), dt));
            }
            assertTrue(maxAbs(grad, refGrad) < tol, "gradients differ by " + maxAbs(grad, refGrad));
            // the empty last segment is exactly zero
            assertEquals(0.0, out.get(n - 1).abs().sum().toType(DataType.FLOAT64, false).getDouble());
        }
    }

    @Test
    void sumMatchesDenseReferenceInValuesAndGradients() {
        checkAgainstDense(DataType.FLOAT32, false, 1e-5);
        checkAgainstDense(DataType.FLOAT64, false, 1e-12);
    }

    @Test
    void meanMatchesDenseReferenceInValuesAndGradients() {
        checkAgainstDense(DataType.FLOAT32, true, 1e-5);
        checkAgainstDense(DataType.FLOAT64, true, 1e-12);
    }

    @Test
    void higherRankValuesAndEmptyEdgeSets() {
        try (NDManager m = NDManager.newBaseManager()) {
            long[] ids = {2, 0, 2};
            NDArray v = m.arange(0f, 12f).reshape(3, 2, 2);
            try (SegmentSum s = SegmentSum.of(m, ids, 3, DataType.FLOAT32)) {
                NDArray out = s.sum(v);
                assertEquals(new Shape(3, 2, 2), out.getShape());
                assertArrayEquals(new float[] {4, 5, 6, 7, 0, 0, 0, 0, 8, 10, 12, 14}, out.toFloatArray());
            }
            try (SegmentSum s = SegmentSum.of(m, new long[0], 4, DataType.FLOAT64)) {
                NDArray out = s.mean(m.zeros(new Shape(0, 3), DataType.FLOAT64));
                assertEquals(new Shape(4, 3), out.getShape());
            }
        }
    }

    @Test
    void rejectsBadInput() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> SegmentSum.of(m, new long[] {0, 5, 1}, 4, DataType.FLOAT32));
            assertTrue(ex.getMessage().contains("5") && ex.getMessage().contains("[0, 4)"), ex.getMessage());
            try (SegmentSum s = SegmentSum.of(m, new long[] {0, 1}, 2, DataType.FLOAT32)) {
                ex = assertThrows(IllegalArgumentException.class, () -> s.sum(m.ones(new Shape(3, 2))));
                assertTrue(ex.getMessage().contains("(3, 2)"), ex.getMessage());
                ex = assertThrows(IllegalArgumentException.class, () -> s.sum(m.ones(new Shape(2, 2), DataType.FLOAT64)));
                assertTrue(ex.getMessage().contains("float64"), ex.getMessage());
            }
        }
    }
}
