package org.equivariant4j.nn.pool;

import org.equivariant4j.nn.field.FieldType;

/**
 * Anti-aliased pooling of volumes [batch, C, depth, height, width] (escnn's PointwiseAvgPoolAntialiased3D and
 * PointwiseMaxPoolAntialiased3D); see {@link AntialiasedPooling} for the blur and its equivariance (exact for the 48
 * symmetries of the cube when the subsampling keeps the centre, e.g. odd sizes at stride 2 with the default padding).
 */
public final class AntialiasedPool3d extends AntialiasedPooling {
    private AntialiasedPool3d(FieldType type, double sigma, PoolingWindow maxWindow, int stride, Integer padding) {
        super("AntialiasedPool3d", requireBaseSpace("AntialiasedPool3d", type, 3), sigma, maxWindow, stride, padding);
    }

    /** Gaussian blur with σ at the stride, padded by half the filter. */
    public static AntialiasedPool3d average(FieldType type, double sigma, int stride) {
        return new AntialiasedPool3d(type, sigma, null, stride, null);
    }

    /** Gaussian blur with σ at the stride and the given zero padding. */
    public static AntialiasedPool3d average(FieldType type, double sigma, int stride, int padding) {
        return new AntialiasedPool3d(type, sigma, null, stride, padding);
    }

    /** Max over the window at stride 1, then the blur with σ = 0.6 at the window's stride. */
    public static AntialiasedPool3d max(FieldType type, PoolingWindow window) {
        return max(type, window, DEFAULT_SIGMA);
    }

    /** Max over the window at stride 1, then the blur with σ at the window's stride. */
    public static AntialiasedPool3d max(FieldType type, PoolingWindow window, double sigma) {
        return new AntialiasedPool3d(type, sigma, window, window.stride(), null);
    }
}
