package org.equivariant4j.harmonics;

/**
 * Normalisation of the real spherical harmonics Y^l_m (e3nn names).
 *
 * <ul>
 *   <li>{@link #INTEGRAL}: ∫_{S²} Y^l_m(x̂)² dΩ = 1 (orthonormal on the sphere; e3nn's default);
 *       equals COMPONENT/√(4π).</li>
 *   <li>{@link #COMPONENT}: Σ_m Y^l_m(x̂)² = 2l + 1, i.e. each component has mean square 1 over the
 *       sphere; l = 1 is √3·(x, y, z).</li>
 *   <li>{@link #NORM}: Σ_m Y^l_m(x̂)² = 1; equals COMPONENT/√(2l + 1).</li>
 * </ul>
 */
public enum Normalization {
    INTEGRAL,
    COMPONENT,
    NORM
}
