package org.equivariant4j.nn.pool;

import org.equivariant4j.nn.field.FieldType;

/**
 * Anti-aliased pooling of images [batch, C, height, width] (escnn's PointwiseAvgPoolAntialiased2D and
 * PointwiseMaxPoolAntialiased2D); see {@link AntialiasedPooling} for the blur and its equivariance.
 */
public final class AntialiasedPool2d extends AntialiasedPooling {
    private AntialiasedPool2d(FieldType type, double sigma, PoolingWindow maxWindow, int stride, Integer padding) {
        super("AntialiasedPool2d", requireBaseSpace("AntialiasedPool2d", type, 2), sigma, maxWindow, stride, padding);
    }

    /** Gaussian blur with σ at the stride, padded by half the filter. */
    public static AntialiasedPool2d average(FieldType type, double sigma, int stride) {
        return new AntialiasedPool2d(type, sigma, null, stride, null);
    }

    /** Gaussian blur with σ at the stride and the given zero padding. */
    public static AntialiasedPool2d average(FieldType type, double sigma, int stride, int padding) {
        return new AntialiasedPool2d(type, sigma, null, stride, padding);
    }

    /** Max over the window at stride 1, then the blur with σ = 0.6 at the window's stride. */
    public static AntialiasedPool2d max(FieldType type, PoolingWindow window) {
        return max(type, window, DEFAULT_SIGMA);
    }

    /** Max over the window at stride 1, then the blur with σ at the window's stride. */
    public static AntialiasedPool2d max(FieldType type, PoolingWindow window, double sigma) {
        return new AntialiasedPool2d(type, sigma, window, window.stride(), null);
    }
}
