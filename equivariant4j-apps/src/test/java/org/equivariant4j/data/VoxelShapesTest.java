package org.equivariant4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.GSpace;
import org.equivariant4j.nn.field.GSpaces;
import org.equivariant4j.nn.field.GeometricTensor;
import org.junit.jupiter.api.Test;

class VoxelShapesTest {
    private static final double[][] IDENTITY = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};

    @Test
    void classesAreDistinctUnderRotationsAndExactlyTheMirrorPairsMeetUnderReflections() {
        assertEquals(12, VoxelShapes.CLASSES.size());
        int mirrorPairs = 0;
        for (int i = 0; i < VoxelShapes.CLASSES.size(); i++) {
            VoxelShapes.ShapeClass a = VoxelShapes.CLASSES.get(i);
            assertTrue(VoxelShapes.congruent(a, a, false), a.name() + " is congruent to itself");
            for (int j = i + 1; j < VoxelShapes.CLASSES.size(); j++) {
                VoxelShapes.ShapeClass b = VoxelShapes.CLASSES.get(j);
                assertFalse(VoxelShapes.congruent(a, b, false), a.name() + " and " + b.name() + " differ under rotations");
                boolean mirror = b.name().equals(a.mirrorOf());
                assertEquals(mirror, VoxelShapes.congruent(a, b, true), a.name() + " / " + b.name() + " under O(3)");
                assertEquals(mirror, a.name().equals(b.mirrorOf()), "mirrorOf is symmetric");
                mirrorPairs += mirror ? 1 : 0;
            }
            if (a.mirrorOf() == null) {
                // achiral: its mirror image is itself up to a rotation (checked through the inversion, -I)
                assertTrue(VoxelShapes.congruent(a, mirrored(a), false), a.name() + " is achiral");
            } else {
                assertFalse(VoxelShapes.congruent(a, mirrored(a), false), a.name() + " is chiral");
            }
        }
        assertEquals(2, mirrorPairs);
    }

    private static VoxelShapes.ShapeClass mirrored(VoxelShapes.ShapeClass a) {
        int[][] c = new int[a.cubes().length][];
        for (int i = 0; i < c.length; i++) {
            c[i] = new int[] {-a.cubes()[i][0], -a.cubes()[i][1], -a.cubes()[i][2]};
        }
        return new VoxelShapes.ShapeClass(a.name() + "'", c, null);
    }

    /**
     * Rendering in an orientation that maps the grid to itself equals permuting the voxels of the canonical rendering by
     * the library's volume action: the renderer and the layers agree on the voxel coordinates.
     */
    @Test
    void renderingACubeSymmetryIsTheVoxelPermutationOfTheLayers() {
        GSpace oh = GSpaces.fullOctaOnR3();
        FieldType scalar = FieldType.of(oh, 1, oh.trivialRepr());
        VoxelShapes.Rendering r = VoxelShapes.Rendering.defaults();
        int d = r.size();
        try (NDManager m = NDManager.newBaseManager()) {
            for (int label : new int[] {0, 8, 11}) {
                float[] canonical = VoxelShapes.render(label, IDENTITY, r, new SplittableRandom(1));
                NDArray x = m.create(canonical, new Shape(1, 1, d, d, d));
                int checked = 0;
                for (GroupElement g : oh.gridElements()) {
                    float[] expected = GeometricTensor.of(x, scalar).transform(g).tensor().toFloatArray();
                    float[] rendered = VoxelShapes.render(label, oh.baseAction(g), r, new SplittableRandom(1));
                    float worst = 0;
                    for (int i = 0; i < expected.length; i++) {
                        worst = Math.max(worst, Math.abs(expected[i] - rendered[i]));
                    }
                    assertTrue(worst < 1e-5, VoxelShapes.CLASSES.get(label).name() + " under " + g + ": " + worst);
                    checked++;
                }
                assertEquals(48, checked);
            }
        }
    }

    @Test
    void volumesHoldTheShapeInsideTheGridAndNoiseIsSeeded() {
        VoxelShapes.Rendering r = VoxelShapes.Rendering.defaults();
        assertEquals(17, r.size());
        SplittableRandom rng = new SplittableRandom(3);
        double[][] rotation = org.equivariant4j.group.Groups.so3().random(rng).matrix();
        for (int label = 0; label < VoxelShapes.CLASSES.size(); label++) {
            float[] a = VoxelShapes.render(label, IDENTITY, r, rng);
            float[] b = VoxelShapes.render(label, rotation, r, rng);
            double expected = VoxelShapes.CLASSES.get(label).cubes().length * Math.pow(r.scale(), 3);
            for (float[] v : new float[][] {a, b}) {
                double mass = 0;
                double border = 0;
                for (int i = 0; i < v.length; i++) {
                    assertTrue(v[i] >= 0 && v[i] <= 1, "occupancy in [0, 1]: " + v[i]);
                    mass += v[i];
                    int c = i % 17;
                    int bb = i / 17 % 17;
                    int aa = i / 289;
                    if (c == 0 || c == 16 || bb == 0 || bb == 16 || aa == 0 || aa == 16) {
                        border = Math.max(border, v[i]);
                    }
                }
                assertEquals(expected, mass, 0.03 * expected, VoxelShapes.CLASSES.get(label).name() + " volume");
                // the grid keeps every shape 2σ inside (Rendering): on the border at most Φ(−2) ≈ 0.023 of blur
                assertTrue(border < 0.023, "nothing but blur on the border: " + border);
            }
        }
        VoxelShapes.Rendering noisy = r.withNoise(0.06, 0.3);
        VoxelShapes.Volumes one = VoxelShapes.generate(2, noisy, true, 5);
        VoxelShapes.Volumes two = VoxelShapes.generate(2, noisy, true, 5);
        assertArrayEquals(one.voxels(), two.voxels());
        assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11}, one.labels());
        assertFalse(java.util.Arrays.equals(one.voxels(), VoxelShapes.generate(2, noisy, true, 6).voxels()));
        // generate draws every placement in order and rasterises them in parallel: the same volumes as rendering one
        // after another from the same stream
        SplittableRandom stream = new SplittableRandom(5);
        for (int i = 0; i < one.count(); i++) {
            double[][] rot = org.equivariant4j.group.Groups.so3().random(stream).matrix();
            float[] sequential = VoxelShapes.render(one.labels()[i], rot, noisy, stream);
            assertArrayEquals(sequential, java.util.Arrays.copyOfRange(one.voxels(), i * 4913, (i + 1) * 4913), "volume " + i);
        }
    }

    @Test
    void badInputIsRefusedWithBothSides() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new VoxelShapes.Rendering(8, 2.6, 0.6, 0, 0))
                .getMessage().contains("at least 9 voxels per axis, got 8"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new VoxelShapes.Rendering(11, 2.6, 0.6, 0, 0))
                .getMessage().contains("a 11-voxel grid is too small for cubes of 2.60 voxels"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new VoxelShapes.Rendering(17, 2.6, 0, 0, 0))
                .getMessage().contains("must be finite and > 0, got 2.6 and 0.0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VoxelShapes.classIndex("tetris"))
                .getMessage().contains("unknown shape class 'tetris'; expected one of [chiral_1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new VoxelShapes.Volumes(2, 9, new float[9], new int[2]))
                .getMessage().contains("expected 2 volumes of 9³ voxels and as many labels, got 9 values and 2 labels"));
        assertThrows(IllegalArgumentException.class, () -> VoxelShapes.generate(0, VoxelShapes.Rendering.defaults(), false, 1));
    }
}
