package org.equivariant4j.group;

/**
 * A quaternion q = w + x·i + y·j + z·k, scalar first, with the Hamilton product (i² = j² = k² = ijk = −1).
 *
 * <p>A unit quaternion represents the rotation v ↦ q·v·q⁻¹; q and −q are the same rotation.
 * {@code fromAxisAngle(n, θ)} = (cos θ/2, n̂ sin θ/2), as in e3nn.
 */
public record Quaternion(double w, double x, double y, double z) {

    /** Validates that all components are finite. */
    public Quaternion {
        if (!(Double.isFinite(w) && Double.isFinite(x) && Double.isFinite(y) && Double.isFinite(z))) {
            throw new IllegalArgumentException("expected finite quaternion components but got ("
                    + w + ", " + x + ", " + y + ", " + z + ")");
        }
    }

    /** The identity rotation (1, 0, 0, 0). */
    public static Quaternion identity() {
        return new Quaternion(1, 0, 0, 0);
    }

    /** Hamilton product this·other: as rotations, {@code other} is applied first, then {@code this}. */
    public Quaternion compose(Quaternion other) {
        double w2 = other.w, x2 = other.x, y2 = other.y, z2 = other.z;
        return new Quaternion(
                w * w2 - x * x2 - y * y2 - z * z2,
                w * x2 + x * w2 + y * z2 - z * y2,
                w * y2 - x * z2 + y * w2 + z * x2,
                w * z2 + x * y2 - y * x2 + z * w2);
    }

    /** Squared norm w² + x² + y² + z². */
    public double normSquared() {
        return w * w + x * x + y * y + z * z;
    }

    /** Multiplicative inverse q̄/|q|² (the conjugate for a unit quaternion). */
    public Quaternion inverse() {
        double n2 = requireNonZero("inverse");
        return new Quaternion(w / n2, -x / n2, -y / n2, -z / n2);
    }

    /** q/|q|. */
    public Quaternion normalized() {
        double n = Math.sqrt(requireNonZero("normalized"));
        return new Quaternion(w / n, x / n, y / n, z / n);
    }

    /**
     * The rotation matrix of q/|q| (Hamilton convention), e.g. for a unit q
     * R[0][1] = 2(xy − wz). Any non-zero quaternion is accepted.
     */
    public double[][] toMatrix() {
        double s = 2 / requireNonZero("toMatrix");
        double xx = s * x * x, yy = s * y * y, zz = s * z * z;
        double xy = s * x * y, xz = s * x * z, yz = s * y * z;
        double wx = s * w * x, wy = s * w * y, wz = s * w * z;
        return new double[][] {
            {1 - yy - zz, xy - wz, xz + wy},
            {xy + wz, 1 - xx - zz, yz - wx},
            {xz - wy, yz + wx, 1 - xx - yy}};
    }

    /**
     * The unit quaternion of a rotation matrix (Shepperd's method, stable for all angles), with the
     * sign chosen so that w ≥ 0.
     *
     * @throws IllegalArgumentException if r is not a rotation (see {@link Rotations#checkRotation})
     */
    public static Quaternion fromMatrix(double[][] r) {
        Rotations.checkRotation(r);
        double t = r[0][0] + r[1][1] + r[2][2];
        double w, x, y, z;
        if (t > 0) {
            double s = 2 * Math.sqrt(1 + t);
            w = s / 4;
            x = (r[2][1] - r[1][2]) / s;
            y = (r[0][2] - r[2][0]) / s;
            z = (r[1][0] - r[0][1]) / s;
        } else if (r[0][0] >= r[1][1] && r[0][0] >= r[2][2]) {
            double s = 2 * Math.sqrt(1 + r[0][0] - r[1][1] - r[2][2]);
            w = (r[2][1] - r[1][2]) / s;
            x = s / 4;
            y = (r[0][1] + r[1][0]) / s;
            z = (r[0][2] + r[2][0]) / s;
        } else if (r[1][1] >= r[2][2]) {
            double s = 2 * Math.sqrt(1 + r[1][1] - r[0][0] - r[2][2]);
            w = (r[0][2] - r[2][0]) / s;
            x = (r[0][1] + r[1][0]) / s;
            y = s / 4;
            z = (r[1][2] + r[2][1]) / s;
        } else {
            double s = 2 * Math.sqrt(1 + r[2][2] - r[0][0] - r[1][1]);
            w = (r[1][0] - r[0][1]) / s;
            x = (r[0][2] + r[2][0]) / s;
            y = (r[1][2] + r[2][1]) / s;
            z = s / 4;
        }
        double sign = w < 0 ? -1 : 1;
        double n = sign * Math.sqrt(w * w + x * x + y * y + z * z);
        return new Quaternion(w / n, x / n, y / n, z / n);
    }

    /**
     * (cos θ/2, n̂ sin θ/2) with n̂ = (ax, ay, az)/|(ax, ay, az)|: the rotation by θ (right-handed)
     * about the axis.
     *
     * @throws IllegalArgumentException if the axis is zero or not finite
     */
    public static Quaternion fromAxisAngle(double ax, double ay, double az, double angle) {
        double n = Math.sqrt(ax * ax + ay * ay + az * az);
        if (!(n > 0) || !Double.isFinite(n) || !Double.isFinite(angle)) {
            throw new IllegalArgumentException("expected a non-zero finite axis and a finite angle but got axis ("
                    + ax + ", " + ay + ", " + az + "), angle " + angle);
        }
        double s = Math.sin(angle / 2) / n;
        return new Quaternion(Math.cos(angle / 2), ax * s, ay * s, az * s);
    }

    /**
     * Axis and angle θ ∈ [0, π] of the rotation (computed as θ = 2·atan2(|v|, |w|), stable near
     * 0 and π). The identity gives axis (0, 1, 0) and angle 0.
     */
    public AxisAngle toAxisAngle() {
        Quaternion q = normalized();
        double sign = q.w < 0 ? -1 : 1;
        double vx = sign * q.x, vy = sign * q.y, vz = sign * q.z;
        double vn = Math.sqrt(vx * vx + vy * vy + vz * vz);
        if (vn == 0) {
            return new AxisAngle(0, 1, 0, 0);
        }
        return new AxisAngle(vx / vn, vy / vn, vz / vn, 2 * Math.atan2(vn, sign * q.w));
    }

    /** The Y–X–Y Euler angles of this rotation (see {@link EulerAngles#fromMatrix}). */
    public EulerAngles toEulerAngles() {
        return EulerAngles.fromMatrix(toMatrix());
    }

    private double requireNonZero(String op) {
        double n2 = normSquared();
        if (!(n2 > 0)) {
            throw new IllegalArgumentException("expected a non-zero quaternion for " + op + " but got " + this);
        }
        return n2;
    }
}
