package org.equivariant4j.kernel;

import java.util.Objects;
import org.equivariant4j.group.Group;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.O3;
import org.equivariant4j.group.O3Element;
import org.equivariant4j.harmonics.Normalization;
import org.equivariant4j.harmonics.SphericalHarmonics;
import org.equivariant4j.repr.Irrep;

/**
 * The real spherical harmonics on R³ as an O(3)-steerable family: Y_l (2l + 1 values, m = −l..l, e3nn's y-up basis
 * with {@link Normalization#NORM}, so ‖Y_l(x)‖ = 1) transforms under the O(3) irrep of degree l and parity (−1)^l,
 * Y_l(gx) = ψ_{l,(−1)^l}(g) Y_l(x) for every rotation and reflection g: the Wigner D matrix D^l(R) for a rotation R
 * ({@link org.equivariant4j.harmonics.WignerD}), and Y_l(−x) = (−1)^l Y_l(x) for the inversion. So "0e", "1o", "2e",
 * "3o", … as {@link O3} names them.
 *
 * <p>Only the direction matters: Y_l(x) depends on x/‖x‖; at the origin Y_0 = 1 and Y_l = 0 for l ≥ 1.
 */
public final class SphericalHarmonicFunctions implements AngularHarmonics<O3Element> {
    private final O3 o3;

    /** The family for the given O(3) instance. */
    public SphericalHarmonicFunctions(O3 o3) {
        this.o3 = Objects.requireNonNull(o3, "o3");
    }

    /** The family for {@link Groups#o3()}. */
    public static SphericalHarmonicFunctions create() {
        return new SphericalHarmonicFunctions(Groups.o3());
    }

    @Override
    public Group<O3Element> group() {
        return o3;
    }

    @Override
    public int spatialDimension() {
        return 3;
    }

    @Override
    public Irrep<O3Element> irrep(int degree) {
        if (degree < 0) {
            throw new IllegalArgumentException("spherical harmonics have degree >= 0, got " + degree);
        }
        return o3.irrep(degree, degree % 2 == 0 ? 1 : -1);
    }

    @Override
    public double[] evaluate(int degree, double[] x) {
        if (x.length != 3) {
            throw new IllegalArgumentException("spherical harmonics take points of R^3, got " + x.length + " coordinates");
        }
        if (degree < 0) {
            throw new IllegalArgumentException("spherical harmonics have degree >= 0, got " + degree);
        }
        if (degree == 0) {
            return new double[] {1.0};
        }
        if (x[0] == 0 && x[1] == 0 && x[2] == 0) {
            return new double[2 * degree + 1];
        }
        return SphericalHarmonics.evaluateDegree(degree, x[0], x[1], x[2], Normalization.NORM);
    }
}
