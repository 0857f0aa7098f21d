package org.equivariant4j.group;

import org.equivariant4j.linalg.Matrices;

/**
 * Euler angles in e3nn's Y–X–Y convention: R = Ry(α)·Rx(β)·Ry(γ), i.e. γ about y first, then β
 * about x, then α about y. R(α, β, γ)·e_y = (sin β sin α, cos β, sin β cos α).
 */
public record EulerAngles(double alpha, double beta, double gamma) {

    /** Validates that all angles are finite. */
    public EulerAngles {
        if (!(Double.isFinite(alpha) && Double.isFinite(beta) && Double.isFinite(gamma))) {
            throw new IllegalArgumentException("expected finite Euler angles but got (" + alpha + ", "
                    + beta + ", " + gamma + ")");
        }
    }

    /** Ry(α)·Rx(β)·Ry(γ). */
    public double[][] toMatrix() {
        return Matrices.multiply(Matrices.multiply(Rotations.matrixY(alpha), Rotations.matrixX(beta)),
                Rotations.matrixY(gamma));
    }

    /**
     * Angles of a rotation matrix: (α, β) are the polar angles of R·e_y, with
     * β = atan2(√(R₀₁² + R₂₁²), R₁₁) ∈ [0, π] (stable near 0 and π) and α = atan2(R₀₁, R₂₁); then
     * γ = atan2(R'₀₂, R'₀₀) with R' = R(α, β, 0)ᵀ·R. Near β = 0 or π only α ± γ is determined; the
     * returned angles still reproduce R to rounding.
     *
     * @throws IllegalArgumentException if r is not a rotation (see {@link Rotations#checkRotation})
     */
    public static EulerAngles fromMatrix(double[][] r) {
        Rotations.checkRotation(r);
        double ex = r[0][1], ey = r[1][1], ez = r[2][1];
        double beta = Math.atan2(Math.hypot(ex, ez), ey);
        double alpha = Math.atan2(ex, ez);
        double[][] back = new EulerAngles(alpha, beta, 0).toMatrix();
        // R' = backᵀ·R; only row 0 is needed.
        double r00 = back[0][0] * r[0][0] + back[1][0] * r[1][0] + back[2][0] * r[2][0];
        double r02 = back[0][0] * r[0][2] + back[1][0] * r[1][2] + back[2][0] * r[2][2];
        return new EulerAngles(alpha, beta, Math.atan2(r02, r00));
    }

    /** q_y(α)·q_x(β)·q_y(γ), with q_n(t) = (cos t/2, n sin t/2) (not sign-canonicalised). */
    public Quaternion toQuaternion() {
        return Quaternion.fromAxisAngle(0, 1, 0, alpha)
                .compose(Quaternion.fromAxisAngle(1, 0, 0, beta))
                .compose(Quaternion.fromAxisAngle(0, 1, 0, gamma));
    }

    /** The inverse rotation: (−γ, −β, −α). */
    public EulerAngles inverse() {
        return new EulerAngles(-gamma, -beta, -alpha);
    }
}
