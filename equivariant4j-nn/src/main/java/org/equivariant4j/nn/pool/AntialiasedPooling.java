package org.equivariant4j.nn.pool;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import java.util.Arrays;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.ParameterFreeBlock;
import org.equivariant4j.nn.ops.Convolution;
import org.equivariant4j.nn.ops.DeviceConstants;
import org.equivariant4j.nn.ops.Tensors;

/**
 * Anti-aliased pooling on images ({@link AntialiasedPool2d}) and volumes ({@link AntialiasedPool3d}), escnn's
 * PointwiseAvgPoolAntialiased2D/3D and PointwiseMaxPoolAntialiased2D/3D: subsampling after a Gaussian blur, so that a
 * shift of the input by one pixel changes the output little.
 * <ul>
 *   <li>average: blur with the normalised Gaussian G_σ sampled on a (2·round(3σ)+1)^d grid, at the stride (zero
 *       padding, by default half the filter);</li>
 *   <li>max: max pooling with stride 1 over the window, then the blur G_σ on a (2·round(4σ)+1)^d grid at the window's
 *       stride, padded by the window's padding plus half the filter.</li>
 * </ul>
 * The blur is one depthwise {@link Convolution}. G_σ is symmetric under every signed permutation of the axes (the
 * rotations by 90° and the flips of the square, the 48 symmetries of the cube), so both commute with the grid
 * symmetries when the subsampling keeps the centre ((size − 1) divisible by the stride for the default average
 * padding). The blur is linear and the same on every channel: averaging takes any field type; the max needs trivial,
 * regular or quotient fields. σ defaults to 0.6, as in escnn. No parameters.
 */
public abstract sealed class AntialiasedPooling extends ParameterFreeBlock permits AntialiasedPool2d, AntialiasedPool3d {
    /** escnn's default σ. */
    public static final double DEFAULT_SIGMA = 0.6;

    private final double sigma;
    /** The max-pooling window, or null for the blurred average. */
    private final PoolingWindow maxWindow;
    private final int filterSize;
    private final Convolution blur;
    private final DeviceConstants constants;

    AntialiasedPooling(String kind, FieldType type, double sigma, PoolingWindow maxWindow, int stride, Integer padding) {
        super(type, type);
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("the blur needs a finite sigma > 0, got " + sigma);
        }
        if (maxWindow != null) {
            requirePointwise(kind + " (max)", type);
        }
        this.sigma = sigma;
        this.maxWindow = maxWindow;
        this.filterSize = 2 * (int) Math.rint((maxWindow == null ? 3 : 4) * sigma) + 1;
        int half = (filterSize - 1) / 2;
        int pad = maxWindow != null ? maxWindow.padding() + half : padding != null ? padding : half;
        if (stride < 1 || pad < 0) {
            throw new IllegalArgumentException(kind + " needs stride >= 1 and padding >= 0, got " + stride + " and " + pad);
        }
        int d = type.gspace().dimension();
        this.blur = Convolution.of(new Convolution.Spec(d, stride, pad, 1, type.size(), false, 0));
        this.constants = addConstants("filter", this::buildFilter);
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
        int d = spatialDims();
        int f = filterSize;
        int n = (int) Math.pow(f, d);
        double m = (f - 1) / 2.0;
        double[] one = new double[n];
        double total = 0;
        for (int p = 0; p < n; p++) {
            double r2 = 0;
            for (int axis = 0, rest = p; axis < d; axis++, rest /= f) {
                double t = rest % f - m;
                r2 += t * t;
            }
            one[p] = Math.exp(-r2 / (2 * sigma * sigma));
            total += one[p];
        }
        double[] all = new double[c * n];
        for (int k = 0; k < all.length; k++) {
            all[k] = one[k % n] / total;
        }
        long[] shape = new long[2 + d];
        Arrays.fill(shape, f);
        shape[0] = c;
        shape[1] = 1;
        return new NDList(Tensors.fromFlat(manager, all, new Shape(shape), dataType));
    }

    private Shape window(int size) {
        long[] s = new long[spatialDims()];
        Arrays.fill(s, size);
        return new Shape(s);
    }

    @Override
    protected NDArray apply(NDArray x) {
        outputShape(x.getShape());
        NDArray in = x;
        if (maxWindow != null) {
            Shape k = window(maxWindow.kernel());
            Shape p = window(maxWindow.padding());
            in = spatialDims() == 2 ? Pool.maxPool2d(x, k, window(1), p, false) : Pool.maxPool3d(x, k, window(1), p, false);
        }
        return blur.apply(in, constantsFor(constants, x).get(0), null);
    }

    @Override
    protected Shape outputShape(Shape input) {
        long[] s = input.getShape().clone();
        if (maxWindow != null) {
            PoolingWindow dense = new PoolingWindow(maxWindow.kernel(), 1, maxWindow.padding());
            for (int i = 2; i < s.length; i++) {
                s[i] = dense.outputSize(s[i]);
            }
        }
        long[] w = new long[2 + spatialDims()];
        Arrays.fill(w, filterSize);
        w[0] = inType().size();
        w[1] = 1;
        return blur.outputShape(new Shape(s), new Shape(w));
    }

    @Override
    protected int[] config() {
        return new int[] {inType().size(), filterSize, blur.spec().stride(), blur.spec().padding()};
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + (maxWindow == null ? "average" : "max over " + maxWindow) + ", sigma "
                + sigma + ", stride " + blur.spec().stride() + ", " + inType() + ")";
    }
}
