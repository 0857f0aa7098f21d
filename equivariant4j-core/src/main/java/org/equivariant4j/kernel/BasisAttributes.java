package org.equivariant4j.kernel;

/**
 * What one element of a {@link KernelBasis} is: the irreps it connects and, for a kernel on R^d, its ring and angular
 * frequency. Used to filter bases (e.g. a frequency cut-off per ring), to initialise weights and to label pictures.
 *
 * @param ring              index of the radial ring (0 for a linear map)
 * @param radius            the ring's radius in pixels (0 for a linear map)
 * @param frequency         the angular frequency (circular harmonics) or degree (spherical harmonics) of the filter,
 *                          0 for a linear map
 * @param inIrrep           name of the input irrep ψ_in
 * @param inIrrepPosition   position of that copy of ψ_in in the input representation's decomposition
 * @param outIrrep          name of the output irrep ψ_out
 * @param outIrrepPosition  position of that copy of ψ_out in the output representation's decomposition
 * @param outIrrepDimension dim ψ_out
 * @param indexInPair       index of the element among those of its (ψ_in, ψ_out, ring, frequency) space
 */
public record BasisAttributes(int ring, double radius, int frequency, String inIrrep, int inIrrepPosition, String outIrrep,
        int outIrrepPosition, int outIrrepDimension, int indexInPair) {

    /**
     * The attributes of element {@code index} of a basis that is not built from irreps (a regular G-CNN's transformed
     * pixels, a scale basis): no ring, frequency or irreps; the whole output counts as one block of {@code outSize}.
     */
    public static BasisAttributes plain(int index, int outSize) {
        return new BasisAttributes(0, 0, 0, "-", 0, "-", 0, outSize, index);
    }
}
