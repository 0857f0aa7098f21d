package org.equivariant4j.nn.pool;

import org.equivariant4j.nn.field.FieldType;

/**
 * Max or average pooling of every channel on its own over volumes [batch, C, depth, height, width] (escnn's
 * PointwiseMaxPool3D and PointwiseAvgPool3D); see {@link PointwisePooling}.
 */
public final class PointwisePool3d extends PointwisePooling {
    private PointwisePool3d(FieldType type, Mode mode, PoolingWindow window) {
        super("PointwisePool3d", requireBaseSpace("PointwisePool3d", type, 3), mode, window);
    }

    /** Max pooling (trivial, regular or quotient fields). */
    public static PointwisePool3d max(FieldType type, PoolingWindow window) {
        return new PointwisePool3d(type, Mode.MAX, window);
    }

    /** Average pooling (any field type). */
    public static PointwisePool3d avg(FieldType type, PoolingWindow window) {
        return new PointwisePool3d(type, Mode.AVG, window);
    }
}
