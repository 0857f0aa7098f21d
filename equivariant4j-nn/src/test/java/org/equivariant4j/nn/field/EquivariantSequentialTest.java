package org.equivariant4j.nn.field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import java.nio.file.Path;
import java.util.List;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.group.SubgroupEmbedding;
import org.equivariant4j.nn.activation.GatedNonlinearity;
import org.equivariant4j.nn.activation.PointwiseNonlinearity;
import org.equivariant4j.nn.conv.R2Conv;
import org.equivariant4j.nn.norm.IIDBatchNorm;
import org.equivariant4j.nn.norm.InnerBatchNorm;
import org.equivariant4j.nn.pool.InvariantFieldPooling;
import org.equivariant4j.nn.pool.GlobalSpatialPooling;
import org.equivariant4j.nn.pool.PointwisePool2d;
import org.equivariant4j.nn.pool.PoolingWindow;
import org.equivariant4j.nn.testing.Equivariance;
import org.equivariant4j.nn.testing.FieldBlockChecks;
import org.equivariant4j.nn.testing.SaveLoadChecks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EquivariantSequentialTest {
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /** lift → ReLU → inner BN → max pool → conv → group pooling → global mean: invariant [batch, 2] features. */
    static EquivariantSequential model(long seed) {
        GSpace c4 = GSpaces.rot2dOnR2(4);
        FieldType in = FieldType.of(c4, 1, c4.trivialRepr());
        FieldType hidden = FieldType.of(c4, 2, c4.regularRepr());
        return EquivariantSequential.of(
                R2Conv.builder(in, hidden).kernelSize(3).padding(1).optSeed(seed).build(),
                PointwiseNonlinearity.relu(hidden),
                InnerBatchNorm.of(hidden),
                PointwisePool2d.max(hidden, PoolingWindow.of(2)),
                R2Conv.builder(hidden, hidden).kernelSize(3).padding(1).optSeed(seed + 1).build(),
                InvariantFieldPooling.groupMax(hidden),
                GlobalSpatialPooling.mean(FieldType.of(c4, 2, c4.trivialRepr())));
    }

    @Test
    void aWholeModelIsEquivariantExportsAndTrains() {
        FieldBlockChecks.assertEquivariant(() -> model(1), manager, 8, true, 2);
        EquivariantSequential seq = model(3);
        assertEquals(7, seq.blocks().size());
        assertEquals(0, seq.outType().gspace().dimension());
        try (NDManager m = manager.newSubManager()) {
            NDArray x = FieldBlockChecks.input(seq.inType(), m, DataType.FLOAT64, 8, 4);
            FieldBlockChecks.initializeRandomly(seq, x, 5);
            assertEquals(new Shape(2, 2), seq.getOutputShapes(new Shape[] {x.getShape()})[0]);
            assertInstanceOf(SequentialBlock.class, seq.export());
            FieldBlockChecks.assertExportMatches(seq, x, 1e-12);
            FieldBlockChecks.assertParameterGradients(seq, x, 6);
            GeometricTensor y = seq.apply(GeometricTensor.of(x, seq.inType()));
            assertEquals(seq.outType(), y.type());
        }
    }

    @Test
    void savesAndLoadsEveryBlocksParameters(@TempDir Path dir) throws Exception {
        EquivariantSequential original = model(7);
        try (NDManager m = manager.newSubManager()) {
            NDArray x = FieldBlockChecks.input(original.inType(), m, DataType.FLOAT32, 8, 8);
            FieldBlockChecks.initializeRandomly(original, x, 9);
            SaveLoadChecks.assertRoundTripsExact(original, model(10), model(11), x, manager, dir, "seq");
        }
    }

    @Test
    void mismatchedTypesAreRefusedNamingBoth() {
        GSpace c4 = GSpaces.rot2dOnR2(4);
        FieldType a = FieldType.of(c4, 2, c4.regularRepr());
        FieldType b = FieldType.of(c4, 3, c4.regularRepr());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EquivariantSequential.of(PointwiseNonlinearity.relu(a), PointwiseNonlinearity.relu(b)));
        assertTrue(e.getMessage().contains(a.toString()) && e.getMessage().contains(b.toString())
                && e.getMessage().contains("block 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EquivariantSequential.of(List.of()));
    }

    @Test
    void restrictionRetypesForASubgroup() {
        GSpace d8 = GSpaces.flipRot2dOnR2(8);
        FieldType reg = FieldType.of(d8, List.of(d8.regularRepr(), d8.trivialRepr(), d8.regularRepr()));
        RestrictionModule restrict = RestrictionModule.of(reg, Subgroup.rotations(4));
        FieldType c4Type = restrict.outType();
        assertEquals("c4", c4Type.gspace().id());
        assertEquals(reg.size(), c4Type.size());
        FieldType gates = FieldType.of(c4Type.gspace(), List.of(c4Type.gspace().trivialRepr(), c4Type.gspace().trivialRepr()));
        // a D8 block, the restriction, then C4 blocks (a gate on two restricted regular fields)
        FieldType c4Gated = gates.plus(FieldType.of(c4Type.gspace(), List.of(c4Type.representations().get(0),
                c4Type.representations().get(2))));
        SubgroupEmbedding<?, ?> embedding = d8.subgroupEmbedding(Subgroup.rotations(4));
        for (DataType dt : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
            EquivariantSequential seq = EquivariantSequential.of(IIDBatchNorm.of(reg), restrict,
                    R2Conv.builder(c4Type, c4Gated).kernelSize(3).padding(1).optSeed(12).build(), GatedNonlinearity.of(c4Gated));
            try (NDManager m = manager.newSubManager()) {
                NDArray x = FieldBlockChecks.input(reg, m, dt, 7, 13);
                FieldBlockChecks.initializeRandomly(seq, x, 14);
                Equivariance.Report r = Equivariance.check(FieldBlockChecks.function(seq, m, false),
                        (h, a) -> GeometricTensor.of(a, reg).transform(include(embedding, h)).tensor(),
                        Equivariance.onFields(seq.outType()), c4Type.gspace().gridElements(), x);
                System.out.println("D8 -> restriction to C4 -> C4 blocks, " + dt + ": " + r);
                assertTrue(r.passes(dt == DataType.FLOAT32 ? 1e-5 : 1e-9), r.toString());
                assertEquals(0.0, FieldBlockChecks.function(restrict.export(), m, false).apply(x).sub(x).abs().max()
                        .toType(DataType.FLOAT64, false).getDouble());
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RestrictionModule.of(reg, Subgroup.rotations(3)));
        assertTrue(e.getMessage().contains("c3"), e.getMessage());
    }

    @SuppressWarnings("unchecked")
    private static GroupElement include(SubgroupEmbedding<?, ?> e, GroupElement h) {
        return ((SubgroupEmbedding<GroupElement, GroupElement>) e).include(h);
    }
}
