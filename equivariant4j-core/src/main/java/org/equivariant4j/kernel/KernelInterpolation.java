package org.equivariant4j.kernel;

/**
 * How a k×k kernel array is evaluated between its pixels when a group element does not map the pixel grid to itself
 * (e.g. the 45° rotations of C8). Elements that do map the grid to itself (multiples of 90°, the flips) are always
 * applied as exact index permutations, whatever is chosen here.
 *
 * <p>The interpolant is a fixed linear function of the (masked) kernel array, zero outside the k×k square; the
 * transformed kernel L_h κ is that interpolant sampled at h⁻¹x on the pixel grid. See {@link KernelTransforms}.
 */
public enum KernelInterpolation {
    /** Bilinear interpolation between the 4 surrounding pixels (C⁰; at most 4 nonzeros per row). */
    BILINEAR,
    /**
     * Cubic convolution (Keys 1981, a = −½) over the 4×4 surrounding pixels: interpolating, C¹, reproduces quadratics;
     * smoother than bilinear (at most 16 nonzeros per row).
     */
    BICUBIC,
    /**
     * Band-limited (Fourier) resampling: the trigonometric interpolant of the k×k array, i.e. a tensor product of
     * periodic sinc (Dirichlet) kernels D_k(t) = sin(πt) / (k sin(πt/k)) (odd k; cot for even k). Exact for signals
     * band-limited to the grid's Nyquist frequency, but it treats the kernel as periodic (dense rows).
     */
    SINC
}
