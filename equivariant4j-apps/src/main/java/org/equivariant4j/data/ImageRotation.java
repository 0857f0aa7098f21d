package org.equivariant4j.data;

/**
 * Rotation of H×W single-channel images about their centre by an arbitrary angle, with bilinear interpolation and
 * zero fill outside the source image.
 *
 * <p>Convention (DESIGN.md): pixel (i, j) sits at x = j − (W−1)/2, y = (H−1)/2 − i, and the rotation g by θ acts by
 * (L_g f)(x) = f(g⁻¹x). A positive angle therefore turns the picture <b>counter-clockwise</b>; 90° gives exactly
 * {@code out[i][j] = in[j][W−1−i]}, numpy's {@code np.rot90(img)} and {@code nn.testing.ImageActions.rot90}, for
 * square images (source coordinates within 1e-9 of a pixel are snapped to it, so multiples of 90° are exact copies).
 *
 * <p>The sampling weights are computed once per (size, angle); {@link #apply} then costs four multiply-adds per pixel,
 * so one instance serves a whole batch of images rotated by the same angle. Immutable and thread-safe.
 *
 * <pre>{@code
 * ImageRotation r = ImageRotation.of(28, 28, 37.5);
 * float[] rotated = r.apply(image);               // image: 784 floats, row-major
 * }</pre>
 */
public final class ImageRotation {
    private static final double SNAP = 1e-9;

    private final int height;
    private final int width;
    private final double degrees;
    /** Per output pixel: 4 source indices (−1 = outside) and 4 weights. */
    private final int[] index;
    private final float[] weight;

    private ImageRotation(int height, int width, double degrees) {
        this.height = height;
        this.width = width;
        this.degrees = degrees;
        int n = height * width;
        this.index = new int[4 * n];
        this.weight = new float[4 * n];
        double theta = Math.toRadians(degrees);
        double c = Math.cos(theta);
        double s = Math.sin(theta);
        // exact values at multiples of 90° (cos(π/2) is 6e-17 in floating point)
        double quarter = degrees / 90.0;
        if (Math.abs(quarter - Math.rint(quarter)) < 1e-12) {
            int q = (int) Math.floorMod((long) Math.rint(quarter), 4L);
            c = new double[] {1, 0, -1, 0}[q];
            s = new double[] {0, 1, 0, -1}[q];
        }
        double cx = (width - 1) / 2.0;
        double cy = (height - 1) / 2.0;
        for (int i = 0; i < height; i++) {
            for (int j = 0; j < width; j++) {
                double x = j - cx;
                double y = cy - i;
                // source point g⁻¹x = R(−θ)x
                double xs = c * x + s * y;
                double ys = -s * x + c * y;
                double col = snap(xs + cx);
                double row = snap(cy - ys);
                int r0 = (int) Math.floor(row);
                int c0 = (int) Math.floor(col);
                double fr = row - r0;
                double fc = col - c0;
                int o = 4 * (i * width + j);
                set(o, r0, c0, (1 - fr) * (1 - fc));
                set(o + 1, r0, c0 + 1, (1 - fr) * fc);
                set(o + 2, r0 + 1, c0, fr * (1 - fc));
                set(o + 3, r0 + 1, c0 + 1, fr * fc);
            }
        }
    }

    private void set(int slot, int r, int c, double w) {
        if (r < 0 || r >= height || c < 0 || c >= width || w == 0) {
            index[slot] = -1;
            weight[slot] = 0;
        } else {
            index[slot] = r * width + c;
            weight[slot] = (float) w;
        }
    }

    private static double snap(double v) {
        double r = Math.rint(v);
        return Math.abs(v - r) < SNAP ? r : v;
    }

    /** The rotation of {@code height}×{@code width} images by {@code degrees} (counter-clockwise for positive angles). */
    public static ImageRotation of(int height, int width, double degrees) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + height + "×" + width);
        }
        if (!Double.isFinite(degrees)) {
            throw new IllegalArgumentException("rotation angle must be finite, got " + degrees);
        }
        return new ImageRotation(height, width, degrees);
    }

    /** Image height. */
    public int height() {
        return height;
    }

    /** Image width. */
    public int width() {
        return width;
    }

    /** The angle in degrees (counter-clockwise). */
    public double degrees() {
        return degrees;
    }

    /** The rotated copy of one image (height·width values, row-major). */
    public float[] apply(float[] image) {
        if (image.length != height * width) {
            throw new IllegalArgumentException("expected an image of " + height + "×" + width + " = " + height * width
                    + " values, got " + image.length);
        }
        float[] out = new float[image.length];
        apply(image, 0, out, 0);
        return out;
    }

    /**
     * Rotates the image at {@code src[srcOffset ..]} into {@code dst[dstOffset ..]} (height·width values each; the two
     * ranges must not overlap).
     */
    public void apply(float[] src, int srcOffset, float[] dst, int dstOffset) {
        int n = height * width;
        if (srcOffset < 0 || srcOffset + n > src.length || dstOffset < 0 || dstOffset + n > dst.length) {
            throw new IllegalArgumentException("image of " + n + " values at offsets " + srcOffset + " -> " + dstOffset
                    + " does not fit arrays of " + src.length + " and " + dst.length);
        }
        for (int p = 0; p < n; p++) {
            double v = 0;
            for (int k = 4 * p; k < 4 * p + 4; k++) {
                int idx = index[k];
                if (idx >= 0) {
                    v += weight[k] * src[srcOffset + idx];
                }
            }
            dst[dstOffset + p] = (float) v;
        }
    }

    /**
     * Rotates each of {@code count} consecutive images by its own angle.
     *
     * @param images  count·height·width values
     * @param degrees one angle per image
     */
    public static float[] rotateEach(float[] images, int height, int width, double[] degrees) {
        int n = height * width;
        if (images.length != degrees.length * n) {
            throw new IllegalArgumentException("expected " + degrees.length + " images of " + height + "×" + width + " = "
                    + (long) degrees.length * n + " values, got " + images.length);
        }
        float[] out = new float[images.length];
        for (int k = 0; k < degrees.length; k++) {
            of(height, width, degrees[k]).apply(images, k * n, out, k * n);
        }
        return out;
    }
}
