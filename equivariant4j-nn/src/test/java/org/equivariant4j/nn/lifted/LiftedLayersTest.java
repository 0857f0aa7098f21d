package org.equivariant4j.nn.lifted;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.equivariant4j.group.Groups;
import org.equivariant4j.harmonics.SphereGrid;
import org.equivariant4j.nn.graph.GraphBatch;
import org.equivariant4j.nn.testing.Equivariance;
import org.equivariant4j.nn.testing.EuclideanMotion;
import org.equivariant4j.o3.Irreps;
import org.junit.jupiter.api.Test;

/**
 * The lifted layers one by one (float64): lifting and projection invert each other and commute with the grid's
 * symmetries; the separable convolution and the ConvNeXt block are exactly equivariant to the grid-permuting rigid
 * motions; a pointwise nonlinearity on the grid is exact for those and equivariant up to the grid otherwise.
 */
class LiftedLayersTest {
    private static final DataType F64 = DataType.FLOAT64;
    private static final Fiber ICOSAHEDRON = new SphereFiber(SphereGrid.icosahedral(12));

    @Test
    void projectionInvertsLifting() {
        Object[][] cases = {{new SphereFiber(SphereGrid.uniform(16)), Irreps.parse("2x0e+3x1o+1x2e")},
            {ICOSAHEDRON, Irreps.parse("1x0e+2x1o+1x2e")}, {RotationFiber.of(Groups.octahedral()), Irreps.parse("2x0e+2x1o")}};
        try (NDManager m = NDManager.newBaseManager()) {
            for (Object[] c : cases) {
                Fiber fiber = (Fiber) c[0];
                Irreps irreps = (Irreps) c[1];
                NDArray h = LiftedTestSupport.normal(m, new SplittableRandom(1), new Shape(7, irreps.dim()), 1, F64);
                NDArray f = new GridLifting(fiber, irreps).apply(h);
                NDArray back = new GridProjection(fiber, irreps).apply(f);
                assertArrayEquals(h.toDoubleArray(), back.toDoubleArray(), 1e-11, fiber.description() + " " + irreps);
            }
            // a vector v lifts to v·o on the sphere
            NDArray v = LiftedTestSupport.normal(m, new SplittableRandom(2), new Shape(3, 3), 1, F64);
            double[] f = new GridLifting(ICOSAHEDRON, Irreps.parse("1x1o")).apply(v).toDoubleArray();
            SphereGrid grid = SphereGrid.icosahedral(12);
            double[] vv = v.toDoubleArray();
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 12; k++) {
                    double[] o = grid.point(k);
                    assertTrue(Math.abs(f[i * 12 + k] - (vv[3 * i] * o[0] + vv[3 * i + 1] * o[1] + vv[3 * i + 2] * o[2])) < 1e-14);
                }
            }
        }
    }

    @Test
    void liftingAndProjectionCommuteWithTheGridSymmetries() {
        Irreps irreps = Irreps.parse("2x0e+2x1o+1x2e");
        try (NDManager m = NDManager.newBaseManager()) {
            List<EuclideanMotion> ih = LiftedTestSupport.icosahedralWithInversion(new SplittableRandom(3));
            GridLifting lift = new GridLifting(ICOSAHEDRON, irreps);
            NDArray h = LiftedTestSupport.normal(m, new SplittableRandom(4), new Shape(5, irreps.dim()), 1, F64);
            Equivariance.Report l = Equivariance.check(lift::apply, LiftedTestSupport.onIrreps(irreps),
                    LiftedTestSupport.onGrid(ICOSAHEDRON), ih, h);
            assertTrue(l.passes(1e-12), "lifting " + l);
            GridProjection proj = new GridProjection(ICOSAHEDRON, irreps);
            NDArray f = LiftedTestSupport.normal(m, new SplittableRandom(5), new Shape(5, 12, lift.channels()), 1, F64);
            Equivariance.Report p = Equivariance.check(proj::apply, LiftedTestSupport.onGrid(ICOSAHEDRON),
                    LiftedTestSupport.onIrreps(irreps), ih, f);
            assertTrue(p.passes(1e-12), "projection of arbitrary signals " + p);
        }
    }

    @Test
    void convolutionAndConvNextAreExactlyEquivariantOnTheGrid() {
        int channels = 6;
        int basis = 5;
        for (Fiber fiber : new Fiber[] {ICOSAHEDRON, RotationFiber.of(Groups.octahedral())}) {
            try (NDManager m = NDManager.newBaseManager()) {
                Engine.getInstance().setRandomSeed(5);
                LiftedKernelBasis kb = new LiftedKernelBasis(fiber, 8, basis, 2, 3.0);
                SeparableGroupConv conv = new SeparableGroupConv(channels, basis);
                ConvNextBlock next = new ConvNextBlock(channels, basis, 2, 0.7);
                for (Block b : new Block[] {kb, conv, next}) {
                    b.initialize(m, F64);
                }
                ParameterStore ps = new ParameterStore(m, false);
                SplittableRandom r = new SplittableRandom(6);
                NDArray x = LiftedTestSupport.normal(m, r, new Shape(8, fiber.size(), channels), 1, F64);
                NDArray pos = LiftedTestSupport.normal(m, r, new Shape(8, 3), 1.2, F64);
                long[] graphs = {0, 0, 0, 0, 0, 1, 1, 1};
                List<EuclideanMotion> g = fiber instanceof SphereFiber ? LiftedTestSupport.icosahedralWithInversion(r)
                        : LiftedTestSupport.rotations(Groups.octahedral().elements(), r);
                for (Block b : new Block[] {conv, next}) {
                    Equivariance.Report rep = Equivariance.check(in -> {
                        GraphBatch batch = GraphBatch.radiusGraph(in.get(1), 3.0, graphs).build();
                        LiftedKernelBasis.Output o = kb.apply(ps, batch, false);
                        return b instanceof SeparableGroupConv c ? c.apply(ps, in.get(0), o, batch, false)
                                : ((ConvNextBlock) b).apply(ps, in.get(0), o, batch, false);
                    }, List.of(LiftedTestSupport.onGrid(fiber), EuclideanMotion.onPositions()), LiftedTestSupport.onGrid(fiber), g,
                            new NDList(x, pos));
                    System.out.println(b + " on " + fiber.description() + ": " + rep);
                    assertTrue(rep.passes(1e-9), b + " " + rep);
                }
            }
        }
    }

    @Test
    void aPointwiseNonlinearityIsEquivariantUpToTheGrid() {
        Irreps irreps = Irreps.parse("4x0e+4x1o+4x2e");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray h = LiftedTestSupport.normal(m, new SplittableRandom(7), new Shape(6, irreps.dim()), 1, F64);
            Equivariance.Report exact = gelu(ICOSAHEDRON, irreps, h, LiftedTestSupport.icosahedralWithInversion(new SplittableRandom(8)));
            assertTrue(exact.passes(1e-12), "exact on the grid's symmetries: " + exact);
            List<EuclideanMotion> random = EuclideanMotion.randomElements(6, 0, new SplittableRandom(9));
            StringBuilder line = new StringBuilder("lift -> GELU -> project (4x0e+4x1o+4x2e), 6 random O(3) elements:");
            double previous = Double.POSITIVE_INFINITY;
            for (int n : new int[] {16, 64, 256}) {
                double err = gelu(new SphereFiber(SphereGrid.uniform(n)), irreps, h, random).maxRelativeError();
                line.append(String.format(Locale.ROOT, " uniform(%d) %.2e", n, err));
                assertTrue(err < previous / 2, line.toString());
                previous = err;
            }
            System.out.println(line);
        }
    }

    private static Equivariance.Report gelu(Fiber fiber, Irreps irreps, NDArray h, List<EuclideanMotion> g) {
        GridLifting lift = new GridLifting(fiber, irreps);
        GridProjection proj = new GridProjection(fiber, irreps);
        return Equivariance.check(x -> proj.apply(Activation.gelu(lift.apply(x))), LiftedTestSupport.onIrreps(irreps),
                LiftedTestSupport.onIrreps(irreps), g, h);
    }
}
