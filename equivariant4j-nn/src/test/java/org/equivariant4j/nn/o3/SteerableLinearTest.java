package org.equivariant4j.nn.o3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.PathNormalization;
import org.junit.jupiter.api.Test;

class SteerableLinearTest {
    private static final DataType F64 = DataType.FLOAT64;
    private static final double[] X = {1.5, -2, 0.25, 3};

    /** y for "3x0e+1x0e" -> "1x0e" without attribute: weights w (3 + 1), bias b, input X. */
    private static double[] run(PathNormalization paths) {
        SteerableLinear lin = SteerableLinear.of(Irreps.parse("3x0e+1x0e"), Irreps.parse("1x0e"), paths, 7);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = Tensors.fromFlat(m, X, new Shape(1, 4), F64);
            lin.initialize(m, F64, x.getShape());
            ParameterStore ps = new ParameterStore(m, false);
            double y = lin.forward(ps, new NDList(x), false).singletonOrThrow().getDouble(0, 0);
            double[] w = lin.getParameters().get("weight").getArray().toDoubleArray();
            double b = lin.getParameters().get("bias").getArray().toDoubleArray()[0];
            assertEquals(4, w.length);
            for (double v : w) {
                assertTrue(Math.abs(v) <= 0.5, "weights uniform in ±1/√fan = ±1/2, got " + v);
            }
            return new double[] {y, w[0] * X[0] + w[1] * X[1] + w[2] * X[2], w[3] * X[3], b};
        }
    }

    @Test
    void elementNormalisationIsSegnnsLinearLayer() {
        double[] r = run(PathNormalization.ELEMENT);
        assertEquals(r[1] + r[2] + r[3], r[0], 1e-14);
    }

    @Test
    void pathNormalisationWeighsEveryPathIntoAnOutputAlike() {
        // e3nn 0.3.5: path p scaled by 1/√(P·mul1·mul2), SEGNN's sqrt_k multiplies by √fan = √4; P = 2 paths
        double[] r = run(PathNormalization.PATH);
        assertEquals(Math.sqrt(4.0 / (2 * 3)) * r[1] + Math.sqrt(4.0 / 2) * r[2] + r[3], r[0], 1e-14);
        assertTrue(SteerableLinear.of(Irreps.parse("3x0e+1x0e"), Irreps.parse("1x0e"), PathNormalization.PATH, 7)
                .toString().contains("path-normalised"), "saved metadata tells the two apart");
    }

    @Test
    void pathNormalisationChangesNothingWhenAllPathsCoupleAlike() {
        Irreps in = Irreps.parse("4x0e+4x1o");
        Irreps attr = Irreps.sphericalHarmonics(1);
        Irreps out = Irreps.parse("3x0e+2x1o");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = Tensors.fromFlat(m, new java.util.SplittableRandom(3).doubles(5 * in.dim(), -1, 1).toArray(),
                    new Shape(5, in.dim()), F64);
            NDArray a = Tensors.fromFlat(m, new java.util.SplittableRandom(4).doubles(5 * attr.dim(), -1, 1).toArray(),
                    new Shape(5, attr.dim()), F64);
            double[][] y = new double[2][];
            int k = 0;
            for (PathNormalization p : new PathNormalization[] {PathNormalization.ELEMENT, PathNormalization.PATH}) {
                SteerableLinear lin = SteerableLinear.of(in, attr, out, TensorProductRoute.AUTO, p, 5);
                lin.initialize(m, F64, x.getShape(), a.getShape());
                y[k++] = lin.apply(new ParameterStore(m, false), x, a, false).toDoubleArray();
            }
            for (int i = 0; i < y[0].length; i++) {
                assertEquals(y[0][i], y[1][i], 1e-14);
            }
        }
    }

    @Test
    void noPathNormalisationIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SteerableLinear.of(Irreps.parse("1x0e"), Irreps.parse("1x0e"), PathNormalization.NONE, 1));
        assertTrue(e.getMessage().contains("ELEMENT") && e.getMessage().contains("NONE"), e.getMessage());
    }
}
