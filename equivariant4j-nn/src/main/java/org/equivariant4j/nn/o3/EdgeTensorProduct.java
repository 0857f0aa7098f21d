package org.equivariant4j.nn.o3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Objects;
import org.equivariant4j.harmonics.Normalization;
import org.equivariant4j.nn.ops.ScriptKernel;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.TensorProductSpec;

/**
 * The product of features with the spherical harmonics of edge vectors, the heart of a point convolution:
 * {@code TP(x, s·Y(r̂); w)} with Y the harmonics 0..L (component normalisation, of the unit vectors), s a per-edge
 * scale (a cutoff, or 1), weighted uvu paths and one set of weights per edge. Two routes compute the same numbers:
 *
 * <ul>
 *   <li>{@link Route#HARMONICS}: evaluate Y, then a {@link TensorProduct} (its AUTO route, the fused kernel);</li>
 *   <li>{@link Route#EDGE_FRAME}: rotate the features into each edge's frame, where Y has only m = 0, couple with
 *       constant sparse matrices and rotate back — O(L³) work per copy instead of O(L⁶) (see
 *       {@code EdgeFrameProductScript}).</li>
 * </ul>
 * {@link Route#AUTO} picks EDGE_FRAME from degree {@value #EDGE_FRAME_FROM_LMAX} of the harmonics on. Measured
 * (16 copies per degree, uvu paths summed per degree, forward + backward, 2 threads): the edge frame grows more slowly
 * with L but its per-degree rotations cost more engine calls, and it overtook the fused harmonics route only at L = 12
 * (README, "O(3) tensor products").
 */
public final class EdgeTensorProduct {
    /** From this harmonics degree on, AUTO takes the edge-frame route. */
    public static final int EDGE_FRAME_FROM_LMAX = 12;

    /** How the product is computed. */
    public enum Route {
        /** Harmonics first, then the tensor product. */
        HARMONICS,
        /** Each edge rotated to its own frame (eSCN). */
        EDGE_FRAME,
        /** EDGE_FRAME from degree {@value #EDGE_FRAME_FROM_LMAX} on, else HARMONICS. */
        AUTO
    }

    private final TensorProductSpec spec;
    private final Route route;
    private final SphericalHarmonics harmonics;
    private final TensorProduct product;
    private final ScriptKernel frame;

    /**
     * @param spec the product: input 2 must be {@code Irreps.sphericalHarmonics(L)}, every path weighted uvu
     * @param route how to compute
     */
    public EdgeTensorProduct(TensorProductSpec spec, Route route) {
        this.spec = Objects.requireNonNull(spec, "spec");
        String why = EdgeFrameProductScript.unsupported(spec);
        if (why != null) {
            throw new IllegalArgumentException("an edge tensor product needs harmonics and uvu paths: " + why);
        }
        int lmax = spec.in2().lmax();
        this.route = route == Route.AUTO ? (lmax >= EDGE_FRAME_FROM_LMAX ? Route.EDGE_FRAME : Route.HARMONICS) : route;
        this.harmonics = SphericalHarmonics.of(spec.in2(), true, Normalization.COMPONENT);
        this.product = TensorProduct.builder(spec).weights(TensorProduct.Weights.PER_SAMPLE).build();
        this.frame = ScriptKernel.shared(new FrameKey(spec), k -> EdgeFrameProductScript.kernel(k.spec));
    }

    private record FrameKey(TensorProductSpec spec) {}

    public TensorProductSpec spec() {
        return spec;
    }

    /** The route in use (HARMONICS or EDGE_FRAME). */
    public Route route() {
        return route;
    }

    /**
     * The product for features x [E, in1.dim], edge vectors r [E, 3], scales s [E] (null for 1) and per-edge weights
     * w [E, numel]: [E, out.dim].
     */
    public NDArray apply(NDArray x, NDArray r, NDArray s, NDArray w) {
        long e = x.getShape().get(0);
        O3Inputs.requireLastAxis(this, "features", x.getShape(), spec.in1());
        Shape want = new Shape(e, 3);
        if (!r.getShape().equals(want)) {
            throw new IllegalArgumentException(this + ": edge vectors must have shape " + want + ", got " + r.getShape());
        }
        if (s != null && !s.getShape().equals(new Shape(e))) {
            throw new IllegalArgumentException(this + ": edge scales must have shape (" + e + "), got " + s.getShape());
        }
        if (!w.getShape().equals(new Shape(e, spec.weightNumel()))) {
            throw new IllegalArgumentException(this + ": per-edge weights must have shape (" + e + ", " + spec.weightNumel()
                    + "), got " + w.getShape());
        }
        if (route == Route.HARMONICS) {
            NDArray y = harmonics.apply(r);
            return product.apply(x, s == null ? y : y.mul(s.expandDims(1)), w);
        }
        NDArray scale = s == null ? r.getManager().ones(new Shape(e), r.getDataType()) : s;
        return frame.call("tp", x, r, scale, w).singletonOrThrow();
    }

    @Override
    public String toString() {
        return "EdgeTensorProduct(" + spec + ", " + route + ")";
    }
}
