package org.equivariant4j.homogeneous;

import java.util.Arrays;
import org.equivariant4j.linalg.Matrices;

/**
 * A point of SE(d) itself (d = 2, 3): a position and a frame (a rotation whose columns are the local axes). A rigid
 * motion g maps the pose p to g·p = (R x + t, R F). Immutable (arrays copied in and out).
 *
 * @param position x, length d
 * @param frame    F, a d×d rotation (orthogonal, det +1)
 */
public record Pose(double[] position, double[][] frame) {
    public Pose {
        // the checks of a rigid motion are exactly those of a pose
        new RigidMotion(frame, position);
        position = position.clone();
        frame = Matrices.copy(frame);
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
    public double[][] frame() {
        return Matrices.copy(frame);
    }

    /** The pose as the motion that carries the origin's pose (0, I) to it. */
    public RigidMotion asMotion() {
        return new RigidMotion(frame, position);
    }

    /** g·p = (R x + t, R F). */
    public Pose moved(RigidMotion g) {
        return new Pose(g.apply(position), g.rotateFrame(frame));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pose p && Arrays.equals(position, p.position) && Arrays.deepEquals(frame, p.frame);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(position) + Arrays.deepHashCode(frame);
    }

    @Override
    public String toString() {
        return "Pose[x=" + Arrays.toString(position) + ", F=" + Arrays.deepToString(frame) + "]";
    }
}
