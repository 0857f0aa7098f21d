package org.equivariant4j.homogeneous;

import java.util.Arrays;

/**
 * A point of R^d × S^{d−1} (d = 2, 3): a position and a unit orientation. A rigid motion (R, t) maps it to
 * (R x + t, R o). Immutable (arrays copied in and out).
 *
 * @param position    x, length d
 * @param orientation o, a unit vector of length d (normalised within 1e-9)
 */
public record PositionOrientation(double[] position, double[] orientation) {
    public PositionOrientation {
        int d = position == null ? -1 : position.length;
        if (d != 2 && d != 3) {
            throw new IllegalArgumentException("expected a position of length 2 or 3, got "
                    + (position == null ? "null" : Arrays.toString(position)));
        }
        if (orientation == null || orientation.length != d) {
            throw new IllegalArgumentException("expected an orientation of length " + d + ", got "
                    + (orientation == null ? "null" : Arrays.toString(orientation)));
        }
        double n = 0;
        for (int i = 0; i < d; i++) {
            if (!Double.isFinite(position[i]) || !Double.isFinite(orientation[i])) {
                throw new IllegalArgumentException("expected finite coordinates, got position " + Arrays.toString(position)
                        + ", orientation " + Arrays.toString(orientation));
            }
            n += orientation[i] * orientation[i];
        }
        if (Math.abs(Math.sqrt(n) - 1) > 1e-9) {
            throw new IllegalArgumentException("expected a unit orientation, got " + Arrays.toString(orientation) + " of length "
                    + Math.sqrt(n));
        }
        position = position.clone();
        orientation = orientation.clone();
    }

    /** d. */
    public int dimension() {
        return position.length;
    }

    @Override
    public double[] position() {
        return position.clone();
    }

    @Override
    public double[] orientation() {
        return orientation.clone();
    }

    /** g·p = (R x + t, R o). */
    public PositionOrientation moved(RigidMotion g) {
        return new PositionOrientation(g.apply(position), g.rotate(orientation));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PositionOrientation p && Arrays.equals(position, p.position) && Arrays.equals(orientation, p.orientation);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(position) + Arrays.hashCode(orientation);
    }

    @Override
    public String toString() {
        return "PositionOrientation[x=" + Arrays.toString(position) + ", o=" + Arrays.toString(orientation) + "]";
    }
}
