package org.equivariant4j.nn.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.equivariant4j.nn.TestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConvolutionTest {
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /** Direct evaluation of y[b,o,i,j] = bias[o] + Σ_{c,u,v} x[b, c, s·i − p + d·u, s·j − p + d·v] w[o, c', u, v]. */
    static double[] naive2d(double[] x, long[] xs, double[] w, long[] ws, double[] bias, Convolution.Spec spec, long[] ys) {
        int g = spec.groups();
        long cinPerGroup = ws[1];
        long coutPerGroup = ws[0] / g;
        double[] y = new double[Math.toIntExact(ys[0] * ys[1] * ys[2] * ys[3])];
        for (int b = 0; b < ys[0]; b++) {
            for (int o = 0; o < ys[1]; o++) {
                int group = (int) (o / coutPerGroup);
                for (int i = 0; i < ys[2]; i++) {
                    for (int j = 0; j < ys[3]; j++) {
                        double acc = bias == null ? 0 : bias[o];
                        for (int c = 0; c < cinPerGroup; c++) {
                            long ci = group * cinPerGroup + c;
                            for (int u = 0; u < ws[2]; u++) {
                                for (int v = 0; v < ws[3]; v++) {
                                    long r = (long) spec.stride() * i - spec.padding() + (long) spec.dilation() * u;
                                    long q = (long) spec.stride() * j - spec.padding() + (long) spec.dilation() * v;
                                    if (r < 0 || q < 0 || r >= xs[2] || q >= xs[3]) {
                                        continue;
                                    }
                                    acc += x[(int) (((b * xs[1] + ci) * xs[2] + r) * xs[3] + q)]
                                            * w[(int) (((o * ws[1] + c) * ws[2] + u) * ws[3] + v)];
                                }
                            }
                        }
                        y[(int) (((b * ys[1] + o) * ys[2] + i) * ys[3] + j)] = acc;
                    }
                }
            }
        }
        return y;
    }

    @Test
    void float64MatchesADirectSumWithStridePaddingDilationGroupsAndBias() {
        Convolution.Spec[] specs = {Convolution.Spec.conv2d(1, 1, 1, 1), Convolution.Spec.conv2d(2, 2, 1, 1),
            Convolution.Spec.conv2d(1, 2, 2, 1), Convolution.Spec.conv2d(1, 1, 1, 3)};
        for (Convolution.Spec spec : specs) {
            Shape xs = new Shape(2, 6, 9, 8);
            Shape ws = new Shape(9, 6 / spec.groups(), 3, 3);
            NDArray x = TestSupport.gaussian(manager, xs, DataType.FLOAT64, 1);
            NDArray w = TestSupport.gaussian(manager, ws, DataType.FLOAT64, 2);
            NDArray b = TestSupport.gaussian(manager, new Shape(9), DataType.FLOAT64, 3);
            Convolution conv = Convolution.of(spec);
            NDArray y = conv.apply(x, w, b);
            assertEquals(conv.outputShape(xs, ws), y.getShape(), spec.toString());
            double[] ref = naive2d(x.toDoubleArray(), xs.getShape(), w.toDoubleArray(), ws.getShape(), b.toDoubleArray(), spec,
                    y.getShape().getShape());
            double[] got = y.toDoubleArray();
            for (int i = 0; i < ref.length; i++) {
                assertEquals(ref[i], got[i], 1e-12, spec + " entry " + i);
            }
        }
    }

    /**
     * Float32 against float64 at channel counts where the engine's NCHW float32 path was wrong on this project's machine
     * (above 16 and not a multiple of 16), forward and all three gradients, in 2-D and 3-D.
     */
    @Test
    void float32AgreesWithFloat64AtAwkwardChannelCountsIncludingGradients() {
        for (int dims = 2; dims <= 3; dims++) {
            for (int cin : new int[] {3, 16, 24, 40}) {
                int size = dims == 2 ? 13 : 7;
                long[] xs = dims == 2 ? new long[] {2, cin, size, size} : new long[] {2, cin, size, size, size};
                long[] ws = dims == 2 ? new long[] {8, cin, 3, 3} : new long[] {8, cin, 3, 3, 3};
                Convolution conv = Convolution.of(new Convolution.Spec(dims, 1, 1, 1, 1, false, 0));
                double[][] results = new double[2][];
                double[][] gx = new double[2][];
                double[][] gw = new double[2][];
                double[][] gb = new double[2][];
                int t = 0;
                for (DataType dt : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
                    try (NDManager m = manager.newSubManager()) {
                        NDArray x = TestSupport.gaussian(m, new Shape(xs), dt, 11);
                        NDArray w = TestSupport.gaussian(m, new Shape(ws), dt, 12);
                        NDArray b = TestSupport.gaussian(m, new Shape(8), dt, 13);
                        NDArray r = TestSupport.gaussian(m, conv.outputShape(new Shape(xs), new Shape(ws)), dt, 14);
                        x.setRequiresGradient(true);
                        w.setRequiresGradient(true);
                        b.setRequiresGradient(true);
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray y = conv.apply(x, w, b);
                            results[t] = Tensors.toDoubles(y);
                            gc.backward(y.mul(r).sum());
                        }
                        gx[t] = Tensors.toDoubles(x.getGradient());
                        gw[t] = Tensors.toDoubles(w.getGradient());
                        gb[t] = Tensors.toDoubles(b.getGradient());
                    }
                    t++;
                }
                String label = dims + "-D, " + cin + " input channels";
                assertClose(results[0], results[1], label + " forward");
                assertClose(gx[0], gx[1], label + " input gradient");
                assertClose(gw[0], gw[1], label + " weight gradient");
                assertClose(gb[0], gb[1], label + " bias gradient");
            }
        }
    }

    private static void assertClose(double[] f32, double[] f64, String label) {
        double max = 0;
        double err = 0;
        for (int i = 0; i < f64.length; i++) {
            max = Math.max(max, Math.abs(f64[i]));
            err = Math.max(err, Math.abs(f32[i] - f64[i]));
        }
        assertTrue(err <= 1e-5 * Math.max(1, max), label + ": float32 differs from float64 by " + err + " (scale " + max + ")");
    }

    @Test
    void transposedConvolutionIsTheAdjointOfThePlainOne() {
        for (int dims = 2; dims <= 3; dims++) {
            // even sizes: the strided convolution drops a row, which output padding 1 gives back
            long[] xs = dims == 2 ? new long[] {2, 6, 10, 10} : new long[] {1, 6, 6, 6, 6};
            long[] ws = dims == 2 ? new long[] {4, 3, 3, 3} : new long[] {4, 3, 3, 3, 3};
            Convolution forward = Convolution.of(new Convolution.Spec(dims, 2, 1, 1, 2, false, 0));
            Convolution adjoint = Convolution.of(new Convolution.Spec(dims, 2, 1, 1, 2, true, 1));
            Shape ys = forward.outputShape(new Shape(xs), new Shape(ws));
            NDArray x = TestSupport.gaussian(manager, new Shape(xs), DataType.FLOAT64, 21);
            NDArray w = TestSupport.gaussian(manager, new Shape(ws), DataType.FLOAT64, 22);
            NDArray y = TestSupport.gaussian(manager, ys, DataType.FLOAT64, 23);
            NDArray ty = adjoint.apply(y, w, null);
            assertEquals(x.getShape(), ty.getShape());
            assertEquals(ty.getShape(), adjoint.outputShape(ys, new Shape(ws)));
            double lhs = forward.apply(x, w, null).mul(y).sum().getDouble();
            double rhs = x.mul(ty).sum().getDouble();
            assertEquals(lhs, rhs, 1e-10 * Math.abs(lhs), dims + "-D <Kx, y> = <x, K^T y>");
        }
    }

    @Test
    void badInputIsRefusedWithBothShapes() {
        Convolution conv = Convolution.of(Convolution.Spec.conv2d(1, 0, 1, 1));
        NDArray x = manager.zeros(new Shape(1, 3, 8, 8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> conv.apply(x, manager.zeros(new Shape(4, 2, 3, 3)), null));
        assertTrue(e.getMessage().contains("(1, 3, 8, 8)") && e.getMessage().contains("(4, 2, 3, 3)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> conv.apply(x, manager.zeros(new Shape(4, 3, 9, 9)), null));
        assertThrows(IllegalArgumentException.class,
                () -> conv.apply(x, manager.zeros(new Shape(4, 3, 3, 3)), manager.zeros(new Shape(3))));
        assertThrows(IllegalArgumentException.class,
                () -> conv.apply(x, manager.zeros(new Shape(4, 3, 3, 3)).toType(DataType.FLOAT64, false), null));
        assertThrows(IllegalArgumentException.class, () -> conv.apply(x, manager.zeros(new Shape(4, 3, 3)), null));
        assertThrows(IllegalArgumentException.class, () -> Convolution.Spec.conv2d(0, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Convolution.Spec(2, 2, 0, 1, 1, false, 1));
        assertThrows(IllegalArgumentException.class, () -> new Convolution.Spec(1, 1, 0, 1, 1, false, 0));
    }
}
