package org.equivariant4j.nn.o3;

import org.equivariant4j.o3.TensorProductSpec;

/**
 * How a {@link TensorProduct} computes. All routes compute the same function (tested to rounding); they differ in
 * speed.
 */
public enum TensorProductRoute {
    /**
     * e3nn's formulation: one einsum per path with the full Wigner 3j block, each in its cheapest pairwise order. Works
     * for every spec; the reference and the baseline of the benchmarks.
     */
    DENSE,
    /**
     * The sparse Clebsch–Gordan entries of all paths into an output entry in one constant, those paths in one batched
     * matmul and one weight matmul (see {@code FusedProductScript}). For fully connected products with an input 2 of
     * multiplicity 1 per entry (spherical harmonics): weighted uvw paths, one input-1 multiplicity.
     */
    FUSED,
    /** {@link #FUSED} when the spec allows it, else {@link #DENSE}. */
    AUTO;

    /** The route that {@code AUTO} picks for a spec. */
    public static TensorProductRoute choose(TensorProductSpec spec) {
        return FusedProductScript.unsupported(spec) == null ? FUSED : DENSE;
    }
}
