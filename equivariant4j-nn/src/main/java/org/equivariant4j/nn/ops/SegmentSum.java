package org.equivariant4j.nn.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Segment sum and segment mean over the first axis, differentiable with respect to the values:
 * {@code out[s] = Σ_{e : ids[e] = s} values[e]}.
 *
 * <p>DJL 0.36 has no scatter-add ({@code scatter}, {@code put} and {@code set} overwrite duplicate
 * indices). This class is the library's one engine extension for it: a constant sparse COO
 * incidence matrix {@code A[numSegments, E]} with ones at {@code (ids[e], e)}, multiplied with the
 * values ({@code torch.sparse.mm}). Gradients flow to the values (never to {@code A}). Build it once
 * per edge set and reuse it for every layer; the incidence lives on the manager given at
 * construction.
 *
 * <p>Mean divides by {@code max(count, 1)}, like the EGNN reference's {@code unsorted_segment_mean}
 * with its count clamped at one: empty segments give zero.
 */
public final class SegmentSum implements AutoCloseable {
    private final long numSegments;
    private final long numValues;
    private final DataType dataType;
    private final NDArray incidence; // sparse COO [numSegments, numValues], null when numValues == 0
    private final NDArray inverseCounts; // dense [numSegments, 1], 1 / max(count, 1)
    private final double[] counts;

    private SegmentSum(NDManager manager, long[] ids, NDArray idsArray, long numSegments, DataType dataType) {
        if (numSegments < 0) {
            throw new IllegalArgumentException("numSegments must be >= 0, got " + numSegments);
        }
        if (dataType != DataType.FLOAT32 && dataType != DataType.FLOAT64) {
            throw new IllegalArgumentException("dataType must be FLOAT32 or FLOAT64, got " + dataType);
        }
        this.numSegments = numSegments;
        this.numValues = ids.length;
        this.dataType = dataType;
        this.counts = new double[Math.toIntExact(numSegments)];
        for (int e = 0; e < ids.length; e++) {
            long s = ids[e];
            if (s < 0 || s >= numSegments) {
                throw new IllegalArgumentException("segment id " + s + " at position " + e
                        + " is out of range [0, " + numSegments + ")");
            }
            counts[(int) s]++;
        }
        double[] inv = new double[counts.length];
        for (int s = 0; s < inv.length; s++) {
            inv[s] = 1.0 / Math.max(counts[s], 1.0);
        }
        this.inverseCounts = create(manager, inv, new Shape(numSegments, 1), dataType);
        if (ids.length == 0) {
            this.incidence = null;
        } else {
            // The sparse tensor keeps a reference to its index tensor, which must therefore own its
            // memory: manager.create(long[]) wraps a Java direct buffer (torch::from_blob) that the
            // Java side may free, so the index is always produced by a native op (stack / duplicate).
            try (NDArray owned = idsArray == null ? manager.create(ids) : null;
                    NDArray edgeIds = manager.arange(0, ids.length, 1, DataType.INT64);
                    NDArray index = NDArrays.stack(new NDList(idsArray == null ? owned : idsArray, edgeIds));
                    NDArray ones = manager.ones(new Shape(ids.length), dataType)) {
                this.incidence = JniUtils.createSparseCoo(
                        (PtNDArray) index, (PtNDArray) ones, new Shape(numSegments, ids.length));
            }
        }
    }

    /**
     * Builds the operator for the given segment ids.
     *
     * @param manager manager that owns the constant incidence matrix
     * @param segmentIds segment of each value, each in {@code [0, numSegments)}
     * @param numSegments number of output rows
     * @param dataType FLOAT32 or FLOAT64: the dtype of the values it will be applied to
     */
    public static SegmentSum of(NDManager manager, long[] segmentIds, long numSegments, DataType dataType) {
        return new SegmentSum(manager, segmentIds.clone(), null, numSegments, dataType);
    }

    /** As {@link #of(NDManager, long[], long, DataType)} with int64 ids [E] held in an NDArray (on its manager). */
    public static SegmentSum of(NDArray segmentIds, long numSegments, DataType dataType) {
        if (segmentIds.getShape().dimension() != 1 || segmentIds.getDataType() != DataType.INT64) {
            throw new IllegalArgumentException("segment ids must be an INT64 vector [E], got "
                    + segmentIds.getDataType() + " " + segmentIds.getShape());
        }
        return new SegmentSum(segmentIds.getManager(), segmentIds.toLongArray(), segmentIds, numSegments, dataType);
    }

    /**
     * As {@link #of(NDArray, long, DataType)} when the caller also holds the ids as a Java array (they
     * must be equal); saves the copy back from the engine.
     */
    public static SegmentSum of(NDArray segmentIds, long[] sameIds, long numSegments, DataType dataType) {
        if (segmentIds.getShape().dimension() != 1 || segmentIds.getShape().get(0) != sameIds.length
                || segmentIds.getDataType() != DataType.INT64) {
            throw new IllegalArgumentException("segment ids must be an INT64 vector [" + sameIds.length + "], got "
                    + segmentIds.getDataType() + " " + segmentIds.getShape());
        }
        return new SegmentSum(segmentIds.getManager(), sameIds, segmentIds, numSegments, dataType);
    }

    public long numSegments() {
        return numSegments;
    }

    public long numValues() {
        return numValues;
    }

    public DataType dataType() {
        return dataType;
    }

    /** Number of values per segment (a copy). */
    public double[] counts() {
        return counts.clone();
    }

    /** {@code 1 / max(count, 1)} per segment, shape [numSegments, 1]; a constant owned by this operator. */
    public NDArray inverseCounts() {
        return inverseCounts;
    }

    /**
     * Segment sum: values [E, ...] to [numSegments, ...], with gradients to the values. The result is
     * attached to the values' manager.
     */
    public NDArray sum(NDArray values) {
        return reduce(values, false);
    }

    /** Segment mean: the sum divided by {@code max(count, 1)}. */
    public NDArray mean(NDArray values) {
        return reduce(values, true);
    }

    private NDArray reduce(NDArray values, boolean mean) {
        Shape shape = values.getShape();
        if (shape.dimension() < 1 || shape.get(0) != numValues) {
            throw new IllegalArgumentException("values must have shape [" + numValues + ", ...] (one row per"
                    + " segment id), got " + shape);
        }
        if (values.getDataType() != dataType) {
            throw new IllegalArgumentException("values have dtype " + values.getDataType()
                    + " but this segment operator was built for " + dataType);
        }
        long[] outDims = shape.getShape().clone();
        outDims[0] = numSegments;
        Shape outShape = new Shape(outDims);
        if (incidence == null) {
            return values.getManager().zeros(outShape, dataType);
        }
        long rest = numValues == 0 ? 0 : shape.size() / numValues;
        NDArray flat = shape.dimension() == 2 ? values : values.reshape(numValues, rest);
        NDArray out = incidence.matMul(flat);
        if (mean) {
            out = out.mul(inverseCounts);
        }
        if (shape.dimension() != 2) {
            out = out.reshape(outShape);
        }
        out.attach(values.getManager());
        return out;
    }

    /**
     * Frees the incidence matrix and counts. Results computed earlier stay valid (autograd keeps its own
     * references).
     */
    @Override
    public void close() {
        if (incidence != null) {
            incidence.close();
        }
        inverseCounts.close();
    }

    /** Dense reference (one-hot [numSegments, E] matrix product); for tests only, O(numSegments·E) memory. */
    public static NDArray denseReference(NDArray values, long[] segmentIds, long numSegments) {
        NDManager m = values.getManager();
        int e = segmentIds.length;
        double[] oneHot = new double[Math.toIntExact(numSegments * e)];
        for (int k = 0; k < e; k++) {
            oneHot[(int) (segmentIds[k] * e + k)] = 1;
        }
        NDArray a = create(m, oneHot, new Shape(numSegments, e), values.getDataType());
        Shape shape = values.getShape();
        long rest = e == 0 ? 0 : shape.size() / e;
        long[] outDims = shape.getShape().clone();
        outDims[0] = numSegments;
        return a.matMul(values.reshape(e, rest)).reshape(new Shape(outDims));
    }

    /** Creates a FLOAT32 or FLOAT64 array from doubles without an intermediate array. */
    public static NDArray create(NDManager manager, double[] data, Shape shape, DataType dataType) {
        if (dataType == DataType.FLOAT64) {
            return manager.create(data, shape);
        }
        if (dataType != DataType.FLOAT32) {
            throw new IllegalArgumentException("dataType must be FLOAT32 or FLOAT64, got " + dataType);
        }
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) data[i];
        }
        return manager.create(f, shape);
    }
}
