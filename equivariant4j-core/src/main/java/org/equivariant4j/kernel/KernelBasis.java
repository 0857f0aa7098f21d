package org.equivariant4j.kernel;

import java.util.List;

/**
 * A finite basis {κ₁, …, κ_K} of matrix-valued functions κ_k: R^d → R^{o×i} (kernels of a convolution from i to o
 * channels, or, for d = 0, of a linear map), sampled at any points.
 *
 * <p>The main implementation is the steerable basis ({@link SteerableKernelBasis}): kernels satisfying
 * κ(gx) = ρ_out(g) κ(x) ρ_in(g)⁻¹; linear maps use the intertwiners ({@link IntertwinerKernelBasis}). Layers never use
 * the continuous functions directly: they sample a basis once on their grid ({@link SampledKernelBasis}) and expand
 * learned coefficients into weights with the one basis expansion of the nn module. The bases that exist only on a grid
 * — the transformed pixels of regular G-CNNs ({@link KernelTransforms#liftingBasis()}, {@link KernelTransforms#groupBasis()})
 * and the dilated scale bases ({@link ScaleKernelBasis}) — are sampled bases from the start
 * ({@link SampledKernelBasis#ofValues}) and go through the same expansion.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface KernelBasis {
    /** d, the dimension of the space the kernels live on (0 for a linear map). */
    int spatialDimension();

    /** o, the rows of each kernel value (the output representation's dimension). */
    int outSize();

    /** i, the columns of each kernel value (the input representation's dimension). */
    int inSize();

    /** K, the number of basis elements. */
    int size();

    /** What each element is, in basis order (K entries). */
    List<BasisAttributes> attributes();

    /**
     * κ_k(p) at P points.
     *
     * @param points P points, each of length {@link #spatialDimension()} (for d = 0: any number of empty arrays)
     * @return the values, row-major [K][o][i][P]
     */
    double[] sample(double[][] points);

    /**
     * The same samples in block form (see {@link BlockSamples}); bases with structure (the steerable basis) give small
     * irrep-pair blocks and orthogonal embeddings, the default gives every element as one dense block.
     */
    default BlockSamples sampleBlocks(double[][] points) {
        return BlockSamples.dense(outSize(), inSize(), points.length, sample(points));
    }
}
