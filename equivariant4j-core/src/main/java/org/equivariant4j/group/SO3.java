package org.equivariant4j.group;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import org.equivariant4j.group.EulerAngles;
import org.equivariant4j.group.Quaternion;
import org.equivariant4j.group.Rotations;
import org.equivariant4j.harmonics.Wigner3j;
import org.equivariant4j.harmonics.WignerD;
import org.equivariant4j.repr.ClebschGordan;
import org.equivariant4j.repr.ClosedFormClebschGordan;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.IrrepType;
import org.equivariant4j.repr.Representation;

/**
 * The rotation group SO(3). Irreps psi[l], l ≥ 0, of dimension 2l+1 are the real Wigner D matrices in e3nn's basis
 * (y-up, psi[1](R) = R acting on (x, y, z)); see {@link WignerD}. Clebsch–Gordan coefficients are closed form:
 * C = √(2l₃+1) · w3j(l₁, l₂, l₃) with e3nn's {@link Wigner3j}.
 */
public final class SO3 extends ContinuousGroup<SO3Element> implements ClosedFormClebschGordan<SO3Element> {
    /** ψ of the super-Fibonacci spiral: the real root of ψ⁴ = ψ + 4. */
    private static final double SUPER_FIBONACCI_PSI = superFibonacciPsi();

    private final ConcurrentHashMap<Integer, Irrep<SO3Element>> irreps = new ConcurrentHashMap<>();

    SO3() {
        super("SO(3)", SO3Element.class, 3);
    }

    /** The rotation with the given quaternion. */
    public SO3Element element(Quaternion q) {
        return new SO3Element(q);
    }

    /** The rotation Ry(α) Rx(β) Ry(γ) (e3nn's Euler angles). */
    public SO3Element element(double alpha, double beta, double gamma) {
        return new SO3Element(new EulerAngles(alpha, beta, gamma).toQuaternion());
    }

    /** The rotation with the given matrix (orthogonal, determinant +1, else IllegalArgumentException). */
    public SO3Element element(double[][] matrix) {
        return SO3Element.fromMatrix(matrix);
    }

    @Override
    public SO3Element identity() {
        return new SO3Element(Quaternion.identity());
    }

    @Override
    public SO3Element compose(SO3Element a, SO3Element b) {
        return new SO3Element(requireElement(a).rotation().compose(requireElement(b).rotation()).normalized());
    }

    @Override
    public SO3Element inverse(SO3Element a) {
        return new SO3Element(requireElement(a).rotation().inverse());
    }

    @Override
    public boolean isClose(SO3Element a, SO3Element b, double tolerance) {
        return requireElement(a).distance(requireElement(b)) <= tolerance;
    }

    @Override
    public SO3Element random(RandomGenerator rng) {
        return new SO3Element(Rotations.randomQuaternion(rng));
    }

    /**
     * A near-uniform set of {@code size} rotations: the super-Fibonacci spiral of Alexa (CVPR 2022) on the unit
     * quaternions, q_i = (r sin α, r cos α, R sin β, R cos β) with s = i + ½, r = √(s/n), R = √(1 − s/n),
     * α = 2πs/√2, β = 2πs/ψ.
     */
    @Override
    public List<SO3Element> grid(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("an SO(3) grid needs at least 1 element, got " + size);
        }
        List<SO3Element> g = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            double s = i + 0.5;
            double r = Math.sqrt(s / size);
            double rr = Math.sqrt(1 - s / size);
            double alpha = 2 * Math.PI * s / Math.sqrt(2);
            double beta = 2 * Math.PI * s / SUPER_FIBONACCI_PSI;
            g.add(new SO3Element(new Quaternion(r * Math.sin(alpha), r * Math.cos(alpha), rr * Math.sin(beta), rr * Math.cos(beta))));
        }
        return g;
    }

    private static double superFibonacciPsi() {
        double x = 1.5;
        for (int i = 0; i < 50; i++) {
            x -= (x * x * x * x - x - 4) / (4 * x * x * x - 1);
        }
        return x;
    }

    /** Two generic rotations; they generate a dense subgroup. */
    @Override
    public List<SO3Element> generators() {
        return List.of(element(0.3, 1.1, -0.7), element(1.9, 0.4, 2.5));
    }

    @Override
    public double[][] standardAction(SO3Element g) {
        return requireElement(g).matrix();
    }

    @Override
    public Irrep<SO3Element> trivialIrrep() {
        return irrep(0);
    }

    /** psi[l], the Wigner D matrices of degree l ≥ 0. */
    public Irrep<SO3Element> irrep(int l) {
        if (l < 0) {
            throw new IllegalArgumentException("SO(3) irreps have degree l >= 0, got " + l);
        }
        return irreps.computeIfAbsent(l, k -> new Irrep<>(this, "psi[" + k + "]", 2 * k + 1, k, IrrepType.REAL,
                g -> WignerD.fromQuaternion(k, g.rotation())));
    }

    @Override
    public List<Irrep<SO3Element>> irreps(int maxFrequency) {
        List<Irrep<SO3Element>> list = new ArrayList<>();
        for (int l = 0; l <= maxFrequency; l++) {
            list.add(irrep(l));
        }
        return list;
    }

    @Override
    public Representation<SO3Element> standardRepresentation() {
        return irrep(1);
    }

    @Override
    public List<ClebschGordan.Path<SO3Element>> clebschGordanPaths(Irrep<SO3Element> a, Irrep<SO3Element> b) {
        int l1 = a.frequency();
        int l2 = b.frequency();
        List<ClebschGordan.Path<SO3Element>> paths = new ArrayList<>();
        for (int l3 = Math.abs(l1 - l2); l3 <= l1 + l2; l3++) {
            paths.add(new ClebschGordan.Path<>(irrep(l3), 0, scaledWigner3j(l1, l2, l3)));
        }
        return paths;
    }

    /** √(2l₃+1) · w3j(l₁, l₂, l₃): an isometric embedding of psi[l₃] into psi[l₁] ⊗ psi[l₂]. */
    static double[][][] scaledWigner3j(int l1, int l2, int l3) {
        double[][][] w = Wigner3j.of(l1, l2, l3);
        double s = Math.sqrt(2 * l3 + 1);
        for (double[][] plane : w) {
            for (double[] row : plane) {
                for (int k = 0; k < row.length; k++) {
                    row[k] *= s;
                }
            }
        }
        return w;
    }

    /** SO(2) &lt; SO(3) as the rotations about the y axis (e3nn's polar axis): θ ↦ Ry(θ). */
    public SubgroupEmbedding<SO2Element, SO3Element> embeddingOfSO2(SO2 so2) {
        return new SubgroupEmbedding<>(so2, this, g -> new SO3Element(Quaternion.fromAxisAngle(0, 1, 0, g.angle())),
                "SO(2) < SO(3) about y");
    }

    /** SO(3) &lt; O(3) as the proper rotations. */
    public SubgroupEmbedding<SO3Element, O3Element> embeddingInO3(O3 o3) {
        return new SubgroupEmbedding<>(this, o3, g -> new O3Element(g, 0), "SO(3) < O(3)");
    }
}
