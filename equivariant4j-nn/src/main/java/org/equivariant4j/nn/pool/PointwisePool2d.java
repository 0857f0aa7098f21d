package org.equivariant4j.nn.pool;

import org.equivariant4j.nn.field.FieldType;

/**
 * Max or average pooling of every channel on its own over images [batch, C, height, width] (escnn's PointwiseMaxPool2D
 * and PointwiseAvgPool2D); see {@link PointwisePooling}.
 */
public final class PointwisePool2d extends PointwisePooling {
    private PointwisePool2d(FieldType type, Mode mode, PoolingWindow window) {
        super("PointwisePool2d", requireBaseSpace("PointwisePool2d", type, 2), mode, window);
    }

    /** Max pooling (trivial, regular or quotient fields). */
    public static PointwisePool2d max(FieldType type, PoolingWindow window) {
        return new PointwisePool2d(type, Mode.MAX, window);
    }

    /** Average pooling (any field type). */
    public static PointwisePool2d avg(FieldType type, PoolingWindow window) {
        return new PointwisePool2d(type, Mode.AVG, window);
    }
}
