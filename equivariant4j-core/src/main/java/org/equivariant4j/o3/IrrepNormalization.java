package org.equivariant4j.o3;

/**
 * What a tensor product assumes about the size of its inputs and promises about its output (e3nn's
 * {@code irrep_normalization}); it fixes the factor α of each path (see {@link TensorProductSpec}).
 *
 * <ul>
 *   <li>{@link #COMPONENT}: every component has second moment 1 (α = 2l_out + 1), the default;</li>
 *   <li>{@link #NORM}: every irrep copy has norm 1, so ‖x‖ = ‖y‖ = 1 gives ‖x ⊗ y‖ ≈ 1 (α = (2l1+1)(2l2+1));</li>
 *   <li>{@link #NONE}: α = 1, the bare Wigner 3j contraction.</li>
 * </ul>
 */
public enum IrrepNormalization {
    COMPONENT,
    NORM,
    NONE
}
