package org.equivariant4j.nn.o3;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.SplittableRandom;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.O3Element;
import org.equivariant4j.linalg.Matrices;
import org.equivariant4j.nn.TestSupport;
import org.equivariant4j.nn.graph.GraphBatch;
import org.equivariant4j.nn.graph.GraphTopology;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.o3.Irreps;
import org.junit.jupiter.api.Test;

class PointConvolutionTest {
    private static final DataType F64 = DataType.FLOAT64;

    /** E(3): rotating/reflecting and translating the points and features rotates the output features (float64). */
    @Test
    void equivariantUnderRotationsReflectionsAndTranslations() {
        Irreps in = Irreps.parse("4x0e+2x1o+2x2e");
        Irreps attrs = Irreps.parse("3x0e");
        Irreps out = Irreps.parse("3x0e+2x1o+1x1e+2x2e");
        int n = 14;
        SplittableRandom rng = new SplittableRandom(5);
        double[] pos = new double[3 * n];
        for (int i = 0; i < pos.length; i++) {
            pos[i] = rng.nextDouble(-1.5, 1.5);
        }
        double[] species = new double[n * 3];
        for (int i = 0; i < n; i++) {
            species[i * 3 + rng.nextInt(3)] = 1;
        }
        GraphTopology topology = GraphTopology.radiusGraph(pos, 2.0, null);
        for (EdgeTensorProduct.Route route : new EdgeTensorProduct.Route[] {EdgeTensorProduct.Route.HARMONICS,
                EdgeTensorProduct.Route.EDGE_FRAME}) {
            PointConvolution conv = PointConvolution.builder(in, attrs, out).maxRadius(2.0).numNeighbors(6).route(route)
                    .optSeed(3).build();
            try (NDManager m = NDManager.newBaseManager()) {
                conv.initialize(m, F64);
                ParameterStore ps = new ParameterStore(m, false);
                NDArray h = TestSupport.gaussian(m, new Shape(n, in.dim()), F64, 9);
                NDArray a = Tensors.fromFlat(m, species, new Shape(n, 3), F64);
                GraphBatch g = GraphBatch.builder(topology).positions(Tensors.fromFlat(m, pos, new Shape(n, 3), F64)).build();
                NDArray y = conv.apply(ps, g, h, a, false);
                assertTrue(y.abs().max().getDouble() > 1e-2, "nonzero output");
                double worst = 0;
                for (int t = 0; t < 4; t++) {
                    O3Element e = Groups.o3().random(rng);
                    double[][] r = e.matrix();
                    double[] moved = new double[3 * n];
                    for (int i = 0; i < n; i++) {
                        for (int k = 0; k < 3; k++) {
                            moved[3 * i + k] = r[k][0] * pos[3 * i] + r[k][1] * pos[3 * i + 1] + r[k][2] * pos[3 * i + 2]
                                    + (k + 1) * 0.7;
                        }
                    }
                    GraphBatch g2 = GraphBatch.builder(topology).positions(Tensors.fromFlat(m, moved, new Shape(n, 3), F64))
                            .build();
                    NDArray din = Tensors.fromMatrix(m, Matrices.transpose(in.matrix(e)), F64);
                    NDArray dout = Tensors.fromMatrix(m, Matrices.transpose(out.matrix(e)), F64);
                    NDArray y2 = conv.apply(ps, g2, h.matMul(din), a, false);
                    double err = y2.sub(y.matMul(dout)).abs().max().getDouble() / y.abs().max().getDouble();
                    worst = Math.max(worst, err);
                }
                assertTrue(worst < 1e-9, route + ": relative equivariance error " + worst);
                System.out.println("[o3] PointConvolution " + route + ": relative E(3) equivariance error " + worst
                        + " (float64)");
                // the generic Block entry point gives the same
                NDList list = g.toNDList();
                list.add(h);
                list.add(a);
                assertTrue(conv.forward(ps, list, false).singletonOrThrow().sub(y).abs().max().getDouble() < 1e-12);
                IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                        () -> conv.apply(ps, g, h.get(":, 0:5"), a, false));
                assertTrue(bad.getMessage().contains("(14, " + in.dim() + ")"), bad.getMessage());
            }
        }
    }
}
