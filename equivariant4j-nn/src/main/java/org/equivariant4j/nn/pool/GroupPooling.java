package org.equivariant4j.nn.pool;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Locale;
import org.equivariant4j.nn.ops.BlockInputs;

/**
 * Invariant pooling over the group axis of regular-representation feature maps.
 *
 * <p>Input [batch, channels, |H|, spatial…] with any number of spatial axes (none included): each channel is a function
 * on the finite group H (or on a grid of a continuous one) sampled at |H| points along axis 2, on which H acts by
 * permuting the entries (the regular representation). The maximum and the mean over axis 2 are invariant to every
 * permutation, so the output [batch, channels, spatial…] is invariant under H acting on the group axis (and equivariant
 * to whatever acts on the spatial axes). No parameters.
 */
public final class GroupPooling extends AbstractBlock {
    private static final byte VERSION = 1;

    /** How the |H| values of a channel are reduced. */
    public enum Mode {
        MAX, MEAN
    }

    private final int groupOrder;
    private final Mode mode;

    private GroupPooling(int groupOrder, Mode mode) {
        super(VERSION);
        if (groupOrder < 1) {
            throw new IllegalArgumentException("GroupPooling needs a group order |H| >= 1, got " + groupOrder);
        }
        this.groupOrder = groupOrder;
        this.mode = mode;
    }

    /** Max over the group axis of size {@code groupOrder}. */
    public static GroupPooling max(int groupOrder) {
        return new GroupPooling(groupOrder, Mode.MAX);
    }

    /** Mean over the group axis of size {@code groupOrder}. */
    public static GroupPooling mean(int groupOrder) {
        return new GroupPooling(groupOrder, Mode.MEAN);
    }

    /** |H|, the expected size of axis 2. */
    public int groupOrder() {
        return groupOrder;
    }

    /** Max or mean. */
    public Mode mode() {
        return mode;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = BlockInputs.single(this, inputs);
        checkShape(x.getShape());
        int[] axis = {2};
        return new NDList(mode == Mode.MAX ? x.max(axis) : x.mean(axis));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = BlockInputs.singleShape(this, inputShapes);
        checkShape(s);
        long[] in = s.getShape();
        long[] out = new long[in.length - 1];
        out[0] = in[0];
        out[1] = in[1];
        System.arraycopy(in, 3, out, 2, in.length - 3);
        return new Shape[] {new Shape(out)};
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        getOutputShapes(inputShapes);
    }

    private void checkShape(Shape s) {
        BlockInputs.requireGroupFeatureMap(this, s, -1, groupOrder, BlockInputs.Spatial.ANY,
                " with the group axis at position 2");
    }

    @Override
    public String toString() {
        return "GroupPooling(" + mode.name().toLowerCase(Locale.ROOT) + ", |H| = " + groupOrder + ")";
    }
}
