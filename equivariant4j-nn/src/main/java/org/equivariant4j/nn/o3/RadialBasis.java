package org.equivariant4j.nn.o3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.equivariant4j.nn.ops.Tensors;

/**
 * e3nn's radial embeddings of distances: {@link #softOneHotLinspace} (the basis families below) and
 * {@link #softUnitStep}. All are differentiable to any order in x, float32 or float64.
 */
public enum RadialBasis {
    /** exp(−d²)/1.12 with d = (x − μ_i)/step: second moment of Σ_i y_i² ≈ 1. */
    GAUSSIAN,
    /** cos(π d/2) on |d| &lt; 1, else 0. */
    COSINE,
    /** 1.14136·e²·u(d + 1)·u(1 − d), u the {@link #softUnitStep}: smooth with compact support. */
    SMOOTH_FINITE,
    /** cos(π i x') (no cutoff, i = 0..n−1) or sin(π i x') on 0 &lt; x' &lt; 1 (cutoff, i = 1..n), over √(1/4 + n/2). */
    FOURIER,
    /** √(2/c)·sin(iπ x'/c)/x' (DimeNet's Bessel basis), x' = x − start, c = end − start, i = 1..n. */
    BESSEL;

    /**
     * e3nn's {@code soft_one_hot_linspace(x, start, end, number, basis, cutoff)}: {@code [...] → [..., number]}. Without
     * cutoff the centres are {@code number} points from start to end; with cutoff {@code number + 2} points of which the
     * two ends are dropped, so every function vanishes outside (start, end).
     */
    public NDArray softOneHotLinspace(NDArray x, double start, double end, int number, boolean cutoff) {
        if (number < 1 || (!cutoff && number < 2 && (this == GAUSSIAN || this == COSINE || this == SMOOTH_FINITE))) {
            throw new IllegalArgumentException("expected number >= 2 (>= 1 with cutoff) basis functions, got " + number);
        }
        if (!(end > start)) {
            throw new IllegalArgumentException("expected start < end, got " + start + " and " + end);
        }
        NDManager m = x.getManager();
        NDArray xe = x.expandDims(-1);
        int count = cutoff ? number + 2 : number;
        double step = (end - start) / (count - 1);
        double[] centres = new double[number];
        for (int i = 0; i < number; i++) {
            centres[i] = start + (cutoff ? i + 1 : i) * step;
        }
        switch (this) {
            case GAUSSIAN -> {
                NDArray d = xe.sub(constant(m, centres, x)).div(Tensors.scalar(x, step));
                return d.square().neg().exp().div(Tensors.scalar(x, 1.12));
            }
            case COSINE -> {
                NDArray d = xe.sub(constant(m, centres, x)).div(Tensors.scalar(x, step));
                return d.mul(Tensors.scalar(x, Math.PI / 2)).cos().mul(d.lt(1).logicalAnd(d.gt(-1)).toType(x.getDataType(), false));
            }
            case SMOOTH_FINITE -> {
                NDArray d = xe.sub(constant(m, centres, x)).div(Tensors.scalar(x, step));
                return softUnitStep(d.add(1)).mul(softUnitStep(d.neg().add(1))).mul(Tensors.scalar(x, 1.14136 * Math.exp(2)));
            }
            case FOURIER -> {
                NDArray t = xe.sub(start).div(Tensors.scalar(x, end - start));
                double[] i = new double[number];
                for (int k = 0; k < number; k++) {
                    i[k] = Math.PI * (cutoff ? k + 1 : k);
                }
                NDArray arg = t.mul(constant(m, i, x));
                double norm = Math.sqrt(0.25 + number / 2.0);
                return cutoff
                        ? arg.sin().div(Tensors.scalar(x, norm)).mul(t.gt(0).logicalAnd(t.lt(1)).toType(x.getDataType(), false))
                        : arg.cos().div(Tensors.scalar(x, norm));
            }
            default -> {
                NDArray t = xe.sub(start);
                double c = end - start;
                double[] roots = new double[number];
                for (int k = 0; k < number; k++) {
                    roots[k] = Math.PI * (k + 1) / c;
                }
                NDArray out = t.mul(constant(m, roots, x)).sin().mul(Tensors.scalar(x, Math.sqrt(2 / c))).div(t);
                return cutoff ? out.mul(t.lt(c).logicalAnd(t.gt(0)).toType(x.getDataType(), false)) : out;
            }
        }
    }

    /** θ(x)·exp(−1/x): a C^∞ step, 0 for x ≤ 0 (with gradients 0 there, no NaN). */
    public static NDArray softUnitStep(NDArray x) {
        NDArray positive = x.gt(0);
        NDArray safe = NDArrays.where(positive, x, x.onesLike());
        return NDArrays.where(positive, safe.onesLike().div(safe).neg().exp(), x.zerosLike());
    }

    private static NDArray constant(NDManager m, double[] values, NDArray like) {
        return Tensors.fromFlat(m, values, new Shape(values.length), like.getDataType());
    }
}
