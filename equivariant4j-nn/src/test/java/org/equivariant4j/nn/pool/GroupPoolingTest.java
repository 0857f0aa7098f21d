package org.equivariant4j.nn.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.equivariant4j.group.CyclicElement;
import org.equivariant4j.group.CyclicGroup;
import org.equivariant4j.group.DihedralElement;
import org.equivariant4j.group.DihedralGroup;
import org.equivariant4j.group.Groups;
import org.equivariant4j.nn.TestSupport;
import org.equivariant4j.nn.testing.Equivariance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GroupPoolingTest {
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    private static NDArray pool(GroupPooling p, NDArray x, boolean training) {
        return p.forward(new ParameterStore(x.getManager(), false), new NDList(x), training).singletonOrThrow();
    }

    @Test
    void invariantToTheRegularActionOnTheGroupAxis() {
        CyclicGroup c8 = Groups.cyclic(8);
        DihedralGroup d4 = Groups.dihedral(4);
        try (NDManager m = manager.newSubManager()) {
            for (GroupPooling p : new GroupPooling[] {GroupPooling.max(8), GroupPooling.mean(8)}) {
                for (Shape s : new Shape[] {new Shape(2, 3, 8), new Shape(2, 3, 8, 5), new Shape(2, 3, 8, 4, 5), new Shape(1, 2, 8, 3, 3, 3)}) {
                    NDArray x = TestSupport.gaussian(m, s, DataType.FLOAT32, s.size());
                    Equivariance.Report r = Equivariance.check(y -> pool(p, y, false),
                            Equivariance.onAxis(c8.regularRepresentation(), 2), Equivariance.<CyclicElement>invariant(),
                            c8.elements(), x);
                    assertEquals(0.0, r.maxAbsoluteError(), 1e-6, p + " " + s + ": " + r);
                    Equivariance.Report rd = Equivariance.check(y -> pool(p, y, false),
                            Equivariance.onAxis(d4.regularRepresentation(), 2), Equivariance.<DihedralElement>invariant(),
                            d4.elements(), x);
                    assertEquals(0.0, rd.maxAbsoluteError(), 1e-6, p + " " + s + " (D4): " + rd);
                    long[] expected = new long[s.dimension() - 1];
                    expected[0] = s.get(0);
                    expected[1] = s.get(1);
                    System.arraycopy(s.getShape(), 3, expected, 2, s.dimension() - 3);
                    assertEquals(new Shape(expected), pool(p, x, false).getShape());
                    assertEquals(new Shape(expected), p.getOutputShapes(new Shape[] {s})[0]);
                }
            }
        }
    }

    @Test
    void cyclicShiftExplicitly() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = TestSupport.gaussian(m, new Shape(2, 3, 4, 6), DataType.FLOAT64, 3);
            NDArray shifted = x.get(":, :, 1:").concat(x.get(":, :, :1"), 2);
            for (GroupPooling p : new GroupPooling[] {GroupPooling.max(4), GroupPooling.mean(4)}) {
                assertArrayEquals(pool(p, x, false).toDoubleArray(), pool(p, shifted, false).toDoubleArray(), 1e-15);
            }
            double[] mean = pool(GroupPooling.mean(4), x, false).toDoubleArray();
            double[] xs = x.toDoubleArray();
            // element (b=1, c=2, s=5): mean over the 4 group entries
            double expected = 0;
            for (int h = 0; h < 4; h++) {
                expected += xs[((1 * 3 + 2) * 4 + h) * 6 + 5] / 4;
            }
            assertEquals(expected, mean[(1 * 3 + 2) * 6 + 5], 1e-14);
        }
    }

    @Test
    void gradients() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = TestSupport.gaussian(m, new Shape(2, 3, 5, 4), DataType.FLOAT64, 8);
            NDArray r = TestSupport.gaussian(m, new Shape(2, 3, 4), DataType.FLOAT64, 9);
            x.setRequiresGradient(true);
            double[] xs = x.toDoubleArray();
            double[] rs = r.toDoubleArray();
            for (GroupPooling p : new GroupPooling[] {GroupPooling.mean(5), GroupPooling.max(5)}) {
                double[] g;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(pool(p, x, true).mul(r).sum());
                    g = x.getGradient().toDoubleArray();
                    gc.zeroGradients();
                }
                for (int b = 0; b < 2; b++) {
                    for (int c = 0; c < 3; c++) {
                        for (int s = 0; s < 4; s++) {
                            int argmax = 0;
                            for (int h = 1; h < 5; h++) {
                                if (xs[((b * 3 + c) * 5 + h) * 4 + s] > xs[((b * 3 + c) * 5 + argmax) * 4 + s]) {
                                    argmax = h;
                                }
                            }
                            double up = rs[(b * 3 + c) * 4 + s];
                            for (int h = 0; h < 5; h++) {
                                double expected = p.mode() == GroupPooling.Mode.MEAN ? up / 5 : (h == argmax ? up : 0.0);
                                assertEquals(expected, g[((b * 3 + c) * 5 + h) * 4 + s], 1e-14, p + " at " + b + c + h + s);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void badShapesAreRejected() {
        GroupPooling p = GroupPooling.max(8);
        try (NDManager m = manager.newSubManager()) {
            IllegalArgumentException wrongOrder = assertThrows(IllegalArgumentException.class, () -> pool(p, m.ones(new Shape(2, 3, 4, 5)), false));
            assertTrue(wrongOrder.getMessage().contains("(batch, channels, 8, spatial...)") && wrongOrder.getMessage().contains("(2, 3, 4, 5)"),
                    wrongOrder.getMessage());
            IllegalArgumentException lowRank = assertThrows(IllegalArgumentException.class, () -> pool(p, m.ones(new Shape(2, 8)), false));
            assertTrue(lowRank.getMessage().contains("(2, 8)"), lowRank.getMessage());
            assertThrows(IllegalArgumentException.class, () -> p.getOutputShapes(new Shape[] {new Shape(8)}));
            assertThrows(IllegalArgumentException.class, () -> GroupPooling.mean(0));
        }
    }
}
