package org.equivariant4j.nn.pool;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Locale;
import org.equivariant4j.nn.ops.BlockInputs;

/**
 * Spatial max or average pooling of group feature maps [batch, channels, |H|, height, width] that keeps the layout:
 * every (channel, h) plane is pooled on its own (the group axis is folded into channels), so the pooling commutes
 * with the permutation of the |H| axis. It commutes with 90° rotations and flips of the plane when the windows are
 * placed symmetrically about the image centre: (size + 2·padding − kernel) divisible by the stride (e.g. 17×17 with
 * kernel 3, stride 2, padding 1). No parameters.
 */
public final class GroupSpatialPool2d extends AbstractBlock {
    private static final byte VERSION = 1;

    /** Max or average. */
    public enum Mode {
        MAX, AVG
    }

    private final int groupOrder;
    private final Mode mode;
    private final int kernel;
    private final int stride;
    private final int padding;

    private GroupSpatialPool2d(int groupOrder, Mode mode, int kernel, int stride, int padding) {
        super(VERSION);
        if (groupOrder < 1 || kernel < 1 || stride < 1 || padding < 0 || 2 * padding > kernel) {
            throw new IllegalArgumentException("GroupSpatialPool2d needs |H| >= 1, kernel >= 1, stride >= 1 and "
                    + "0 <= padding <= kernel/2, got |H| = " + groupOrder + ", kernel " + kernel + ", stride " + stride
                    + ", padding " + padding);
        }
        this.groupOrder = groupOrder;
        this.mode = mode;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    /** Max pooling with a square window. */
    public static GroupSpatialPool2d max(int groupOrder, int kernel, int stride, int padding) {
        return new GroupSpatialPool2d(groupOrder, Mode.MAX, kernel, stride, padding);
    }

    /** Average pooling with a square window (zero padding counted in the average, as in PyTorch's default). */
    public static GroupSpatialPool2d avg(int groupOrder, int kernel, int stride, int padding) {
        return new GroupSpatialPool2d(groupOrder, Mode.AVG, kernel, stride, padding);
    }

    /** |H|. */
    public int groupOrder() {
        return groupOrder;
    }

    /** Max or average. */
    public Mode mode() {
        return mode;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = BlockInputs.single(this, inputs);
        Shape s = x.getShape();
        checkShape(s);
        NDArray flat = x.reshape(s.get(0), s.get(1) * s.get(2), s.get(3), s.get(4));
        Shape k = new Shape(kernel, kernel);
        Shape st = new Shape(stride, stride);
        Shape p = new Shape(padding, padding);
        NDArray y = mode == Mode.MAX ? Pool.maxPool2d(flat, k, st, p, false) : Pool.avgPool2d(flat, k, st, p, false, true);
        Shape ys = y.getShape();
        return new NDList(y.reshape(s.get(0), s.get(1), s.get(2), ys.get(2), ys.get(3)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = BlockInputs.singleShape(this, inputShapes);
        checkShape(s);
        return new Shape[] {new Shape(s.get(0), s.get(1), s.get(2), out(s.get(3), s), out(s.get(4), s))};
    }

    private long out(long in, Shape s) {
        long span = in + 2L * padding - kernel;
        if (span < 0) {
            throw new IllegalArgumentException(this + ": input of shape " + s + " is smaller than the window");
        }
        return span / stride + 1;
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        getOutputShapes(inputShapes);
    }

    private void checkShape(Shape s) {
        BlockInputs.requireGroupFeatureMap(this, s, -1, groupOrder, BlockInputs.Spatial.PLANE, "");
    }

    @Override
    public String toString() {
        return "GroupSpatialPool2d(" + mode.name().toLowerCase(Locale.ROOT) + ", |H| = " + groupOrder + ", kernel " + kernel
                + ", stride " + stride + ", padding " + padding + ")";
    }
}
