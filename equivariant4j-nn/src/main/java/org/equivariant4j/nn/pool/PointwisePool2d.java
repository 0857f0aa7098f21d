package org.equivariant4j.nn.pool;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.pooling.Pool;
import java.util.Locale;
import java.util.Objects;
import org.equivariant4j.nn.field.ParameterFreeBlock;
import org.equivariant4j.nn.field.FieldType;

/**
 * Max or average pooling of every channel on its own (escnn's PointwiseMaxPool2D and PointwiseAvgPool2D) over images
 * [batch, C, height, width].
 *
 * <h2>Equivariance</h2>
 * Moving the pixels by a grid symmetry moves the windows with them when they sit symmetrically (see
 * {@link PoolingWindow}). The channel-wise maximum commutes with ρ(g) only when ρ(g) permutes channels, so max pooling
 * needs trivial, regular or quotient fields; the average is linear and the same on every channel, so average pooling
 * takes any field type. Zero padding is counted in the average (PyTorch's default); max pooling pads with −∞.
 * No parameters; {@link #export()} gives DJL's pooling block.
 */
public final class PointwisePool2d extends ParameterFreeBlock {
    /** Max or average. */
    public enum Mode {
        MAX, AVG
    }

    private final Mode mode;
    private final PoolingWindow window;

    private PointwisePool2d(FieldType type, Mode mode, PoolingWindow window) {
        super(type, type);
        this.mode = Objects.requireNonNull(mode, "mode");
        this.window = Objects.requireNonNull(window, "window");
        requirePlanar("PointwisePool2d", type);
        if (mode == Mode.MAX) {
            requirePointwise("PointwisePool2d (max)", type);
        }
    }

    /** Max pooling (trivial, regular or quotient fields). */
    public static PointwisePool2d max(FieldType type, PoolingWindow window) {
        return new PointwisePool2d(type, Mode.MAX, window);
    }

    /** Average pooling (any field type). */
    public static PointwisePool2d avg(FieldType type, PoolingWindow window) {
        return new PointwisePool2d(type, Mode.AVG, window);
    }

    /** Max or average. */
    public Mode mode() {
        return mode;
    }

    /** The window. */
    public PoolingWindow window() {
        return window;
    }

    @Override
    protected NDArray apply(NDArray x) {
        outputShape(x.getShape());
        Shape k = new Shape(window.kernel(), window.kernel());
        Shape s = new Shape(window.stride(), window.stride());
        Shape p = new Shape(window.padding(), window.padding());
        return mode == Mode.MAX ? Pool.maxPool2d(x, k, s, p, false) : Pool.avgPool2d(x, k, s, p, false, true);
    }

    @Override
    protected Shape outputShape(Shape input) {
        return new Shape(input.get(0), input.get(1), window.outputSize(input.get(2)), window.outputSize(input.get(3)));
    }

    @Override
    public Block export() {
        Shape k = new Shape(window.kernel(), window.kernel());
        Shape s = new Shape(window.stride(), window.stride());
        Shape p = new Shape(window.padding(), window.padding());
        return mode == Mode.MAX ? Pool.maxPool2dBlock(k, s, p, false) : Pool.avgPool2dBlock(k, s, p, false, true);
    }

    @Override
    public String toString() {
        return "PointwisePool2d(" + mode.name().toLowerCase(Locale.ROOT) + ", " + window + ", " + inType() + ")";
    }
}
