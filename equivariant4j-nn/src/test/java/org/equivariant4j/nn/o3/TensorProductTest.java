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
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.DoubleBuffer;
import java.util.List;
import java.util.SplittableRandom;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.O3Element;
import org.equivariant4j.nn.TestSupport;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.nn.testing.Equivariance;
import org.equivariant4j.o3.ConnectionMode;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.TensorProductSpec;
import org.junit.jupiter.api.Test;

class TensorProductTest {
    private static final DataType F64 = DataType.FLOAT64;

    /** e3nn 0.5.1's FullyConnectedTensorProduct outputs for given inputs and flat weights, to 1e-10. */
    @Test
    void matchesE3nnWithE3nnWeights() throws IOException {
        JsonNode f = O3Fixtures.load("tensor_product.json");
        TensorProductSpec spec = TensorProductSpec.fullyConnected(Irreps.parse(f.get("irreps_in1").asText()),
                Irreps.parse(f.get("irreps_in2").asText()), Irreps.parse(f.get("irreps_out").asText()));
        JsonNode ins = f.get("instructions");
        assertEquals(ins.size(), spec.paths().size());
        for (int k = 0; k < ins.size(); k++) {
            TensorProductSpec.Path p = spec.paths().get(k);
            assertEquals(ins.get(k).get(0).asInt(), p.instruction().in1());
            assertEquals(ins.get(k).get(1).asInt(), p.instruction().in2());
            assertEquals(ins.get(k).get(2).asInt(), p.instruction().out());
            assertEquals(ins.get(k).get(3).asText(), p.mode().text());
            assertEquals(ins.get(k).get(5).asDouble(), p.coefficient(), 1e-15, "path weight " + k);
        }
        double[] w = O3Fixtures.vector(f.get("weight"));
        double[] x1 = O3Fixtures.flat(f.get("x1"));
        double[] x2 = O3Fixtures.flat(f.get("x2"));
        double[] expected = O3Fixtures.flat(f.get("out"));
        int rows = f.get("x1").size();
        try (NDManager m = NDManager.newBaseManager()) {
            TensorProduct tp = TensorProduct.builder(spec).route(TensorProductRoute.DENSE).build();
            tp.initialize(m, F64, new Shape(rows, spec.in1().dim()), new Shape(rows, spec.in2().dim()));
            tp.weight().getArray().set(DoubleBuffer.wrap(w));
            NDArray a = Tensors.fromFlat(m, x1, new Shape(rows, spec.in1().dim()), F64);
            NDArray b = Tensors.fromFlat(m, x2, new Shape(rows, spec.in2().dim()), F64);
            double[] got = tp.forward(new ParameterStore(m, false), new NDList(a, b), false).singletonOrThrow().toDoubleArray();
            assertEquals(expected.length, got.length);
            double err = maxDiff(expected, got);
            assertTrue(err < 1e-10, "max error " + err);
            // the same weights given as an external shared input
            TensorProduct ext = TensorProduct.builder(spec).weights(TensorProduct.Weights.SHARED).build();
            double[] got2 = ext.apply(a, b, Tensors.fromFlat(m, w, new Shape(w.length), F64)).toDoubleArray();
            assertTrue(maxDiff(expected, got2) < 1e-10);
            System.out.println("[o3] tensor_product.json max error " + err);
        }
    }

    /** Fully connected products with spherical harmonics: both routes, per-sample and shared weights, several chunks. */
    @Test
    void fusedRouteEqualsDenseRoute() {
        Irreps sh = Irreps.sphericalHarmonics(3);
        Irreps x = Irreps.parse("3x0e+3x1o+3x2e+3x1e");
        TensorProductSpec fc = TensorProductSpec.fullyConnected(x, sh, Irreps.parse("2x0e+4x1o+1x2e+2x3o+1x1e"));
        assertEquals(TensorProductRoute.DENSE, TensorProductRoute.choose(TensorProductSpec.convolution(x, sh, x)));
        try (NDManager m = NDManager.newBaseManager()) {
            for (TensorProductSpec spec : List.of(fc)) {
                assertEquals(TensorProductRoute.FUSED, TensorProductRoute.choose(spec));
                for (TensorProduct.Weights wm : List.of(TensorProduct.Weights.SHARED, TensorProduct.Weights.PER_SAMPLE)) {
                    int z = 23;
                    NDArray a = TestSupport.gaussian(m, new Shape(z, spec.in1().dim()), F64, 1);
                    NDArray b = TestSupport.gaussian(m, new Shape(z, spec.in2().dim()), F64, 2);
                    NDArray w = TestSupport.gaussian(m, wm == TensorProduct.Weights.SHARED ? new Shape(spec.weightNumel())
                            : new Shape(z, spec.weightNumel()), F64, 3);
                    double[] dense = TensorProduct.builder(spec).weights(wm).route(TensorProductRoute.DENSE).build()
                            .apply(a, b, w).toDoubleArray();
                    double[] fused = TensorProduct.builder(spec).weights(wm).route(TensorProductRoute.FUSED).chunkRows(5)
                            .build().apply(a, b, w).toDoubleArray();
                    double err = maxDiff(dense, fused);
                    assertTrue(err < 1e-12, spec + " " + wm + ": " + err);
                    assertTrue(maxAbs(dense) > 0.1);
                }
            }
        }
    }

    /**
     * Paths that differ only in an input-1 entry of the same irrep run merged in the dense route: the product equals the
     * sum of the products of each input-1 entry alone with its slice of the weights and its paths' coefficients (PATH
     * normalisation, so the merged coefficients differ), for shared and per-sample weights.
     */
    @Test
    void mergedPathsEqualTheSumOverInputEntries() {
        Irreps in1 = Irreps.parse("3x0e+2x1o+1x0e+2x1o+2x2e");
        Irreps in2 = Irreps.sphericalHarmonics(1);
        Irreps out = Irreps.parse("2x0e+2x1o+1x1e");
        TensorProductSpec spec = TensorProductSpec.fullyConnectedBuilder(in1, in2, out)
                .pathNormalization(org.equivariant4j.o3.PathNormalization.PATH).build();
        assertTrue(DenseProductScript.groups(spec).size() < spec.paths().size(), "some paths merge");
        try (NDManager m = NDManager.newBaseManager()) {
            for (TensorProduct.Weights wm : List.of(TensorProduct.Weights.SHARED, TensorProduct.Weights.PER_SAMPLE)) {
                int z = 7;
                boolean shared = wm == TensorProduct.Weights.SHARED;
                NDArray a = TestSupport.gaussian(m, new Shape(z, in1.dim()), F64, 4);
                NDArray b = TestSupport.gaussian(m, new Shape(z, in2.dim()), F64, 5);
                NDArray w = TestSupport.gaussian(m, shared ? new Shape(spec.weightNumel()) : new Shape(z, spec.weightNumel()),
                        F64, 6);
                NDArray merged = TensorProduct.builder(spec).weights(wm).route(TensorProductRoute.DENSE).build().apply(a, b, w);
                NDArray sum = null;
                for (int e = 0; e < in1.size(); e++) {
                    // the paths of entry e alone, each with the same coefficient (as a path weight under no normalisation)
                    Irreps single = Irreps.of(in1.get(e));
                    TensorProductSpec.Builder sb = TensorProductSpec.builder(single, in2, out)
                            .pathNormalization(org.equivariant4j.o3.PathNormalization.NONE);
                    List<NDArray> slices = new java.util.ArrayList<>();
                    for (TensorProductSpec.Path p : spec.paths()) {
                        if (p.instruction().in1() == e) {
                            double c = p.coefficient();
                            sb.instruction(new org.equivariant4j.o3.Instruction(0, p.instruction().in2(), p.instruction().out(),
                                    ConnectionMode.UVW, true, c * c / p.out().irrep().dim()));
                            String range = p.weightOffset() + ":" + (p.weightOffset() + p.weightCount());
                            slices.add(shared ? w.get(range) : w.get(":, " + range));
                        }
                    }
                    TensorProductSpec part = sb.build();
                    NDArray ws = slices.size() == 1 ? slices.get(0) : ai.djl.ndarray.NDArrays.concat(new NDList(slices),
                            shared ? 0 : 1);
                    NDArray y = TensorProduct.builder(part).weights(wm).route(TensorProductRoute.DENSE).build()
                            .apply(a.get(":, " + in1.offset(e) + ":" + in1.offset(e + 1)), b, ws);
                    sum = sum == null ? y : sum.add(y);
                }
                double err = maxDiff(sum.toDoubleArray(), merged.toDoubleArray());
                assertTrue(err < 1e-12, wm + ": " + err);
                assertTrue(maxAbs(merged.toDoubleArray()) > 0.1);
            }
        }
    }

    /** Every connection mode, with and without weights, equivariant under random rotations and reflections (float64). */
    @Test
    void everyModeIsEquivariant() {
        Irreps a = Irreps.parse("2x0e+2x1o+2x2e+2x0o");
        Irreps b = Irreps.parse("2x0e+2x1o+2x1e");
        List<TensorProductSpec> specs = List.of(
                TensorProductSpec.fullyConnected(a, b, Irreps.parse("3x0e+2x1o+2x1e+1x2e+2x2o+1x3o")),
                allModes(a, b),
                TensorProductSpec.full(a, b, null),
                TensorProductSpec.elementwise(a, Irreps.parse("3x1o+1x2e+3x0e+1x1e"), null),
                TensorProductSpec.square(Irreps.parse("3x1o+2x0e+1x2e"), (List<org.equivariant4j.o3.Irrep>) null),
                TensorProductSpec.square(Irreps.parse("3x1o+2x0e+1x2e"), Irreps.parse("2x0e+2x1e+3x2e")),
                TensorProductSpec.convolution(a, Irreps.sphericalHarmonics(2), a));
        SplittableRandom rng = new SplittableRandom(11);
        List<O3Element> elements = Equivariance.testElements(Groups.o3(), 4, rng);
        double worst = 0;
        try (NDManager m = NDManager.newBaseManager()) {
            for (TensorProductSpec spec : specs) {
                boolean square = spec.in1().equals(spec.in2()) && spec.paths().stream().anyMatch(
                        p -> p.mode() == ConnectionMode.UVU_LT_V || p.mode() == ConnectionMode.U_LT_VW);
                TensorProduct tp = (square ? TensorProduct.builder(spec).square() : TensorProduct.builder(spec)).optSeed(5).build();
                int d1 = spec.in1().dim();
                int d2 = square ? 0 : spec.in2().dim();
                tp.initialize(m, F64, new Shape(4, d1), new Shape(4, Math.max(d2, 1)));
                ParameterStore ps = new ParameterStore(m, false);
                NDArray input = TestSupport.gaussian(m, new Shape(4, d1 + d2), F64, 7);
                Irreps inIrreps = square ? spec.in1() : spec.in1().plus(spec.in2());
                NDArray y = square ? tp.forward(ps, new NDList(input), false).singletonOrThrow()
                        : tp.forward(ps, new NDList(input.get(":, 0:" + d1), input.get(":, " + d1 + ":")), false)
                                .singletonOrThrow();
                for (int c = 0; c < spec.out().size(); c++) {
                    NDArray block = y.get(":, " + spec.out().offset(c) + ":" + spec.out().offset(c + 1));
                    assertTrue(block.abs().max().getDouble() > 1e-3, spec + ": output entry " + c + " is zero");
                }
                Equivariance.Report r = Equivariance.check(xy -> {
                    NDList in = square ? new NDList(xy)
                            : new NDList(xy.get(":, 0:" + d1), xy.get(":, " + d1 + ":"));
                    return tp.forward(ps, in, false).singletonOrThrow();
                }, Equivariance.onLastAxis(inIrreps.representation()),
                        Equivariance.onLastAxis(spec.out().representation()), elements, input);
                assertTrue(r.passes(1e-9), spec + ": " + r);
                worst = Math.max(worst, r.maxRelativeError());
            }
        }
        System.out.println("[o3] tensor products, every mode: worst relative equivariance error " + worst + " (float64)");
    }

    /** One path of every mode (weighted and not) between entries whose multiplicities fit. */
    private static TensorProductSpec allModes(Irreps a, Irreps b) {
        // a: 0 = 2x0e, 1 = 2x1o, 2 = 2x2e, 3 = 2x0o; b: 0 = 2x0e, 1 = 2x1o, 2 = 2x1e
        Irreps out = Irreps.parse("2x1o+4x2e+1x1e+2x0e+3x1e+2x0o");
        return TensorProductSpec.builder(a, b, out)
                .instruction(1, 1, 4, ConnectionMode.UVW, true)     // 1o x 1o -> 3x1e
                .instruction(1, 0, 0, ConnectionMode.UVU, true)     // 1o x 0e -> 2x1o
                .instruction(2, 1, 0, ConnectionMode.UVV, true)     // 2e x 1o -> 2x1o
                .instruction(2, 1, 0, ConnectionMode.UVU, false)    // 2e x 1o -> 2x1o, summed over v
                .instruction(1, 1, 1, ConnectionMode.UVUV, true)    // 1o x 1o -> 4x2e
                .instruction(2, 0, 1, ConnectionMode.UVUV, false)   // 2e x 0e -> 4x2e
                .instruction(1, 1, 2, ConnectionMode.UUW, false)    // 1o x 1o -> 1x1e, summed over u
                .instruction(2, 2, 4, ConnectionMode.UUW, true)     // 2e x 1e -> 3x1e
                .instruction(3, 0, 5, ConnectionMode.UUU, false)    // 0o x 0e -> 2x0o
                .instruction(1, 1, 3, ConnectionMode.UUU, true)     // 1o x 1o -> 2x0e
                .build();
    }

    /** Wrong shapes name the expected and the given; nothing is broadcast. */
    @Test
    void badInputsNameBothShapes() {
        TensorProductSpec spec = TensorProductSpec.fullyConnected(Irreps.parse("2x0e+1x1o"), Irreps.parse("1x0e+1x1o"),
                Irreps.parse("1x0e+1x1o"));
        try (NDManager m = NDManager.newBaseManager()) {
            TensorProduct tp = TensorProduct.builder(spec).weights(TensorProduct.Weights.PER_SAMPLE).build();
            NDArray w = m.zeros(new Shape(4, spec.weightNumel()), F64);
            IllegalArgumentException dim = assertThrows(IllegalArgumentException.class,
                    () -> tp.apply(m.zeros(new Shape(4, 6), F64), m.zeros(new Shape(4, 4), F64), w));
            assertTrue(dim.getMessage().contains("5") && dim.getMessage().contains("2x0e+1x1o")
                    && dim.getMessage().contains("(4, 6)"), dim.getMessage());
            IllegalArgumentException lead = assertThrows(IllegalArgumentException.class,
                    () -> tp.apply(m.zeros(new Shape(4, 5), F64), m.zeros(new Shape(1, 4), F64), w));
            assertTrue(lead.getMessage().contains("broadcast"), lead.getMessage());
            IllegalArgumentException weights = assertThrows(IllegalArgumentException.class,
                    () -> tp.apply(m.zeros(new Shape(4, 5), F64), m.zeros(new Shape(4, 4), F64), m.zeros(new Shape(6), F64)));
            assertTrue(weights.getMessage().contains("(4, " + spec.weightNumel() + ")"), weights.getMessage());
            assertThrows(IllegalArgumentException.class, () -> TensorProduct.builder(spec).route(TensorProductRoute.FUSED).build());
        }
    }

    private static double maxDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
