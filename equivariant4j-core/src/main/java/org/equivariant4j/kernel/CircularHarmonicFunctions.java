package org.equivariant4j.kernel;

import java.util.Objects;
import org.equivariant4j.group.Group;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.O2;
import org.equivariant4j.group.O2Element;
import org.equivariant4j.repr.Irrep;

/**
 * The circular harmonics on the plane as an O(2)-steerable family: Y_0 = 1 (trivial irrep psi[0,0]) and, for f ≥ 1,
 * Y_f(x) = (cos f(φ − φ_f), sin f(φ − φ_f)) with φ the polar angle of x and the phase φ_f = π/2 − π/(2f), which makes
 * Y_f transform exactly under the O(2) irrep psi[1,f]: rotations r_θ act by R(fθ), the reflection x ↦ −x (first
 * coordinate) by F = diag(−1, 1). For f = 1 the phase is 0 and Y_1(x) = x/‖x‖.
 *
 * <p>Only the angle matters: Y_f(x) depends on x/‖x‖; at the origin Y_0 = 1 and Y_f = 0 for f ≥ 1.
 */
public final class CircularHarmonicFunctions implements AngularHarmonics<O2Element> {
    private final O2 o2;

    /** The family for the given O(2) instance. */
    public CircularHarmonicFunctions(O2 o2) {
        this.o2 = Objects.requireNonNull(o2, "o2");
    }

    /** The family for {@link Groups#o2()}. */
    public static CircularHarmonicFunctions create() {
        return new CircularHarmonicFunctions(Groups.o2());
    }

    @Override
    public Group<O2Element> group() {
        return o2;
    }

    @Override
    public int spatialDimension() {
        return 2;
    }

    @Override
    public Irrep<O2Element> irrep(int frequency) {
        if (frequency < 0) {
            throw new IllegalArgumentException("circular harmonics have frequency >= 0, got " + frequency);
        }
        return frequency == 0 ? o2.trivialIrrep() : o2.irrep(1, frequency);
    }

    @Override
    public double[] evaluate(int frequency, double[] x) {
        if (x.length != 2) {
            throw new IllegalArgumentException("circular harmonics take points of R^2, got " + x.length + " coordinates");
        }
        if (frequency == 0) {
            return new double[] {1.0};
        }
        if (frequency < 0) {
            throw new IllegalArgumentException("circular harmonics have frequency >= 0, got " + frequency);
        }
        if (x[0] == 0 && x[1] == 0) {
            return new double[2];
        }
        double phase = Math.PI / 2 - Math.PI / (2.0 * frequency);
        double t = frequency * (Math.atan2(x[1], x[0]) - phase);
        return new double[] {Math.cos(t), Math.sin(t)};
    }
}
