package org.equivariant4j.harmonics.fourier;

import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.group.FiniteGroup;
import org.equivariant4j.group.Group;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.group.O2;
import org.equivariant4j.group.SO2;
import org.equivariant4j.linalg.Matrices;
import org.equivariant4j.repr.Irrep;

/**
 * The Fourier transform on a group (the lecture's "H-Fourier transform"): a signal f: G → R sampled on a grid is
 * mapped to one matrix per real irrep,
 *
 * <pre>
 *   f̂(ψ) = ∫ f(g) ψ(g) dg                               (normalised Haar measure, d_ψ × d_ψ)
 *   f(g) = Σ_ψ (d_ψ / dim End ψ) · tr(ψ(g)ᵀ f̂(ψ))        (inverse)
 * </pre>
 *
 * The integral is the mean over the grid: exact for a finite group (grid = all elements) and for signals of
 * band limit L on an SO(2)/O(2) grid of N ≥ 2L+1 rotations. Shifts become matrix products:
 * if (L_h f)(g) = f(h⁻¹g) then the transform of L_h f is ψ(h) f̂(ψ).
 *
 * @param <E> the group's element type
 */
public final class FourierTransform<E extends GroupElement> {
    private final Group<E> group;
    private final List<E> grid;
    private final List<Irrep<E>> irreps;
    private final List<List<double[][]>> matrices; // per irrep, per grid point

    private FourierTransform(Group<E> group, List<E> grid, List<Irrep<E>> irreps) {
        this.group = group;
        this.grid = List.copyOf(grid);
        this.irreps = List.copyOf(irreps);
        List<List<double[][]>> m = new ArrayList<>();
        for (Irrep<E> psi : irreps) {
            List<double[][]> perPoint = new ArrayList<>();
            for (E g : grid) {
                perPoint.add(psi.matrix(g));
            }
            m.add(List.copyOf(perPoint));
        }
        this.matrices = List.copyOf(m);
    }

    /** The exact transform of a finite group, over all its elements and all its irreps. */
    public static <E extends GroupElement> FourierTransform<E> of(FiniteGroup<E> group) {
        return new FourierTransform<>(group, group.elements(), group.irreps());
    }

    /** Band-limited SO(2) transform: N equispaced rotations, frequencies 0..L, N ≥ 2L+1. */
    public static <E extends GroupElement> FourierTransform<E> bandLimited(Group<E> group, int gridSize, int maxFrequency) {
        if (!(group instanceof SO2) && !(group instanceof O2)) {
            throw new IllegalArgumentException("band-limited transforms are defined for SO(2) and O(2), got " + group.name()
                    + " (finite groups: use FourierTransform.of)");
        }
        if (maxFrequency < 0 || gridSize < 2 * maxFrequency + 1) {
            throw new IllegalArgumentException("a band limit L = " + maxFrequency + " needs a grid of at least 2L+1 = "
                    + (2 * maxFrequency + 1) + " rotations, got " + gridSize);
        }
        return new FourierTransform<>(group, group.grid(gridSize), group.irreps(maxFrequency));
    }

    /** The group. */
    public Group<E> group() {
        return group;
    }

    /** The sampling grid; signals are arrays indexed like it. */
    public List<E> grid() {
        return grid;
    }

    /** The irreps, in the order of the coefficient list. */
    public List<Irrep<E>> irreps() {
        return irreps;
    }

    /** f̂(ψ) for every irrep ψ, in the order of {@link #irreps()}. */
    public List<double[][]> forward(double[] signal) {
        if (signal.length != grid.size()) {
            throw new IllegalArgumentException("expected a signal with one value per grid element (" + grid.size() + "), got "
                    + signal.length);
        }
        List<double[][]> out = new ArrayList<>(irreps.size());
        for (int p = 0; p < irreps.size(); p++) {
            int d = irreps.get(p).dimension();
            double[][] acc = new double[d][d];
            List<double[][]> mats = matrices.get(p);
            for (int g = 0; g < grid.size(); g++) {
                double w = signal[g] / grid.size();
                double[][] m = mats.get(g);
                for (int i = 0; i < d; i++) {
                    for (int j = 0; j < d; j++) {
                        acc[i][j] += w * m[i][j];
                    }
                }
            }
            out.add(acc);
        }
        return out;
    }

    /** The signal on the grid with the given coefficients (the inverse of {@link #forward}). */
    public double[] inverse(List<double[][]> coefficients) {
        if (coefficients.size() != irreps.size()) {
            throw new IllegalArgumentException("expected " + irreps.size() + " coefficient matrices (one per irrep), got "
                    + coefficients.size());
        }
        double[] f = new double[grid.size()];
        for (int p = 0; p < irreps.size(); p++) {
            Irrep<E> psi = irreps.get(p);
            double[][] c = coefficients.get(p);
            int d = psi.dimension();
            if (c.length != d || c[0].length != d) {
                throw new IllegalArgumentException("coefficient of " + psi.name() + " must be " + d + "x" + d + ", got "
                        + Matrices.shapeString(c));
            }
            double weight = (double) d / psi.type().endomorphismDimension();
            List<double[][]> mats = matrices.get(p);
            for (int g = 0; g < grid.size(); g++) {
                f[g] += weight * Matrices.dot(mats.get(g), c);
            }
        }
        return f;
    }
}
