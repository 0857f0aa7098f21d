package org.equivariant4j.nn.testing;

import ai.djl.ndarray.NDArray;
import org.equivariant4j.group.FiniteGroup;
import org.equivariant4j.group.Group;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.kernel.GridResampling;
import org.equivariant4j.kernel.KernelInterpolation;
import org.equivariant4j.nn.field.PlanarTransform;

/**
 * Exact actions of grid-preserving planar group elements (multiples of 90°, the flip x ↦ −x, their products) on images
 * and group feature maps, for {@link Equivariance#check}.
 *
 * <p>Pixel (i, j) of an H×W image sits at x = j − (W−1)/2, y = (H−1)/2 − i (DESIGN.md), and g acts by
 * (L_g f)(x) = f(g⁻¹x). So the rotation by +π/2 turns the picture counter-clockwise: {@link #rot90} maps
 * out[i][j] = in[j][W−1−i] on the last two axes (numpy's {@code rot90} with axes (−2, −1)).
 */
public final class ImageActions {
    private ImageActions() {}

    /** Counter-clockwise rotation by {@code quarterTurns}·90° of the last two axes (negative: clockwise). */
    public static NDArray rot90(NDArray x, int quarterTurns) {
        return PlanarTransform.rot90(x, quarterTurns);
    }

    /** The mirror x ↦ −x (columns reversed) on the last axis. */
    public static NDArray flipX(NDArray x) {
        return PlanarTransform.flipX(x);
    }

    /** L_g on the last two (spatial) axes for an element whose 2×2 matrix R(qπ/2)·F^j is a signed permutation. */
    public static <E extends GroupElement> NDArray spatial(Group<E> group, E g, NDArray x) {
        double[][] a = group.standardAction(g);
        if (a.length != 2) {
            throw new IllegalArgumentException(group.name() + " does not act on the plane");
        }
        if (!GridResampling.isSignedPermutation(a)) {
            throw new IllegalArgumentException(g + " does not map the pixel grid to itself; exact image actions exist only"
                    + " for multiples of 90° and flips");
        }
        return PlanarTransform.apply(a, x, KernelInterpolation.BILINEAR);
    }

    /** The action on images [..., height, width] (spatial only), e.g. the input of a lifting layer. */
    public static <E extends GroupElement> Equivariance.Action<E> onImages(Group<E> group) {
        return (g, x) -> spatial(group, g, x);
    }

    /**
     * The action on group feature maps [batch, channels, |H|, height, width]: (L_g F)(x, h) = F(g⁻¹x, g⁻¹h), the
     * spatial transform and the regular representation on axis 2.
     */
    public static <E extends GroupElement> Equivariance.Action<E> onGroupFeatureMaps(FiniteGroup<E> group) {
        Equivariance.Action<E> regular = Equivariance.onAxis(group.regularRepresentation(), 2);
        return (g, x) -> regular.apply(g, spatial(group, g, x));
    }

    /** The elements of a finite planar group that map the pixel grid to itself. */
    public static <E extends GroupElement> java.util.List<E> gridElements(FiniteGroup<E> group) {
        java.util.List<E> list = new java.util.ArrayList<>();
        for (E g : group.elements()) {
            if (GridResampling.isSignedPermutation(group.standardAction(g))) {
                list.add(g);
            }
        }
        return list;
    }
}
