package org.equivariant4j.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link KernelBasis} sampled once at the points of a layer's grid, normalised, with the elements that vanish on the
 * grid removed: the constant that a layer expands its learned coefficients with.
 *
 * <p>Normalisation (escnn's, so ported models get the same weights' scale): each element B_k is divided by
 * √(Σ_{o,i,p} B_k[o][i][p]² / dim ψ_out), i.e. afterwards its squared norm equals the dimension of its output irrep.
 * Elements with Σ B² / dim ψ_out below 1e-12 (they vanish on every grid point, e.g. a frequency above zero on a ring of
 * radius zero) are dropped. Immutable.
 */
public final class SampledKernelBasis {
    /** Elements whose squared norm per output component is below this are dropped. */
    public static final double VANISHING = 1e-12;

    private final BlockSamples samples;
    private final List<BasisAttributes> attributes;

    private SampledKernelBasis(BlockSamples samples, List<BasisAttributes> attributes) {
        this.samples = samples;
        this.attributes = List.copyOf(attributes);
    }

    /**
     * Samples, normalises and prunes {@code basis} at the given points. Norms come from the block form
     * ({@link KernelBasis#sampleBlocks}), so a steerable basis between large representations is normalised at the cost of
     * its irrep-pair blocks; the embedded values are computed only by {@link #values()}.
     */
    public static SampledKernelBasis of(KernelBasis basis, double[][] points) {
        BlockSamples raw = basis.sampleBlocks(points);
        int[] keep = new int[raw.size()];
        double[] scale = new double[raw.size()];
        List<BasisAttributes> kept = new ArrayList<>();
        for (int k = 0; k < raw.size(); k++) {
            BasisAttributes a = basis.attributes().get(k);
            double perComponent = raw.squaredNorm(k) / a.outIrrepDimension();
            if (perComponent < VANISHING) {
                continue;
            }
            keep[kept.size()] = k;
            scale[kept.size()] = 1 / Math.sqrt(perComponent);
            kept.add(a);
        }
        int n = kept.size();
        return new SampledKernelBasis(raw.select(Arrays.copyOf(keep, n), Arrays.copyOf(scale, n)), kept);
    }

    /**
     * A basis given by its sampled values as they are (no normalisation, nothing dropped), for bases that are defined on
     * the grid itself, such as the transformed pixels of a regular G-CNN or a dilated scale basis.
     *
     * @param values row-major [K][o][i][P]
     */
    public static SampledKernelBasis ofValues(int outSize, int inSize, int points, double[] values) {
        BlockSamples samples = BlockSamples.dense(outSize, inSize, points, values);
        List<BasisAttributes> attributes = new ArrayList<>(samples.size());
        for (int j = 0; j < samples.size(); j++) {
            attributes.add(BasisAttributes.plain(j, outSize));
        }
        return new SampledKernelBasis(samples, attributes);
    }

    /** K, the number of kept elements. */
    public int size() {
        return attributes.size();
    }

    /** o. */
    public int outSize() {
        return samples.outSize();
    }

    /** i. */
    public int inSize() {
        return samples.inSize();
    }

    /** P, the number of sample points. */
    public int points() {
        return samples.points();
    }

    /** The kept elements' attributes, in order. */
    public List<BasisAttributes> attributes() {
        return attributes;
    }

    /** The values, row-major [K][o][i][P] (a fresh array, embedded from the block form on every call). */
    public double[] values() {
        return samples.dense();
    }

    /** Writes the values [K][o][i][P] into a float buffer from index 0, rounded from double (see {@link BlockSamples#denseInto(FloatBuffer)}). */
    public void writeValues(java.nio.FloatBuffer target) {
        samples.denseInto(target);
    }

    /** Writes the values [K][o][i][P] into a double buffer from index 0. */
    public void writeValues(java.nio.DoubleBuffer target) {
        samples.denseInto(target);
    }

    /** One value B_k[o][i][p]. */
    public double value(int k, int o, int i, int p) {
        return samples.value(k, o, i, p);
    }

    /** ‖B_k‖² = Σ_{o,i,p} B_k[o][i][p]² (after normalisation: the dimension of its output irrep). */
    public double squaredNorm(int k) {
        return samples.squaredNorm(k);
    }
}
