package org.equivariant4j.nn.pool;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.equivariant4j.nn.field.ParameterFreeBlock;
import org.equivariant4j.nn.field.FieldRuns;
import org.equivariant4j.nn.field.FieldType;

/**
 * Max pooling by norm (escnn's NormMaxPool): in every window, each field keeps the vector of the position where its
 * norm is largest (the first such position in row-major window order on a tie).
 *
 * <h2>Equivariance</h2>
 * ‖ρ(g)v‖ = ‖v‖, so the chosen position does not depend on g, and the chosen vector is ρ(g) times the original: the
 * block commutes with the grid symmetries for any orthogonal field type when the windows sit symmetrically
 * ({@link PoolingWindow}) and no two positions of a window tie in norm (ties are broken by position, which a rotation
 * changes; random inputs have none). Zero padding never wins over a nonzero vector.
 *
 * <p>Computed as k² strided slices of the padded input, the argmax of their norms and a one-hot selection, so the
 * gradient reaches the selected vectors. No parameters.
 */
public final class NormMaxPool2d extends ParameterFreeBlock {
    private final PoolingWindow window;
    private final FieldRuns runs;

    private NormMaxPool2d(FieldType type, PoolingWindow window) {
        super(type, type);
        this.window = java.util.Objects.requireNonNull(window, "window");
        requirePlanar("NormMaxPool2d", type);
        requireOrthogonal("NormMaxPool2d", type);
        this.runs = FieldRuns.of(type);
    }

    /** Norm max pooling over the window. */
    public static NormMaxPool2d of(FieldType type, PoolingWindow window) {
        return new NormMaxPool2d(type, window);
    }

    /** The window. */
    public PoolingWindow window() {
        return window;
    }

    @Override
    protected NDArray apply(NDArray x) {
        Shape out = outputShape(x.getShape());
        int p = window.padding();
        NDArray padded = p == 0 ? x : x.pad(new Shape(p, p, p, p), 0);
        int k = window.kernel();
        int s = window.stride();
        long h = out.get(2);
        long w = out.get(3);
        NDList slices = new NDList(k * k);
        NDList norms = new NDList(k * k);
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                NDArray slice = padded.get(new NDIndex(":, :, " + i + ":" + (i + s * (h - 1) + 1) + ":" + s + ", " + j + ":"
                        + (j + s * (w - 1) + 1) + ":" + s));
                slices.add(slice);
                norms.add(runs.norms(slice));
            }
        }
        NDArray best = NDArrays.stack(norms, 0).argMax(0);
        NDArray y = null;
        for (int o = 0; o < slices.size(); o++) {
            NDArray term = runs.scale(slices.get(o), best.eq(o).toType(x.getDataType(), false));
            y = y == null ? term : y.add(term);
        }
        return y;
    }

    @Override
    protected Shape outputShape(Shape input) {
        return new Shape(input.get(0), input.get(1), window.outputSize(input.get(2)), window.outputSize(input.get(3)));
    }

    @Override
    public String toString() {
        return "NormMaxPool2d(" + window + ", " + inType() + ")";
    }
}
