package org.equivariant4j.nn.pool;

/**
 * A square pooling window: k×k, moved by the stride, over an input with zero (or −∞ for max) padding on each side.
 *
 * <p>Pooling commutes with the rotations by 90° and the flips of the image exactly when the windows sit symmetrically
 * about the image centre: (size + 2·padding − kernel) divisible by the stride (e.g. 8×8 with kernel 2, stride 2; 9×9
 * with kernel 3, stride 2, padding 1). Other sizes drop a row and a column on one side only.
 *
 * @param kernel  k ≥ 1
 * @param stride  s ≥ 1
 * @param padding p with 0 ≤ p ≤ k/2
 */
public record PoolingWindow(int kernel, int stride, int padding) {
    public PoolingWindow {
        if (kernel < 1 || stride < 1 || padding < 0 || 2 * padding > kernel) {
            throw new IllegalArgumentException("a pooling window needs kernel >= 1, stride >= 1 and 0 <= padding <= kernel/2,"
                    + " got kernel " + kernel + ", stride " + stride + ", padding " + padding);
        }
    }

    /** A k×k window with stride k and no padding. */
    public static PoolingWindow of(int kernel) {
        return new PoolingWindow(kernel, kernel, 0);
    }

    /** The output length along an axis of length {@code in}. */
    public long outputSize(long in) {
        long span = in + 2L * padding - kernel;
        if (span < 0) {
            throw new IllegalArgumentException(this + " does not fit an input of length " + in);
        }
        return span / stride + 1;
    }

    @Override
    public String toString() {
        return kernel + "x" + kernel + " window, stride " + stride + ", padding " + padding;
    }
}
