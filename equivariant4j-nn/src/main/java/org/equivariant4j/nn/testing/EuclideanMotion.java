package org.equivariant4j.nn.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.group.O3Element;
import org.equivariant4j.group.Rotations;
import org.equivariant4j.linalg.Matrices;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.o3.Irreps;

/**
 * An element g = (Q, t) of E(3) = O(3) ⋉ R³, the point-cloud action of the equivariance checks: positions move,
 * x ↦ Q x + t; vectors (velocities, forces, l = 1 features) rotate, v ↦ Q v; scalars stay. Arrays hold points in
 * their last axis ([..., 3]); with row vectors that is x Qᵀ + t.
 *
 * <pre>{@code
 * List<EuclideanMotion> g = EuclideanMotion.randomElements(4, 2.0, rng);     // rotations and reflections, shifts in ±2
 * Equivariance.Report r = Equivariance.check(in -> model(in.get(0), in.get(1)),
 *         List.of(EuclideanMotion.onPositions(), EuclideanMotion.onVectors()), EuclideanMotion.onPositions(),
 *         g, new NDList(x, v));
 * }</pre>
 *
 * @param orthogonal Q, a rotation or (inversion = 1) a rotation composed with x ↦ −x
 * @param tx         translation, x component
 * @param ty         translation, y component
 * @param tz         translation, z component
 */
public record EuclideanMotion(O3Element orthogonal, double tx, double ty, double tz) implements GroupElement {
    public EuclideanMotion {
        Objects.requireNonNull(orthogonal, "orthogonal");
        if (!Double.isFinite(tx) || !Double.isFinite(ty) || !Double.isFinite(tz)) {
            throw new IllegalArgumentException("expected a finite translation but got (" + tx + ", " + ty + ", " + tz + ")");
        }
    }

    /** A Haar-random rotation (composed with the inversion if {@code improper}) and a translation uniform in ±scale. */
    public static EuclideanMotion random(RandomGenerator rng, boolean improper, double translationScale) {
        O3Element q = new O3Element(Rotations.randomQuaternion(rng), improper ? 1 : 0);
        return new EuclideanMotion(q, translationScale * (2 * rng.nextDouble() - 1), translationScale * (2 * rng.nextDouble() - 1),
                translationScale * (2 * rng.nextDouble() - 1));
    }

    /** {@code count} random elements, every second one improper (a reflection), translations uniform in ±scale. */
    public static List<EuclideanMotion> randomElements(int count, double translationScale, RandomGenerator rng) {
        if (count < 1) {
            throw new IllegalArgumentException("expected at least one element, got " + count);
        }
        List<EuclideanMotion> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(random(rng, i % 2 == 1, translationScale));
        }
        return out;
    }

    /** Q as a 3×3 matrix. */
    public double[][] matrix() {
        return orthogonal.matrix();
    }

    /** x ↦ Q x + t on every point of x [..., 3], in x's dtype, on x's manager. */
    public NDArray movePoints(NDArray x) {
        NDArray t = Tensors.fromFlat(x.getManager(), new double[] {tx, ty, tz}, new Shape(3), x.getDataType());
        return rotateVectors(x).add(t);
    }

    /** v ↦ Q v on every vector of v [..., 3]. */
    public NDArray rotateVectors(NDArray v) {
        Shape s = v.getShape();
        if (s.dimension() < 1 || s.get(s.dimension() - 1) != 3) {
            throw new IllegalArgumentException("points and vectors must have shape [..., 3], got " + s);
        }
        NDArray qT = Tensors.fromMatrix(v.getManager(), Matrices.transpose(matrix()), v.getDataType()).toDevice(v.getDevice(), false);
        return v.matMul(qT);
    }

    /** The action on positions: g·x = Q x + t. */
    public static Equivariance.Action<EuclideanMotion> onPositions() {
        return (g, x) -> g.movePoints(x);
    }

    /** The action on vectors: g·v = Q v. */
    public static Equivariance.Action<EuclideanMotion> onVectors() {
        return (g, v) -> g.rotateVectors(v);
    }

    /** The action on O(3) features of the given irreps in the last axis: g·h = D(Q) h (translations do nothing). */
    public static Equivariance.Action<EuclideanMotion> onIrreps(Irreps irreps) {
        Objects.requireNonNull(irreps, "irreps");
        return (g, h) -> {
            Shape s = h.getShape();
            if (s.dimension() < 1 || s.get(s.dimension() - 1) != irreps.dim()) {
                throw new IllegalArgumentException("features of \"" + irreps + "\" need a last axis of " + irreps.dim()
                        + ", got shape " + s);
            }
            double[][] d = irreps.matrix(g.orthogonal());
            return h.matMul(Tensors.fromMatrix(h.getManager(), Matrices.transpose(d), h.getDataType()).toDevice(h.getDevice(),
                    false));
        };
    }
}
