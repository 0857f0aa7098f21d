package org.equivariant4j.nn.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.nn.TestSupport;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.GSpace;
import org.equivariant4j.nn.field.GSpaces;
import org.equivariant4j.nn.field.GeometricTensor;
import org.equivariant4j.nn.field.Subgroup;
import org.equivariant4j.nn.testing.Equivariance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class R2ConvTest {
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /** Builds, initialises (float32 or float64) and randomises the bias, then checks all grid elements. */
    static Equivariance.Report check(SteerableConvolution conv, int size, DataType dt, long seed) {
        try (NDManager m = manager.newSubManager()) {
            Shape in = new Shape(2, conv.inType().size(), size, size);
            conv.initialize(m, dt, in);
            if (conv.hasBias()) {
                NDArray b = conv.bias().getArray();
                b.addi(TestSupport.gaussian(m, b.getShape(), b.getDataType(), seed + 1));
            }
            NDArray x = TestSupport.gaussian(m, in, dt, seed + 2);
            Equivariance.Report r = Equivariance.check(conv, x);
            System.out.printf("%s %s: %s%n", conv, dt, r);
            return r;
        }
    }

    @Test
    void exactlyEquivariantForGridSymmetriesOfEveryPlanarGSpace() {
        List<GSpace> spaces = List.of(GSpaces.rot2dOnR2(4), GSpaces.rot2dOnR2(8), GSpaces.flipRot2dOnR2(4),
                GSpaces.flipRot2dOnR2(8), GSpaces.rot2dOnR2(-1, 3), GSpaces.flipRot2dOnR2(-1, 3, Math.PI / 2),
                GSpaces.flip2dOnR2(), GSpaces.flip2dOnR2(0.0), GSpaces.flip2dOnR2(Math.PI / 4), GSpaces.trivialOnR2(),
                GSpaces.rot2dOnR2(3));
        long seed = 10;
        for (GSpace g : spaces) {
            FieldType trivial = FieldType.of(g, 2, g.trivialRepr());
            FieldType hidden = hiddenType(g);
            for (int k : new int[] {3, 5}) {
                R2Conv lift = R2Conv.builder(trivial, hidden).kernelSize(k).padding(k / 2).optSeed(seed++).build();
                assertTrue(check(lift, 13, DataType.FLOAT32, seed++).passes(1e-5), g + " lift k=" + k);
                R2Conv conv = R2Conv.builder(hidden, hidden).kernelSize(k).padding(k / 2).optSeed(seed++).build();
                assertTrue(check(conv, 13, DataType.FLOAT32, seed++).passes(1e-5), g + " hidden k=" + k);
                R2Conv down = R2Conv.builder(hidden, trivial).kernelSize(k).stride(2).padding(k / 2).optSeed(seed++).build();
                assertTrue(check(down, 13, DataType.FLOAT64, seed++).passes(1e-9), g + " stride 2 k=" + k);
            }
        }
    }

    /** Regular fields for finite groups, irreps up to 2 for the continuous ones, mixed with a scalar field. */
    static FieldType hiddenType(GSpace g) {
        if (g.fibreGroup().isFinite()) {
            return FieldType.of(g, List.of(g.regularRepr(), g.trivialRepr(), g.regularRepr()));
        }
        return FieldType.of(g, 2, g.bandLimitedRegularRepr(2)).plus(FieldType.of(g, List.of(g.irreps().get(1))));
    }

    @Test
    void typedApplyRefusesTheWrongTypeAndComposes() {
        GSpace g = GSpaces.rot2dOnR2(4);
        FieldType in = FieldType.of(g, 1, g.trivialRepr());
        FieldType out = FieldType.of(g, 3, g.regularRepr());
        R2Conv conv = R2Conv.builder(in, out).kernelSize(3).padding(1).build();
        try (NDManager m = manager.newSubManager()) {
            conv.initialize(m, DataType.FLOAT32, new Shape(1, 1, 9, 9));
            GeometricTensor x = GeometricTensor.of(m.ones(new Shape(1, 1, 9, 9)), in);
            GeometricTensor y = conv.apply(x);
            assertEquals(out, y.type());
            assertEquals(new Shape(1, 12, 9, 9), y.shape());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> conv.apply(y));
            assertTrue(e.getMessage().contains(in.toString()) && e.getMessage().contains(out.toString()), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> GeometricTensor.of(m.ones(new Shape(1, 2, 9, 9)), in));
        }
    }

    @Test
    void exportGivesAPlainConvolutionWithTheSameOutputs() {
        GSpace g = GSpaces.flipRot2dOnR2(4);
        FieldType in = FieldType.of(g, List.of(g.trivialRepr(), g.irrep(1, 1)));
        FieldType out = FieldType.of(g, List.of(g.regularRepr(), g.trivialRepr()));
        R2Conv conv = R2Conv.builder(in, out).kernelSize(5).padding(2).stride(2).optSeed(3).build();
        try (NDManager m = manager.newSubManager()) {
            conv.initialize(m, DataType.FLOAT64, new Shape(2, 3, 11, 11));
            conv.bias().getArray().addi(1.5);
            NDArray x = TestSupport.gaussian(m, new Shape(2, 3, 11, 11), DataType.FLOAT64, 4);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray y = conv.forward(ps, new NDList(x), false).singletonOrThrow();
            Block plain = conv.export();
            NDArray z = plain.forward(ps, new NDList(x), false).singletonOrThrow();
            assertEquals(0.0, y.sub(z).abs().max().getDouble(), 1e-12);
            NDArray yTrain = conv.forward(ps, new NDList(x), true).singletonOrThrow();
            assertEquals(0.0, y.sub(yTrain).abs().max().getDouble(), 1e-12, "training and inference paths agree");
        }
    }

    @Test
    void noEquivariantKernelIsRefusedWithBothTypes() {
        GSpace g = GSpaces.flipRot2dOnR2(-1, 3, Math.PI / 2);
        FieldType in = FieldType.of(g, 1, g.trivialRepr());
        FieldType out = FieldType.of(g, 1, g.irrep(1, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> R2Conv.builder(in, out).kernelSize(5).build());
        assertTrue(e.getMessage().contains("no equivariant kernel"), e.getMessage());
        FieldType other = FieldType.of(GSpaces.rot2dOnR2(4), 1, GSpaces.rot2dOnR2(4).trivialRepr());
        assertThrows(IllegalArgumentException.class, () -> R2Conv.builder(in, other));
        assertThrows(IllegalArgumentException.class, () -> FieldType.of(g, 1, GSpaces.rot2dOnR2(4).trivialRepr()));
    }

    @Test
    void restrictionKeepsEquivarianceForTheSubgroup() {
        GSpace d8 = GSpaces.flipRot2dOnR2(8);
        FieldType reg = FieldType.of(d8, 2, d8.regularRepr());
        FieldType restricted = reg.restrict(Subgroup.rotations(4));
        assertEquals(reg.size(), restricted.size());
        assertEquals("c4", restricted.gspace().id());
        R2Conv conv = R2Conv.builder(restricted, restricted).kernelSize(3).padding(1).optSeed(5).build();
        assertTrue(check(conv, 9, DataType.FLOAT32, 6).passes(1e-5));
        List<GroupElement> elements = restricted.gspace().gridElements();
        assertEquals(4, elements.size());
    }
}
