package org.equivariant4j.nn.pool;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.ParameterFreeBlock;

/**
 * Pads images or volumes of feature fields [batch, C, spatial…] by p pixels on every side of every spatial axis with a
 * copy of the nearest border pixel (PyTorch's and escnn's {@code replicate} padding mode):
 * <pre>
 *   y[…, i, j] = x[…, clamp(i − p, 0, H − 1), clamp(j − p, 0, W − 1)]        size (H + 2p) × (W + 2p)
 * </pre>
 * A convolution without padding after it then sees the image continue as its border does instead of a frame of zeros:
 * for digits on a uniform background, a background that goes on beyond the picture, so that no feature map has a
 * square edge whose responses cannot turn with the content.
 *
 * <h2>Equivariance</h2>
 * The fibres are copied, never mixed, so ρ(g) commutes with the padding for any field type; on the base space the
 * nearest-border rule is symmetric about the centre, so the padding commutes with every symmetry of the pixel grid
 * (rotations by 90° and flips of a square image, the 48 symmetries of a cubic volume). No parameters.
 */
public final class ReplicationPadding extends ParameterFreeBlock {
    private final int pixels;

    private ReplicationPadding(FieldType type, int pixels) {
        super(type, type);
        requireSpatial("ReplicationPadding", type);
        if (pixels < 1) {
            throw new IllegalArgumentException("ReplicationPadding needs at least 1 pixel of padding, got " + pixels);
        }
        this.pixels = pixels;
    }

    /** Padding by {@code pixels} ≥ 1 on every side. */
    public static ReplicationPadding of(FieldType type, int pixels) {
        return new ReplicationPadding(type, pixels);
    }

    /** p, the pixels added on every side. */
    public int pixels() {
        return pixels;
    }

    @Override
    protected NDArray apply(NDArray x) {
        NDArray y = x;
        for (int axis = 2; axis < x.getShape().dimension(); axis++) {
            long n = y.getShape().get(axis);
            NDArray first = y.get(slice(y.getShape().dimension(), axis, 0, 1)).repeat(axis, pixels);
            NDArray last = y.get(slice(y.getShape().dimension(), axis, n - 1, n)).repeat(axis, pixels);
            y = NDArrays.concat(new NDList(first, y, last), axis);
        }
        return y;
    }

    /** Every index along the other axes and [from, to) along {@code axis}. */
    private static NDIndex slice(int rank, int axis, long from, long to) {
        NDIndex index = new NDIndex();
        for (int a = 0; a < rank; a++) {
            if (a == axis) {
                index.addSliceDim(from, to);
            } else {
                index.addAllDim();
            }
        }
        return index;
    }

    @Override
    protected Shape outputShape(Shape input) {
        long[] s = input.getShape().clone();
        for (int i = 2; i < s.length; i++) {
            s[i] += 2L * pixels;
        }
        return new Shape(s);
    }

    @Override
    protected int[] config() {
        return new int[] {inType().size(), pixels};
    }

    @Override
    public String toString() {
        return "ReplicationPadding(" + pixels + ", " + inType() + ")";
    }
}
