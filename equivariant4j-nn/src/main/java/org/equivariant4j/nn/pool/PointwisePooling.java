package org.equivariant4j.nn.pool;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.pooling.Pool;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.ParameterFreeBlock;

/**
 * Max or average pooling of every channel on its own over images ({@link PointwisePool2d}) or volumes
 * ({@link PointwisePool3d}) (escnn's PointwiseMaxPool2D/3D and PointwiseAvgPool2D/3D).
 *
 * <h2>Equivariance</h2>
 * Moving the pixels (voxels) by a grid symmetry moves the windows with them when they sit symmetrically (see
 * {@link PoolingWindow}). The channel-wise maximum commutes with ρ(g) only when ρ(g) permutes channels, so max pooling
 * needs trivial, regular or quotient fields; the average is linear and the same on every channel, so average pooling
 * takes any field type. Zero padding is counted in the average (PyTorch's default); max pooling pads with −∞.
 * No parameters; {@link #export()} gives DJL's pooling block.
 */
public abstract sealed class PointwisePooling extends ParameterFreeBlock permits PointwisePool2d, PointwisePool3d {
    /** Max or average. */
    public enum Mode {
        MAX, AVG
    }

    private final Mode mode;
    private final PoolingWindow window;

    PointwisePooling(String kind, FieldType type, Mode mode, PoolingWindow window) {
        super(type, type);
        this.mode = Objects.requireNonNull(mode, "mode");
        this.window = Objects.requireNonNull(window, "window");
        if (mode == Mode.MAX) {
            requirePointwise(kind + " (max)", type);
        }
    }

    /** Max or average. */
    public Mode mode() {
        return mode;
    }

    /** The window. */
    public PoolingWindow window() {
        return window;
    }

    private Shape each(int v) {
        long[] s = new long[spatialDims()];
        Arrays.fill(s, v);
        return new Shape(s);
    }

    @Override
    protected NDArray apply(NDArray x) {
        outputShape(x.getShape());
        Shape k = each(window.kernel());
        Shape s = each(window.stride());
        Shape p = each(window.padding());
        if (spatialDims() == 2) {
            return mode == Mode.MAX ? Pool.maxPool2d(x, k, s, p, false) : Pool.avgPool2d(x, k, s, p, false, true);
        }
        return mode == Mode.MAX ? Pool.maxPool3d(x, k, s, p, false) : Pool.avgPool3d(x, k, s, p, false, true);
    }

    @Override
    protected Shape outputShape(Shape input) {
        long[] s = input.getShape().clone();
        for (int i = 2; i < s.length; i++) {
            s[i] = window.outputSize(s[i]);
        }
        return new Shape(s);
    }

    @Override
    public Block export() {
        Shape k = each(window.kernel());
        Shape s = each(window.stride());
        Shape p = each(window.padding());
        if (spatialDims() == 2) {
            return mode == Mode.MAX ? Pool.maxPool2dBlock(k, s, p, false) : Pool.avgPool2dBlock(k, s, p, false, true);
        }
        return mode == Mode.MAX ? Pool.maxPool3dBlock(k, s, p, false) : Pool.avgPool3dBlock(k, s, p, false, true);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + mode.name().toLowerCase(Locale.ROOT) + ", " + window + ", " + inType() + ")";
    }
}
