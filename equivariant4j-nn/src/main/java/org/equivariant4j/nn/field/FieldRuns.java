package org.equivariant4j.nn.field;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-field reductions and per-field scalings of arrays [batch, C, spatial…] typed by a {@link FieldType}, without
 * index arrays: the fields are cut into runs of consecutive fields of equal size d, and each run of n fields is viewed
 * as [batch, n, d, spatial…]. A type like "8×trivial, 8×irrep(1)" has two runs, a uniform type one, so an operation
 * costs one or two engine calls per run. Differentiable; immutable.
 */
public final class FieldRuns {
    /** How the channels of a field are combined. */
    public enum Reduction {
        /** Σ_c x_c. */
        SUM,
        /** max_c x_c. */
        MAX
    }

    /** n consecutive fields of size d from field {@code firstField} and channel {@code firstChannel}. */
    private record Run(int firstField, int fields, int size, int firstChannel) {
        int channelEnd() {
            return firstChannel + fields * size;
        }
    }

    /** The smallest norm {@link #norms} returns. */
    public static final double MIN_NORM = 1e-10;

    private final List<Run> runs;
    private final int fields;
    private final int channels;

    private FieldRuns(FieldType type) {
        List<Run> list = new ArrayList<>();
        int f = 0;
        while (f < type.fields()) {
            int d = type.fieldSize(f);
            int end = f;
            while (end < type.fields() && type.fieldSize(end) == d) {
                end++;
            }
            list.add(new Run(f, end - f, d, type.fieldStart(f)));
            f = end;
        }
        this.runs = List.copyOf(list);
        this.fields = type.fields();
        this.channels = type.size();
    }

    /** The runs of a type. */
    public static FieldRuns of(FieldType type) {
        return new FieldRuns(type);
    }

    /** [batch, C, spatial…] → [batch, F, spatial…]: field i's channels combined by {@code reduction}. */
    public NDArray reduce(NDArray x, Reduction reduction) {
        requireAxis(x, channels, "channels");
        NDList parts = new NDList(runs.size());
        for (Run r : runs) {
            NDArray part = slice(x, r.firstChannel(), r.channelEnd(), channels);
            if (r.size() > 1) {
                NDArray grouped = part.reshape(grouped(part.getShape(), r));
                part = reduction == Reduction.SUM ? grouped.sum(new int[] {2}) : grouped.max(new int[] {2});
            }
            parts.add(part);
        }
        return concat(parts);
    }

    /**
     * ‖x_i‖ per field: [batch, C, spatial…] → [batch, F, spatial…], clamped below at {@value #MIN_NORM} so that the
     * gradient stays finite where a field vanishes.
     */
    public NDArray norms(NDArray x) {
        return reduce(x.square(), Reduction.SUM).maximum(MIN_NORM * MIN_NORM).sqrt();
    }

    /**
     * Field i multiplied by the scalar s_i: x [batch, C, spatial…], s [batch or 1, F, spatial… or 1…] (broadcast over
     * the batch and space where its axes have size 1).
     */
    public NDArray scale(NDArray x, NDArray s) {
        requireAxis(x, channels, "channels");
        requireAxis(s, fields, "fields");
        NDList parts = new NDList(runs.size());
        for (Run r : runs) {
            NDArray part = slice(x, r.firstChannel(), r.channelEnd(), channels);
            NDArray factor = slice(s, r.firstField(), r.firstField() + r.fields(), fields);
            if (r.size() == 1) {
                parts.add(part.mul(factor));
            } else {
                Shape shape = part.getShape();
                parts.add(part.reshape(grouped(shape, r)).mul(factor.expandDims(2)).reshape(shape));
            }
        }
        return concat(parts);
    }

    private static Shape grouped(Shape s, Run r) {
        long[] dims = new long[s.dimension() + 1];
        dims[0] = s.get(0);
        dims[1] = r.fields();
        dims[2] = r.size();
        for (int i = 2; i < s.dimension(); i++) {
            dims[i + 1] = s.get(i);
        }
        return new Shape(dims);
    }

    private static NDArray slice(NDArray a, int from, int to, int total) {
        return from == 0 && to == total ? a : a.get(new NDIndex(":, " + from + ":" + to));
    }

    private static NDArray concat(NDList parts) {
        return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1);
    }

    private static void requireAxis(NDArray a, int size, String what) {
        if (a.getShape().dimension() < 2 || a.getShape().get(1) != size) {
            throw new IllegalArgumentException("expected an array with " + size + " " + what + " on axis 1, got shape "
                    + a.getShape());
        }
    }
}
