package org.equivariant4j.kernel;

import java.util.ArrayList;
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

    private final int outSize;
    private final int inSize;
    private final int points;
    private final double[] values;
    private final List<BasisAttributes> attributes;

    private SampledKernelBasis(int outSize, int inSize, int points, double[] values, List<BasisAttributes> attributes) {
        this.outSize = outSize;
        this.inSize = inSize;
        this.points = points;
        this.values = values;
        this.attributes = List.copyOf(attributes);
    }

    /** Samples, normalises and prunes {@code basis} at the given points. */
    public static SampledKernelBasis of(KernelBasis basis, double[][] points) {
        double[] raw = basis.sample(points);
        int o = basis.outSize();
        int i = basis.inSize();
        int p = points.length;
        int block = o * i * p;
        List<BasisAttributes> kept = new ArrayList<>();
        double[] values = new double[raw.length];
        int n = 0;
        for (int k = 0; k < basis.size(); k++) {
            BasisAttributes a = basis.attributes().get(k);
            double s = 0;
            for (int j = 0; j < block; j++) {
                double v = raw[k * block + j];
                s += v * v;
            }
            double perComponent = s / a.outIrrepDimension();
            if (perComponent < VANISHING) {
                continue;
            }
            double scale = 1 / Math.sqrt(perComponent);
            for (int j = 0; j < block; j++) {
                values[n * block + j] = raw[k * block + j] * scale;
            }
            kept.add(a);
            n++;
        }
        return new SampledKernelBasis(o, i, p, java.util.Arrays.copyOf(values, n * block), kept);
    }

    /**
     * A basis given by its sampled values as they are (no normalisation, nothing dropped), for bases that are defined on
     * the grid itself, such as the transformed pixels of a regular G-CNN or a dilated scale basis.
     *
     * @param values row-major [K][o][i][P]
     */
    public static SampledKernelBasis ofValues(int outSize, int inSize, int points, double[] values) {
        int block = outSize * inSize * points;
        if (outSize < 1 || inSize < 1 || points < 1 || values.length % block != 0) {
            throw new IllegalArgumentException("sampled basis values of length " + values.length + " do not split into blocks of"
                    + " o·i·P = " + outSize + "·" + inSize + "·" + points);
        }
        int k = values.length / block;
        List<BasisAttributes> attributes = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            attributes.add(BasisAttributes.plain(j, outSize));
        }
        return new SampledKernelBasis(outSize, inSize, points, values.clone(), attributes);
    }

    /** K, the number of kept elements. */
    public int size() {
        return attributes.size();
    }

    /** o. */
    public int outSize() {
        return outSize;
    }

    /** i. */
    public int inSize() {
        return inSize;
    }

    /** P, the number of sample points. */
    public int points() {
        return points;
    }

    /** The kept elements' attributes, in order. */
    public List<BasisAttributes> attributes() {
        return attributes;
    }

    /** The values, row-major [K][o][i][P] (a fresh copy). */
    public double[] values() {
        return values.clone();
    }

    /** One value B_k[o][i][p]. */
    public double value(int k, int o, int i, int p) {
        return values[((k * outSize + o) * inSize + i) * points + p];
    }

    /** Σ_{i,p} B_k[o][i][p]², the energy element k sends to output component o. */
    public double outputEnergy(int k, int o) {
        double s = 0;
        int at = (k * outSize + o) * inSize * points;
        for (int j = 0; j < inSize * points; j++) {
            s += values[at + j] * values[at + j];
        }
        return s;
    }
}
