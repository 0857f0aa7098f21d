package org.equivariant4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.O3;
import org.equivariant4j.group.SO3;
import org.equivariant4j.group.SO3Element;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.Representation;
import org.junit.jupiter.api.Test;

/**
 * The block form of sampled bases: the embedding Q_out · S · Q_inᵀ, norms taken from the blocks, normalisation.
 */
class BlockSamplesTest {
    private static final O3 O3 = Groups.o3();
    private static final SO3 SO3 = Groups.so3();

    /** ψ_0 ⊕ 3ψ_1 in another orthonormal basis: 10 dimensions, three copies of ψ_1. */
    private static Representation<SO3Element> rotatedBand(long seed) {
        List<Representation<SO3Element>> parts = new ArrayList<>();
        List<Irrep<SO3Element>> irreps = SO3.irreps(1);
        parts.add(irreps.get(0));
        for (int c = 0; c < 3; c++) {
            parts.add(irreps.get(1));
        }
        Representation<SO3Element> sum = Representation.directSum("band", parts);
        return sum.changeBasis("rotated band", reflection(sum.dimension(), seed));
    }

    /** The Householder reflection I − 2vvᵀ/‖v‖² for v_i = cos(seed + i): orthogonal and dense. */
    private static double[][] reflection(int n, long seed) {
        double[] v = new double[n];
        double norm = 0;
        for (int i = 0; i < n; i++) {
            v[i] = Math.cos(seed + i);
            norm += v[i] * v[i];
        }
        double[][] q = new double[n][n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                q[r][c] = (r == c ? 1 : 0) - 2 * v[r] * v[c] / norm;
            }
        }
        return q;
    }

    private static SteerableKernelBasis<SO3Element> basis(Representation<SO3Element> in, Representation<SO3Element> out,
            java.util.function.Predicate<BasisAttributes> filter) {
        var solver = new HarmonicIntertwiners<>(SO3.embeddingInO3(O3), new SphericalHarmonicFunctions(O3));
        return SteerableKernelBasis.of(solver, in, out, GaussianRadialProfile.defaults(5, 1), FrequencyCutoff.volumetricDefaults(5),
                filter);
    }

    @Test
    void denseValuesAreTheEmbeddedBlocksAndNormsComeFromTheBlocks() {
        Representation<SO3Element> in = rotatedBand(3);
        Representation<SO3Element> out = rotatedBand(4);
        SteerableKernelBasis<SO3Element> b = basis(in, out, null);
        double[][] points = KernelGrid.volumetric(5, 1);
        BlockSamples blocks = b.sampleBlocks(points);
        double[] dense = blocks.dense();
        int o = out.dimension();
        int i = in.dimension();
        int p = points.length;
        assertEquals(b.size(), blocks.size());
        // 3 rings; per ring the irrep-pair kernels of (0,0), (0,1), (1,0), (1,1) with their degrees: far fewer than the
        // elements, which repeat them for every pair of copies
        assertTrue(blocks.distinctBlocks() * 4 < blocks.size(), blocks.distinctBlocks() + " distinct of " + blocks.size());
        SplittableRandom rng = new SplittableRandom(5);
        for (int t = 0; t < 200; t++) {
            int k = rng.nextInt(b.size());
            int oo = rng.nextInt(o);
            int ii = rng.nextInt(i);
            int q = rng.nextInt(p);
            assertEquals(dense[((k * o + oo) * i + ii) * p + q], blocks.value(k, oo, ii, q), 1e-13);
        }
        for (int k = 0; k < b.size(); k++) {
            double s = 0;
            for (int j = 0; j < o * i * p; j++) {
                s += dense[k * o * i * p + j] * dense[k * o * i * p + j];
            }
            assertEquals(s, blocks.squaredNorm(k), 1e-10 * Math.max(1, s), "element " + k);
        }
        // the same values through KernelBasis.sample
        double[] viaSample = b.sample(points);
        for (int j = 0; j < dense.length; j += 7) {
            assertEquals(dense[j], viaSample[j], 0.0);
        }
    }

    @Test
    void sampledBasisIsNormalisedFromItsBlocksAndWritesTheSameValuesToBuffers() {
        Representation<SO3Element> in = rotatedBand(7);
        Representation<SO3Element> out = rotatedBand(8);
        SampledKernelBasis sampled = SampledKernelBasis.of(basis(in, out, null), KernelGrid.volumetric(5, 1));
        double[] v = sampled.values();
        int block = sampled.outSize() * sampled.inSize() * sampled.points();
        for (int k = 0; k < sampled.size(); k++) {
            double s = 0;
            for (int j = 0; j < block; j++) {
                s += v[k * block + j] * v[k * block + j];
            }
            double expected = sampled.attributes().get(k).outIrrepDimension();
            assertEquals(expected, s, 1e-10, "normalised element " + k);
            assertEquals(expected, sampled.squaredNorm(k), 1e-10);
        }
        java.nio.FloatBuffer floats = java.nio.FloatBuffer.allocate(v.length);
        java.nio.DoubleBuffer doubles = java.nio.DoubleBuffer.allocate(v.length);
        sampled.writeValues(floats);
        sampled.writeValues(doubles);
        for (int j = 0; j < v.length; j++) {
            assertEquals((float) v[j], floats.get(j), 0.0f);
            assertEquals(v[j], doubles.get(j), 0.0);
        }
        assertThrows(IllegalArgumentException.class, () -> sampled.writeValues(java.nio.FloatBuffer.allocate(v.length - 1)));
    }

    @Test
    void builderRefusesMisplacedBlocks() {
        double[][] id2 = {{1, 0}, {0, 1}};
        BlockSamples.Builder b = BlockSamples.builder(1, id2, new int[] {1, 1}, id2, new int[] {2});
        int block = b.addBlock(1, 2, new double[] {1, 2});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.addElement(block, 2, 0));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.addBlock(2, 2, new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> BlockSamples.builder(1, id2, new int[] {1}, id2,
                new int[] {2}));
    }
}
