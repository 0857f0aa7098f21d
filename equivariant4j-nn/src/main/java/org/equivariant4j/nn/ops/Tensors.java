package org.equivariant4j.nn.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Small helpers that move the core's double-precision matrices onto DJL arrays of a chosen floating type.
 * The arrays attach to the given manager (and, inside an {@link ai.djl.ndarray.NDScope}, to that scope as well).
 */
public final class Tensors {
    private Tensors() {}

    /** A d₁×d₂ array holding the matrix {@code a} in the floating type {@code dataType} (float32 or float64). */
    public static NDArray fromMatrix(NDManager manager, double[][] a, DataType dataType) {
        int rows = a.length;
        int cols = rows == 0 ? 0 : a[0].length;
        double[] flat = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            if (a[i].length != cols) {
                throw new IllegalArgumentException("ragged matrix: row 0 has " + cols + " columns, row " + i + " has " + a[i].length);
            }
            System.arraycopy(a[i], 0, flat, i * cols, cols);
        }
        return fromFlat(manager, flat, new Shape(rows, cols), dataType);
    }

    /** An array of the given shape holding {@code data} (row-major) in the floating type {@code dataType}. */
    public static NDArray fromFlat(NDManager manager, double[] data, Shape shape, DataType dataType) {
        if (shape.size() != data.length) {
            throw new IllegalArgumentException("shape " + shape + " needs " + shape.size() + " values, got " + data.length);
        }
        switch (dataType) {
            case FLOAT64:
                return manager.create(data, shape);
            case FLOAT32: {
                float[] f = new float[data.length];
                for (int i = 0; i < data.length; i++) {
                    f[i] = (float) data[i];
                }
                return manager.create(f, shape);
            }
            default:
                throw new IllegalArgumentException("expected a floating type float32 or float64, got " + dataType);
        }
    }

    /** The values of a float32 or float64 array as doubles (row-major), without creating new arrays. */
    public static double[] toDoubles(NDArray a) {
        switch (a.getDataType()) {
            case FLOAT64:
                return a.toDoubleArray();
            case FLOAT32: {
                float[] f = a.toFloatArray();
                double[] d = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    d[i] = f[i];
                }
                return d;
            }
            default:
                throw new IllegalArgumentException("expected a float32 or float64 array, got " + a.getDataType());
        }
    }

    /**
     * An int64 index array that owns its memory (a copy made by the engine). Use it for gathers that autograd records:
     * the backward pass keeps the index, and an array made from a Java array only borrows the Java buffer, which is
     * freed when that array is closed.
     */
    public static NDArray ownedIndex(NDManager manager, long[] values) {
        try (NDArray borrowed = manager.create(values)) {
            return borrowed.duplicate();
        }
    }

    /**
     * The number {@code value} as a 0-d array in {@code like}'s dtype, on its manager and device, owning its memory.
     * Use it instead of DJL's {@code x.mul(double)}, {@code div}, {@code pow}, {@code maximum} or {@code minimum} with a
     * number wherever autograd may record the op: DJL makes the number a tensor that borrows a Java buffer and closes it
     * right after the op, autograd keeps that tensor for the backward pass, and once the garbage collector frees the
     * buffer the backward pass reads freed memory (NaN or wrong gradients, most often in second derivatives, where more
     * allocation happens between forward and backward).
     */
    public static NDArray scalar(NDArray like, double value) {
        NDManager m = like.getManager();
        try (NDArray borrowed = like.getDataType() == DataType.FLOAT64 ? m.create(value) : m.create((float) value)) {
            return borrowed.toDevice(like.getDevice(), false).duplicate();
        }
    }

    /** Whether the type is one of the floating types the equivariant blocks accept. */
    public static boolean isSupportedFloat(DataType dataType) {
        return dataType == DataType.FLOAT32 || dataType == DataType.FLOAT64;
    }
}
