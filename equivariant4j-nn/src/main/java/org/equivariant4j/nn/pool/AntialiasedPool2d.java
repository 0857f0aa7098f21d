package org.equivariant4j.nn.pool;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import org.equivariant4j.nn.field.ParameterFreeBlock;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.ops.Convolution;
import org.equivariant4j.nn.ops.DeviceConstants;
import org.equivariant4j.nn.ops.Tensors;

/**
 * Anti-aliased pooling (escnn's PointwiseAvgPoolAntialiased2D and PointwiseMaxPoolAntialiased2D): subsampling after a
 * Gaussian blur, so that a shift of the input by one pixel changes the output little.
 * <ul>
 *   <li>{@link #average}: blur with the normalised Gaussian G_σ sampled on a (2·round(3σ)+1)² grid, at the stride
 *       (zero padding, by default half the filter);</li>
 *   <li>{@link #max}: max pooling with stride 1 over the window, then the blur G_σ on a (2·round(4σ)+1)² grid at the
 *       window's stride, padded by the window's padding plus half the filter.</li>
 * </ul>
 * The blur is one depthwise {@link Convolution}. G_σ is symmetric under the rotations by 90° and the flips, so both
 * commute with the grid symmetries when the subsampling keeps the image centre ((size − 1) divisible by the stride
 * for the default average padding). The blur is linear and the same on every channel: averaging takes any field type;
 * the max needs trivial, regular or quotient fields. σ defaults to 0.6, as in escnn. No parameters.
 */
public final class AntialiasedPool2d extends ParameterFreeBlock {
    /** escnn's default σ. */
    public static final double DEFAULT_SIGMA = 0.6;

    private final double sigma;
    /** The max-pooling window, or null for the blurred average. */
    private final PoolingWindow maxWindow;
    private final int filterSize;
    private final Convolution blur;
    private final DeviceConstants constants;

    private AntialiasedPool2d(FieldType type, double sigma, PoolingWindow maxWindow, int stride, Integer padding) {
        super(type, type);
        requirePlanar("AntialiasedPool2d", type);
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("the blur needs a finite sigma > 0, got " + sigma);
        }
        if (maxWindow != null) {
            requirePointwise("AntialiasedPool2d (max)", type);
        }
        this.sigma = sigma;
        this.maxWindow = maxWindow;
        this.filterSize = 2 * (int) Math.rint((maxWindow == null ? 3 : 4) * sigma) + 1;
        int half = (filterSize - 1) / 2;
        int pad = maxWindow != null ? maxWindow.padding() + half : padding != null ? padding : half;
        if (stride < 1 || pad < 0) {
            throw new IllegalArgumentException("AntialiasedPool2d needs stride >= 1 and padding >= 0, got " + stride + " and "
                    + pad);
        }
        this.blur = Convolution.of(Convolution.Spec.conv2d(stride, pad, 1, type.size()));
        this.constants = addConstants("filter", this::buildFilter);
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

    /** σ. */
    public double sigma() {
        return sigma;
    }

    /** The side of the Gaussian filter. */
    public int filterSize() {
        return filterSize;
    }

    private NDList buildFilter(NDManager manager, DataType dataType) {
        int c = inType().size();
        int f = filterSize;
        double m = (f - 1) / 2.0;
        double[] one = new double[f * f];
        double total = 0;
        for (int i = 0; i < f; i++) {
            for (int j = 0; j < f; j++) {
                one[i * f + j] = Math.exp(-((i - m) * (i - m) + (j - m) * (j - m)) / (2 * sigma * sigma));
                total += one[i * f + j];
            }
        }
        double[] all = new double[c * f * f];
        for (int k = 0; k < all.length; k++) {
            all[k] = one[k % (f * f)] / total;
        }
        return new NDList(Tensors.fromFlat(manager, all, new Shape(c, 1, f, f), dataType));
    }

    @Override
    protected NDArray apply(NDArray x) {
        outputShape(x.getShape());
        NDArray in = x;
        if (maxWindow != null) {
            Shape k = new Shape(maxWindow.kernel(), maxWindow.kernel());
            Shape p = new Shape(maxWindow.padding(), maxWindow.padding());
            in = Pool.maxPool2d(x, k, new Shape(1, 1), p, false);
        }
        return blur.apply(in, constantsFor(constants, x).get(0), null);
    }

    @Override
    protected Shape outputShape(Shape input) {
        Shape s = input;
        if (maxWindow != null) {
            PoolingWindow dense = new PoolingWindow(maxWindow.kernel(), 1, maxWindow.padding());
            s = new Shape(s.get(0), s.get(1), dense.outputSize(s.get(2)), dense.outputSize(s.get(3)));
        }
        return blur.outputShape(s, new Shape(inType().size(), 1, filterSize, filterSize));
    }

    @Override
    protected int[] config() {
        return new int[] {inType().size(), filterSize, blur.spec().stride(), blur.spec().padding()};
    }

    @Override
    public String toString() {
        return "AntialiasedPool2d(" + (maxWindow == null ? "average" : "max over " + maxWindow) + ", sigma " + sigma
                + ", stride " + blur.spec().stride() + ", " + inType() + ")";
    }
}
