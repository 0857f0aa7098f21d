package org.equivariant4j.nn.o3;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.equivariant4j.nn.TestSupport;
import org.equivariant4j.nn.ops.Gradients;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.TensorProductSpec;
import org.junit.jupiter.api.Test;

/** Both routes of the edge product give the same values and the same forces, on the y axis and at zero vectors too. */
class EdgeTensorProductTest {
    private static final DataType F64 = DataType.FLOAT64;

    @Test
    void edgeFrameRouteEqualsHarmonicsRoute() {
        Irreps x = Irreps.parse("3x0e+2x1o+2x2e+1x3o+1x1e");
        for (int lmax : new int[] {1, 3}) {
            TensorProductSpec spec = TensorProductSpec.convolution(x, Irreps.sphericalHarmonics(lmax), x);
            EdgeTensorProduct viaHarmonics = new EdgeTensorProduct(spec, EdgeTensorProduct.Route.HARMONICS);
            EdgeTensorProduct viaFrame = new EdgeTensorProduct(spec, EdgeTensorProduct.Route.EDGE_FRAME);
            try (NDManager m = NDManager.newBaseManager()) {
                int e = 12;
                double[] v = Tensors.toDoubles(TestSupport.gaussian(m, new Shape(e, 3), F64, 1));
                v[0] = 0; // on +y
                v[2] = 0;
                v[3] = 0; // on −y
                v[4] = -1.7;
                v[5] = 0;
                v[6] = 0; // the zero vector
                v[7] = 0;
                v[8] = 0;
                NDArray r = Tensors.fromFlat(m, v, new Shape(e, 3), F64);
                NDArray feats = TestSupport.gaussian(m, new Shape(e, x.dim()), F64, 2);
                NDArray w = TestSupport.gaussian(m, new Shape(e, spec.weightNumel()), F64, 3);
                NDArray s = TestSupport.gaussian(m, new Shape(e), F64, 4);
                NDArray c = TestSupport.gaussian(m, new Shape(e, spec.out().dim()), F64, 5);
                r.setRequiresGradient(true);
                double[][] values = new double[2][];
                double[][] forces = new double[2][];
                int k = 0;
                for (EdgeTensorProduct tp : new EdgeTensorProduct[] {viaHarmonics, viaFrame}) {
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray y = tp.apply(feats, r, s, w);
                        values[k] = y.toDoubleArray();
                        forces[k] = Gradients.of(y.mul(c).sum(), r, false).toDoubleArray();
                    }
                    k++;
                }
                double err = 0;
                double scale = 0;
                for (int i = 0; i < values[0].length; i++) {
                    err = Math.max(err, Math.abs(values[0][i] - values[1][i]));
                    scale = Math.max(scale, Math.abs(values[0][i]));
                }
                assertTrue(err < 1e-12 * Math.max(1, scale), "lmax " + lmax + ": values differ by " + err);
                double ferr = 0;
                for (int i = 0; i < forces[0].length; i++) {
                    if (i >= 6 && i < 9) {
                        continue; // the zero vector's gradient is not defined
                    }
                    ferr = Math.max(ferr, Math.abs(forces[0][i] - forces[1][i]));
                }
                assertTrue(ferr < 1e-9, "lmax " + lmax + ": forces differ by " + ferr);
                assertTrue(scale > 0.1);
            }
        }
    }
}
