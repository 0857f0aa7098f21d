package org.equivariant4j.group;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import org.equivariant4j.group.Quaternion;
import org.equivariant4j.harmonics.WignerD;
import org.equivariant4j.repr.ClebschGordan;
import org.equivariant4j.repr.ClosedFormClebschGordan;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.IrrepType;
import org.equivariant4j.repr.Representation;

/**
 * The orthogonal group O(3) = SO(3) × {e, inversion}. Irreps are written as e3nn does, "le" (parity p = +1) and
 * "lo" (p = −1): ψ_{l,p}((−1)^k R) = p^k D^l(R). "1o" is the standard action on (x, y, z), "0o" the pseudoscalar,
 * "1e" the pseudovector. Clebsch–Gordan: those of SO(3), with parity p₁p₂.
 */
public final class O3 extends ContinuousGroup<O3Element> implements ClosedFormClebschGordan<O3Element> {
    private final SO3 so3 = new SO3();
    private final ConcurrentHashMap<String, Irrep<O3Element>> irreps = new ConcurrentHashMap<>();

    O3() {
        super("O(3)", O3Element.class, 3);
    }

    /** The element (−1)^inversion R(q). */
    public O3Element element(Quaternion rotation, int inversion) {
        return new O3Element(rotation, inversion);
    }

    /** The element with the given orthogonal matrix (determinant ±1). */
    public O3Element element(double[][] matrix) {
        return O3Element.fromMatrix(matrix);
    }

    /** The inversion x ↦ −x. */
    public O3Element inversion() {
        return new O3Element(Quaternion.identity(), 1);
    }

    @Override
    public O3Element identity() {
        return new O3Element(Quaternion.identity(), 0);
    }

    @Override
    public O3Element compose(O3Element a, O3Element b) {
        requireElement(a);
        requireElement(b);
        return new O3Element(so3.compose(a.rotation(), b.rotation()), a.inversion() ^ b.inversion());
    }

    @Override
    public O3Element inverse(O3Element a) {
        return new O3Element(so3.inverse(requireElement(a).rotation()), a.inversion());
    }

    @Override
    public boolean isClose(O3Element a, O3Element b, double tolerance) {
        return requireElement(a).inversion() == requireElement(b).inversion() && so3.isClose(a.rotation(), b.rotation(), tolerance);
    }

    @Override
    public O3Element random(RandomGenerator rng) {
        return new O3Element(so3.random(rng), rng.nextInt(2));
    }

    /** The SO(3) grid of the given size, then the same rotations composed with the inversion (2·size elements). */
    @Override
    public List<O3Element> grid(int size) {
        List<O3Element> g = new ArrayList<>(2 * size);
        for (int k = 0; k < 2; k++) {
            for (SO3Element r : so3.grid(size)) {
                g.add(new O3Element(r, k));
            }
        }
        return g;
    }

    /** The SO(3) generators and the inversion. */
    @Override
    public List<O3Element> generators() {
        List<O3Element> g = new ArrayList<>();
        for (SO3Element r : so3.generators()) {
            g.add(new O3Element(r, 0));
        }
        g.add(inversion());
        return g;
    }

    @Override
    public double[][] standardAction(O3Element g) {
        return requireElement(g).matrix();
    }

    @Override
    public Irrep<O3Element> trivialIrrep() {
        return irrep(0, 1);
    }

    /** ψ_{l,p}: degree l ≥ 0, parity p = +1 ("e") or −1 ("o"). */
    public Irrep<O3Element> irrep(int l, int parity) {
        if (l < 0) {
            throw new IllegalArgumentException("O(3) irreps have degree l >= 0, got " + l);
        }
        if (parity != 1 && parity != -1) {
            throw new IllegalArgumentException("O(3) irrep parity must be +1 (e) or -1 (o), got " + parity);
        }
        String name = l + (parity == 1 ? "e" : "o");
        return irreps.computeIfAbsent(name, n -> new Irrep<>(this, n, 2 * l + 1, l, IrrepType.REAL, g -> {
            double[][] d = WignerD.fromQuaternion(l, g.rotation().rotation());
            if (g.inversion() == 1 && parity == -1) {
                for (double[] row : d) {
                    for (int j = 0; j < row.length; j++) {
                        row[j] = -row[j];
                    }
                }
            }
            return d;
        }));
    }

    /** The irrep named as in e3nn: "0e", "1o", "2e", … */
    public Irrep<O3Element> irrep(String name) {
        if (name == null || !name.matches("\\d+[eo]")) {
            throw new IllegalArgumentException("an O(3) irrep is written <l><e|o> such as \"1o\" or \"2e\", got \"" + name + "\"");
        }
        int l = Integer.parseInt(name.substring(0, name.length() - 1));
        return irrep(l, name.endsWith("e") ? 1 : -1);
    }

    /** All irreps of degree ≤ maxFrequency in e3nn's iteration order 0e, 0o, 1o, 1e, 2e, 2o, … */
    @Override
    public List<Irrep<O3Element>> irreps(int maxFrequency) {
        List<Irrep<O3Element>> list = new ArrayList<>();
        for (int l = 0; l <= maxFrequency; l++) {
            int natural = l % 2 == 0 ? 1 : -1;
            list.add(irrep(l, natural));
            list.add(irrep(l, -natural));
        }
        return list;
    }

    @Override
    public Representation<O3Element> standardRepresentation() {
        return irrep(1, -1);
    }

    @Override
    public List<ClebschGordan.Path<O3Element>> clebschGordanPaths(Irrep<O3Element> a, Irrep<O3Element> b) {
        int l1 = a.frequency();
        int l2 = b.frequency();
        int parity = parity(a) * parity(b);
        List<ClebschGordan.Path<O3Element>> paths = new ArrayList<>();
        for (int l3 = Math.abs(l1 - l2); l3 <= l1 + l2; l3++) {
            paths.add(new ClebschGordan.Path<>(irrep(l3, parity), 0, SO3.scaledWigner3j(l1, l2, l3)));
        }
        return paths;
    }

    /**
     * A planar group (C_N, D_N, SO(2), O(2), acting on R² by 2×2 matrices A) acting on R³ about the z axis as the cone's
     * symmetries: A on (x, y), z fixed. Rotations become rotations about z, the planar reflection x ↦ −x the mirror
     * through the plane x = 0 (which contains the axis).
     */
    public <E extends GroupElement> SubgroupEmbedding<E, O3Element> conicalEmbedding(Group<E> planar) {
        return planarEmbedding(planar, true);
    }

    /**
     * A planar group acting on R³ about the z axis by proper rotations only: A on (x, y) and z ↦ det(A)·z, so the planar
     * reflection x ↦ −x becomes the half turn about the y axis (escnn's dihedral action).
     */
    public <E extends GroupElement> SubgroupEmbedding<E, O3Element> dihedralEmbedding(Group<E> planar) {
        return planarEmbedding(planar, false);
    }

    private <E extends GroupElement> SubgroupEmbedding<E, O3Element> planarEmbedding(Group<E> planar, boolean conical) {
        if (planar.actionDimension() != 2) {
            throw new IllegalArgumentException("expected a group acting on the plane, got " + planar.name() + " acting on R"
                    + planar.actionDimension());
        }
        return new SubgroupEmbedding<>(planar, this, g -> {
            double[][] a = planar.standardAction(g);
            double det = a[0][0] * a[1][1] - a[0][1] * a[1][0];
            double z = conical ? 1 : Math.signum(det);
            return O3Element.fromMatrix(new double[][] {{a[0][0], a[0][1], 0}, {a[1][0], a[1][1], 0}, {0, 0, z}});
        }, planar.name() + (conical ? " < O(3), conical about z" : " < SO(3) < O(3), about z"));
    }

    /** C₂ &lt; O(3) as {identity, inversion x ↦ −x}. */
    public SubgroupEmbedding<CyclicElement, O3Element> inversionEmbedding(CyclicGroup c2) {
        if (c2.rotations() != 2) {
            throw new IllegalArgumentException("the inversion generates a group of order 2; got " + c2.name());
        }
        return new SubgroupEmbedding<>(c2, this, g -> new O3Element(Quaternion.identity(), g.power()), "C2 < O(3), inversion");
    }

    /** C₂ × SO(2) &lt; O(3): rotations about z and the inversion. */
    public SubgroupEmbedding<CylinderElement, O3Element> cylinderEmbedding(CylindricalGroup cylinder) {
        return new SubgroupEmbedding<>(cylinder, this,
                g -> new O3Element(Quaternion.fromAxisAngle(0, 0, 1, g.angle()), g.inversion()), "C2xSO(2) < O(3)");
    }

    /** The parity +1 or −1 of an O(3) irrep. */
    public static int parity(Irrep<O3Element> psi) {
        return psi.name().endsWith("e") ? 1 : -1;
    }
}
