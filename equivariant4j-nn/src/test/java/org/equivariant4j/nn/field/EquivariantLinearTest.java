package org.equivariant4j.nn.field;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.equivariant4j.group.CyclicElement;
import org.equivariant4j.group.CyclicGroup;
import org.equivariant4j.group.DihedralElement;
import org.equivariant4j.group.DihedralGroup;
import org.equivariant4j.group.FiniteGroup;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.O2;
import org.equivariant4j.group.O2Element;
import org.equivariant4j.group.O3;
import org.equivariant4j.group.O3Element;
import org.equivariant4j.group.PolyhedralGroup;
import org.equivariant4j.group.SO3;
import org.equivariant4j.group.SO3Element;
import org.equivariant4j.group.SO2;
import org.equivariant4j.group.SO2Element;
import org.equivariant4j.linalg.Matrices;
import org.equivariant4j.nn.TestSupport;
import org.equivariant4j.nn.testing.Equivariance;
import org.equivariant4j.nn.testing.GradientChecks;
import org.equivariant4j.nn.testing.SaveLoadChecks;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.Representation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EquivariantLinearTest {
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /** A representation together with its irrep multiplicities, known by construction. */
    record Built<E extends GroupElement>(Representation<E> rep, Map<Irrep<E>, Integer> multiplicities) {}

    /** Direct sum of parts, each a regular representation (m(ψ) = dim ψ / dim End ψ, Peter–Weyl) or an irrep. */
    @SafeVarargs
    private static <E extends GroupElement> Built<E> build(FiniteGroup<E> g, String name, Representation<E>... parts) {
        Map<Irrep<E>, Integer> m = new LinkedHashMap<>();
        for (Representation<E> p : parts) {
            if (p instanceof Irrep<E> psi) {
                m.merge(psi, 1, Integer::sum);
            } else {
                for (Irrep<E> psi : g.irreps()) {
                    m.merge(psi, psi.dimension() / psi.type().endomorphismDimension(), Integer::sum);
                }
            }
        }
        return new Built<>(Representation.directSum(name, List.of(parts)), m);
    }

    @SafeVarargs
    private static <E extends GroupElement> Built<E> irreps(String name, Irrep<E>... parts) {
        Map<Irrep<E>, Integer> m = new LinkedHashMap<>();
        for (Irrep<E> psi : parts) {
            m.merge(psi, 1, Integer::sum);
        }
        return new Built<>(Representation.directSum(name, List.of(parts)), m);
    }

    /** Σ_ψ m_in(ψ)·m_out(ψ)·dim End(ψ). */
    private static <E extends GroupElement> int theoryCount(Built<E> in, Built<E> out) {
        int n = 0;
        for (Map.Entry<Irrep<E>, Integer> e : in.multiplicities().entrySet()) {
            n += e.getValue() * out.multiplicities().getOrDefault(e.getKey(), 0) * e.getKey().type().endomorphismDimension();
        }
        return n;
    }

    private static <E extends GroupElement> Equivariance.Report checkCase(
            String label, Built<E> in, Built<E> out, List<E> elements, DataType dt, double tolerance, long seed) {
        EquivariantLinear block = EquivariantLinear.builder(in.rep(), out.rep()).optSeed(seed).build();
        assertEquals(theoryCount(in, out), block.numBasis(), label + ": number of basis elements");
        int dIn = in.rep().dimension();
        try (NDManager m = manager.newSubManager()) {
            block.initialize(m, dt, new Shape(6, dIn));
            // a nonzero bias, so that the bias path is checked too
            if (block.hasBias()) {
                NDArray beta = block.biasCoefficients().getArray();
                beta.addi(TestSupport.gaussian(m, beta.getShape(), dt, seed + 1));
            }
            NDArray x = TestSupport.gaussian(m, new Shape(6, dIn), dt, seed + 2);
            Equivariance.Report r = Equivariance.check(block, in.rep(), out.rep(), elements, x);
            System.out.printf("equivariance %-40s %s basis %3d: %s%n", label, dt, block.numBasis(), r);
            assertTrue(r.passes(tolerance), label + ": " + r);
            assertEquals(elements.size(), r.elementsChecked());
            return r;
        }
    }

    @Test
    void finiteGroupsFloat32AllElements() {
        CyclicGroup c4 = Groups.cyclic(4);
        DihedralGroup d4 = Groups.dihedral(4);
        CyclicGroup c8 = Groups.cyclic(8);
        DataType f32 = DataType.FLOAT32;
        double tol = 1e-5;

        Built<CyclicElement> c4reg = build(c4, "regular", c4.regularRepresentation());
        checkCase("C4 regular -> regular", c4reg, c4reg, c4.elements(), f32, tol, 1);
        checkCase("C4 regular -> psi0+psi1+psi2", c4reg, irreps("i", c4.irrep(0), c4.irrep(1), c4.irrep(2)), c4.elements(), f32, tol, 2);
        checkCase("C4 psi1+psi1+psi0 -> regular", irreps("i", c4.irrep(1), c4.irrep(1), c4.irrep(0)), c4reg, c4.elements(), f32, tol, 3);
        Built<CyclicElement> mixed = irreps("i", c4.irrep(0), c4.irrep(2), c4.irrep(1));
        Built<CyclicElement> rotated = new Built<>(mixed.rep().changeBasis("Q(psi0+psi2+psi1)", TestSupport.randomOrthogonal(4, 7)),
                mixed.multiplicities());
        checkCase("C4 Q(psi0+psi2+psi1) -> psi1+psi2", rotated, irreps("o", c4.irrep(1), c4.irrep(2)), c4.elements(), f32, tol, 4);

        Built<DihedralElement> d4reg = build(d4, "regular", d4.regularRepresentation());
        checkCase("D4 regular -> regular", d4reg, d4reg, d4.elements(), f32, tol, 5);
        checkCase("D4 regular -> psi11+psi00+psi10", d4reg,
                irreps("o", d4.irrep(1, 1), d4.irrep(0, 0), d4.irrep(1, 0)), d4.elements(), f32, tol, 6);
        checkCase("D4 psi11+psi11+psi02 -> regular+psi12",
                irreps("i", d4.irrep(1, 1), d4.irrep(1, 1), d4.irrep(0, 2)),
                build(d4, "o", d4.regularRepresentation(), d4.irrep(1, 2)), d4.elements(), f32, tol, 7);

        Built<CyclicElement> c8reg = build(c8, "regular", c8.regularRepresentation());
        checkCase("C8 regular -> regular", c8reg, c8reg, c8.elements(), f32, tol, 8);
        checkCase("C8 regular+psi3 -> psi0+psi1+psi4+psi4", build(c8, "i", c8.regularRepresentation(), c8.irrep(3)),
                irreps("o", c8.irrep(0), c8.irrep(1), c8.irrep(4), c8.irrep(4)), c8.elements(), f32, tol, 9);
        checkCase("C8 regular -> 2 regular", c8reg, build(c8, "2reg", c8.regularRepresentation(), c8.regularRepresentation()),
                c8.elements(), f32, tol, 10);
    }

    @Test
    void continuousGroupsFloat64RandomElements() {
        SO2 so2 = Groups.so2();
        O2 o2 = Groups.o2();
        SplittableRandom rng = new SplittableRandom(42);
        List<SO2Element> so2Elements = new ArrayList<>();
        List<O2Element> o2Elements = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            so2Elements.add(so2.random(rng));
            o2Elements.add(o2.random(rng));
        }
        DataType f64 = DataType.FLOAT64;
        double tol = 1e-9;

        Built<SO2Element> so2In = irreps("i", so2.irrep(0), so2.irrep(1), so2.irrep(1), so2.irrep(2), so2.irrep(3));
        Built<SO2Element> so2Out = irreps("o", so2.irrep(0), so2.irrep(0), so2.irrep(1), so2.irrep(2), so2.irrep(2), so2.irrep(3));
        checkCase("SO(2) psi0+2psi1+psi2+psi3 -> 2psi0+psi1+2psi2+psi3", so2In, so2Out, so2Elements, f64, tol, 11);
        Built<SO2Element> so2Rot = new Built<>(so2In.rep().changeBasis("Q(in)", TestSupport.randomOrthogonal(9, 3)),
                so2In.multiplicities());
        checkCase("SO(2) Q(in) -> out", so2Rot, so2Out, so2Elements, f64, tol, 12);

        Built<O2Element> o2In = irreps("i", o2.irrep(0, 0), o2.irrep(1, 0), o2.irrep(1, 1), o2.irrep(1, 2), o2.irrep(1, 3));
        Built<O2Element> o2Out = irreps("o", o2.irrep(1, 0), o2.irrep(1, 1), o2.irrep(1, 1), o2.irrep(1, 3), o2.irrep(0, 0));
        checkCase("O(2) psi00+psi10+psi11+psi12+psi13 -> ...", o2In, o2Out, o2Elements, f64, tol, 13);
    }

    @Test
    void threeDimensionalGroups() {
        PolyhedralGroup oct = Groups.octahedral();
        Built<SO3Element> octReg = build(oct, "regular", oct.regularRepresentation());
        checkCase("Octahedral regular -> regular", octReg, octReg, oct.elements(), DataType.FLOAT32, 1e-5, 31);
        checkCase("Octahedral regular -> A1+T1+E+T2", octReg,
                irreps("o", oct.irrep("A1"), oct.irrep("T1"), oct.irrep("E"), oct.irrep("T2")), oct.elements(), DataType.FLOAT32, 1e-5, 32);

        SplittableRandom rng = new SplittableRandom(43);
        SO3 so3 = Groups.so3();
        O3 o3 = Groups.o3();
        List<SO3Element> so3Elements = new ArrayList<>();
        List<O3Element> o3Elements = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            so3Elements.add(so3.random(rng));
            o3Elements.add(o3.random(rng));
        }
        checkCase("SO(3) psi0+2psi1+psi2+psi3 -> psi1+psi2+psi0+psi3",
                irreps("i", so3.irrep(0), so3.irrep(1), so3.irrep(1), so3.irrep(2), so3.irrep(3)),
                irreps("o", so3.irrep(1), so3.irrep(2), so3.irrep(0), so3.irrep(3)), so3Elements, DataType.FLOAT64, 1e-9, 33);
        checkCase("O(3) 0e+1o+1e+2e+2o -> 1o+0e+2e+1o+0o",
                irreps("i", o3.irrep("0e"), o3.irrep("1o"), o3.irrep("1e"), o3.irrep("2e"), o3.irrep("2o")),
                irreps("o", o3.irrep("1o"), o3.irrep("0e"), o3.irrep("2e"), o3.irrep("1o"), o3.irrep("0o")), o3Elements,
                DataType.FLOAT64, 1e-9, 34);
    }

    @Test
    void basisIsLinearlyIndependentAndEquivariant() {
        DihedralGroup d4 = Groups.dihedral(4);
        EquivariantLinear block = EquivariantLinear.builder(d4.regularRepresentation(),
                Representation.directSum("o", d4.irrep(1, 1), d4.irrep(0, 0))).build();
        assertEquals(3, block.numBasis()); // psi11: 2 (multiplicity in regular) x 1 x 1, psi00: 1 x 1 x 1
        double[][] gram = new double[3][3];
        for (int a = 0; a < block.numBasis(); a++) {
            for (int b = 0; b < block.numBasis(); b++) {
                gram[a][b] = Matrices.dot(block.basisElement(a), block.basisElement(b));
            }
            for (DihedralElement g : d4.elements()) {
                double[][] left = Matrices.multiply(block.basisElement(a), GSpace.matrix(block.inType().representations().get(0), g));
                double[][] right = Matrices.multiply(GSpace.matrix(block.outType().representations().get(0), g),
                        block.basisElement(a));
                assertTrue(Matrices.maxAbsDifference(left, right) < 1e-10);
            }
        }
        assertTrue(Math.abs(Matrices.determinant(gram)) > 1e-6, "basis elements are linearly independent");
    }

    @Test
    void noSharedIrrepIsRefused() {
        CyclicGroup c4 = Groups.cyclic(4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EquivariantLinear.builder(c4.irrep(1), Representation.directSum("o", c4.irrep(0), c4.irrep(2))).build());
        assertTrue(e.getMessage().contains("no nonzero equivariant linear map"), e.getMessage());
        assertTrue(e.getMessage().contains("psi[1]") && e.getMessage().contains("psi[2]"), e.getMessage());
    }

    @Test
    void biasOnlyOnInvariantSubspace() {
        DihedralGroup d4 = Groups.dihedral(4);
        Representation<DihedralElement> out = Representation.directSum("o", d4.irrep(1, 1), d4.irrep(0, 0), d4.irrep(1, 0),
                d4.irrep(0, 0));
        EquivariantLinear block = EquivariantLinear.builder(d4.regularRepresentation(), out).build();
        assertEquals(2, block.numBiasBasis());
        EquivariantLinear noTrivial = EquivariantLinear.builder(d4.regularRepresentation(), d4.irrep(1, 1)).build();
        assertFalse(noTrivial.hasBias());
        assertNull(noTrivial.biasCoefficients());
        assertEquals(1, noTrivial.getParameters().size());
        EquivariantLinear off = EquivariantLinear.builder(d4.regularRepresentation(), out).optBias(false).build();
        assertEquals(0, off.numBiasBasis());

        try (NDManager m = manager.newSubManager()) {
            block.initialize(m, DataType.FLOAT64, new Shape(1, 8));
            block.biasCoefficients().getArray().addi(m.create(new double[] {0.5, -2.0}));
            NDArray zero = m.zeros(new Shape(1, 8), DataType.FLOAT64);
            double[] b = block.forward(new ParameterStore(m, false), new NDList(zero), false).singletonOrThrow().toDoubleArray();
            // the bias is invariant: zero on the psi11 and psi10 components, nonzero on both trivial ones
            assertEquals(0.0, b[0], 1e-15);
            assertEquals(0.0, b[1], 1e-15);
            assertEquals(0.0, b[3], 1e-15);
            assertEquals(2.0 * 2.0 + 0.5 * 0.5, b[2] * b[2] + b[4] * b[4], 1e-12);
        }
    }

    @Test
    void wrongInputShapeNamesBothShapes() {
        CyclicGroup c8 = Groups.cyclic(8);
        EquivariantLinear block = EquivariantLinear.builder(c8.regularRepresentation(), c8.irrep(1)).build();
        IllegalArgumentException atInit = assertThrows(IllegalArgumentException.class,
                () -> block.initialize(manager, DataType.FLOAT32, new Shape(32, 6)));
        assertTrue(atInit.getMessage().contains("(..., 8)") && atInit.getMessage().contains("(32, 6)"), atInit.getMessage());
        try (NDManager m = manager.newSubManager()) {
            block.initialize(m, DataType.FLOAT32, new Shape(32, 8));
            ParameterStore ps = new ParameterStore(m, false);
            IllegalArgumentException atForward = assertThrows(IllegalArgumentException.class,
                    () -> block.forward(ps, new NDList(m.ones(new Shape(5, 7))), false));
            assertTrue(atForward.getMessage().contains("(..., 8)") && atForward.getMessage().contains("(5, 7)"),
                    atForward.getMessage());
            IllegalArgumentException scalar = assertThrows(IllegalArgumentException.class,
                    () -> block.forward(ps, new NDList(m.create(1f)), false));
            assertTrue(scalar.getMessage().contains("(..., 8)"), scalar.getMessage());
            IllegalArgumentException dtype = assertThrows(IllegalArgumentException.class,
                    () -> block.forward(ps, new NDList(m.ones(new Shape(5, 8), DataType.FLOAT64)), false));
            assertTrue(dtype.getMessage().contains("float64") && dtype.getMessage().contains("float32"), dtype.getMessage());
            assertThrows(IllegalArgumentException.class, () -> block.getOutputShapes(new Shape[] {new Shape(3, 4)}));
        }
    }

    @Test
    void leadingAxesAreBatched() {
        CyclicGroup c4 = Groups.cyclic(4);
        EquivariantLinear block = EquivariantLinear.builder(c4.regularRepresentation(),
                Representation.directSum("o", c4.irrep(1), c4.irrep(0))).optSeed(3).build();
        try (NDManager m = manager.newSubManager()) {
            block.initialize(m, DataType.FLOAT64, new Shape(2, 3, 4));
            assertEquals(new Shape(2, 3, 3), block.getOutputShapes(new Shape[] {new Shape(2, 3, 4)})[0]);
            NDArray x = TestSupport.gaussian(m, new Shape(2, 3, 4), DataType.FLOAT64, 5);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray y = block.forward(ps, new NDList(x), false).singletonOrThrow();
            assertEquals(new Shape(2, 3, 3), y.getShape());
            NDArray flat = block.forward(ps, new NDList(x.reshape(6, 4)), false).singletonOrThrow();
            assertArrayEquals(flat.toDoubleArray(), y.toDoubleArray(), 1e-14);
            // against the Java weight matrix
            double[][] w = block.weightMatrix();
            double[] xs = x.toDoubleArray();
            double[] ys = y.toDoubleArray();
            double[] bias = block.forward(ps, new NDList(m.zeros(new Shape(1, 4), DataType.FLOAT64)), false)
                    .singletonOrThrow().toDoubleArray();
            for (int r = 0; r < 6; r++) {
                double[] row = Matrices.apply(w, java.util.Arrays.copyOfRange(xs, 4 * r, 4 * r + 4));
                for (int o = 0; o < 3; o++) {
                    assertEquals(row[o] + bias[o], ys[3 * r + o], 1e-12);
                }
            }
        }
    }

    @Test
    void initialisationPreservesVariance() {
        CyclicGroup c8 = Groups.cyclic(8);
        Representation<CyclicElement> reg = c8.regularRepresentation();
        Representation<CyclicElement> small = Representation.directSum("o", c8.irrep(1), c8.irrep(0), c8.irrep(0));
        EquivariantLinear probe = EquivariantLinear.builder(reg, small).build();
        assertEquals(4, probe.numBasis());
        assertEquals(4, probe.initStd().length);
        // E over initialisations of E_x |W x|^2 / dim = s^2 (s = 1): average 40 seeded initialisations
        try (NDManager m = manager.newSubManager()) {
            NDArray x = TestSupport.gaussian(m, new Shape(2048, 8), DataType.FLOAT64, 99);
            double sum = 0;
            int draws = 40;
            for (int s = 0; s < draws; s++) {
                EquivariantLinear b = EquivariantLinear.builder(reg, reg).optBias(false).optSeed(1000 + s).build();
                b.initialize(m, DataType.FLOAT64, new Shape(2048, 8));
                NDArray y = b.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
                sum += y.square().mean().getDouble();
            }
            double ratio = sum / draws / x.square().mean().getDouble();
            System.out.printf("init: output/input variance over %d initialisations = %.3f%n", draws, ratio);
            assertEquals(1.0, ratio, 0.25);
        }
    }

    @Test
    void gradientsMatchFiniteDifferencesFloat64() {
        O2 o2 = Groups.o2();
        Representation<O2Element> in = Representation.directSum("i", o2.irrep(0, 0), o2.irrep(1, 1), o2.irrep(1, 2), o2.irrep(1, 1));
        Representation<O2Element> out = Representation.directSum("o", o2.irrep(1, 1), o2.irrep(0, 0), o2.irrep(1, 2));
        EquivariantLinear block = EquivariantLinear.builder(in, out).optSeed(17).build();
        try (NDManager m = manager.newSubManager()) {
            block.initialize(m, DataType.FLOAT64, new Shape(5, 7));
            NDArray c = block.coefficients().getArray();
            NDArray beta = block.biasCoefficients().getArray();
            beta.addi(m.create(new double[] {0.3}));
            NDArray x = TestSupport.gaussian(m, new Shape(5, 7), DataType.FLOAT64, 21);
            NDArray r = TestSupport.gaussian(m, new Shape(5, 5), DataType.FLOAT64, 22);
            ParameterStore ps = new ParameterStore(m, false);
            x.setRequiresGradient(true);
            JniUtils.zeroGrad((PtNDArray) c);
            JniUtils.zeroGrad((PtNDArray) beta);
            double[] gc;
            double[] gb;
            double[] gx;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray loss = GradientChecks.loss(block, ps, x, r);
                collector.backward(loss);
                gc = c.getGradient().toDoubleArray();
                gb = beta.getGradient().toDoubleArray();
                gx = x.getGradient().toDoubleArray();
            }
            assertEquals(block.numBasis(), gc.length);
            assertTrue(java.util.Arrays.stream(gc).map(Math::abs).max().orElse(0) > 0.1, "gradients reach the coefficients");
            for (int k = 0; k < gc.length; k++) {
                GradientChecks.assertGradient("d loss / d c", block, ps, x, r, c, gc[k], k);
            }
            GradientChecks.assertGradient("d loss / d beta", block, ps, x, r, beta, gb[0], 0);
            // input gradient = (dL/dy) W, dL/dy = r + y
            double[][] w = block.weightMatrix();
            double[] dy = r.add(block.forward(ps, new NDList(x), false).singletonOrThrow()).toDoubleArray();
            for (int row = 0; row < 5; row++) {
                for (int i = 0; i < 7; i++) {
                    double expected = 0;
                    for (int o = 0; o < 5; o++) {
                        expected += dy[row * 5 + o] * w[o][i];
                    }
                    assertEquals(expected, gx[row * 7 + i], 1e-10);
                }
            }
        }
    }

    @Test
    void saveLoadRoundTripIsBitExact(@TempDir Path dir) throws Exception {
        DihedralGroup d4 = Groups.dihedral(4);
        Representation<DihedralElement> out = Representation.directSum("o", d4.regularRepresentation(), d4.irrep(0, 0));
        Shape shape = new Shape(3, 8);
        EquivariantLinear original = EquivariantLinear.builder(d4.regularRepresentation(), out).optSeed(1).build();
        try (NDManager m = manager.newSubManager()) {
            original.initialize(m, DataType.FLOAT32, shape);
            original.biasCoefficients().getArray().addi(m.create(new float[] {0.25f, -1.5f}));
            NDArray x = TestSupport.gaussian(m, shape, DataType.FLOAT32, 4);
            // streams (no initialize() afterwards: the basis is rebuilt on first use), then Model.save / Model.load
            byte[] bytes = SaveLoadChecks.assertRoundTripsExact(original,
                    EquivariantLinear.builder(d4.regularRepresentation(), out).optSeed(2).build(),
                    EquivariantLinear.builder(d4.regularRepresentation(), out).optSeed(3).build(), x, manager, dir, "lin");
            assertTrue(Files.list(dir).anyMatch(p -> p.getFileName().toString().endsWith(".params")));

            // 3. parameters of another configuration are refused with both configurations named
            EquivariantLinear other = EquivariantLinear.builder(d4.regularRepresentation(), d4.regularRepresentation()).build();
            MalformedModelException e = assertThrows(MalformedModelException.class,
                    () -> SaveLoadChecks.load(other, manager, bytes));
            assertTrue(e.getMessage().contains("[8, 9, 9, 2]") && e.getMessage().contains("[8, 8, 8, 1]"), e.getMessage());
        }
    }

    @Test
    void scopedTrainingLoopDoesNotLeakAndLearns() {
        CyclicGroup c8 = Groups.cyclic(8);
        Representation<CyclicElement> reg = c8.regularRepresentation();
        EquivariantLinear block = EquivariantLinear.builder(reg, reg).optSeed(5).build();
        try (NDManager model = manager.newSubManager(); NDManager data = manager.newSubManager()) {
            block.initialize(model, DataType.FLOAT32, new Shape(16, 8));
            ParameterStore ps = new ParameterStore(model, false);
            List<Parameter> params = block.getParameters().values();
            int[] before = null;
            double firstLoss = 0;
            double lastLoss = 0;
            for (int step = 0; step < 200; step++) {
                try (NDScope scope = new NDScope()) {
                    NDArray x = data.randomNormal(new Shape(16, 8));
                    double lossValue;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray y = block.forward(ps, new NDList(x), true).singletonOrThrow();
                        NDArray loss = y.sub(x).square().mean(); // target: the identity, an intertwiner of reg
                        gc.backward(loss);
                        lossValue = loss.getFloat();
                    }
                    GradientChecks.sgdStep(params, 0.1f);
                    if (step == 0) {
                        firstLoss = lossValue;
                    }
                    lastLoss = lossValue;
                }
                if (step == 4) {
                    before = counts(model, data);
                }
            }
            int[] after = counts(model, data);
            System.out.printf("scope loop: managed arrays (model, data, root) %s after 5 steps, %s after 200; loss %.4f -> %.2e%n",
                    java.util.Arrays.toString(before), java.util.Arrays.toString(after), firstLoss, lastLoss);
            assertArrayEquals(before, after);
            assertTrue(lastLoss < 1e-3 * firstLoss, firstLoss + " -> " + lastLoss);
        }
    }

    private static int[] counts(NDManager model, NDManager data) {
        return new int[] {
            ((BaseNDManager) model).getManagedArrays().size(),
            ((BaseNDManager) data).getManagedArrays().size(),
            ((BaseNDManager) manager).getManagedArrays().size()
        };
    }
}
