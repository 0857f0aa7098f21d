package org.equivariant4j.group;

import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.IrrepType;
import org.equivariant4j.repr.Representation;

/**
 * The dihedral group D_N of order 2N: rotations r^k by 2πk/N and reflections r^k f, with f: x ↦ −x.
 * Product: (r^a f^i)(r^b f^j) = r^{a + (−1)^i b} f^{i+j}.
 *
 * <p>Real irreps psi[j,k] (all of real type): psi[0,0] trivial; psi[1,0] the sign of the flip; for even N, psi[0,N/2]
 * (r ↦ −1, f ↦ 1) and psi[1,N/2] (r ↦ −1, f ↦ −1); and for 1 ≤ k &lt; N/2 the 2×2 irreps r^p f^j ↦ R(2πkp/N) F^j with
 * F = diag(−1, 1). psi[1,1] equals the standard action on R².
 */
public final class DihedralGroup extends FiniteGroup<DihedralElement> {
    private final int n;
    private final List<Irrep<DihedralElement>> irreps;

    DihedralGroup(int n) {
        super("D" + checkOrder(n), elementsOf(n));
        this.n = n;
        List<Irrep<DihedralElement>> list = new ArrayList<>();
        list.add(new Irrep<>(this, "psi[0,0]", 1, 0, IrrepType.REAL, g -> new double[][] {{1.0}}));
        list.add(new Irrep<>(this, "psi[1,0]", 1, 0, IrrepType.REAL, g -> new double[][] {{g.flip() == 1 ? -1.0 : 1.0}}));
        if (n % 2 == 0) {
            int h = n / 2;
            list.add(new Irrep<>(this, "psi[0," + h + "]", 1, h, IrrepType.REAL,
                    g -> new double[][] {{g.power() % 2 == 0 ? 1.0 : -1.0}}));
            list.add(new Irrep<>(this, "psi[1," + h + "]", 1, h, IrrepType.REAL,
                    g -> new double[][] {{(g.power() + g.flip()) % 2 == 0 ? 1.0 : -1.0}}));
        }
        for (int k = 1; 2 * k < n; k++) {
            int kk = k;
            list.add(new Irrep<>(this, "psi[1," + k + "]", 2, k, IrrepType.REAL,
                    g -> PlanarMatrices.rotoflip(2 * Math.PI * kk * g.power() / n, g.flip())));
        }
        this.irreps = List.copyOf(list);
    }

    private static int checkOrder(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("the dihedral group D_N needs N >= 1, got " + n);
        }
        return n;
    }

    private static List<DihedralElement> elementsOf(int n) {
        List<DihedralElement> e = new ArrayList<>(2 * n);
        for (int j = 0; j < 2; j++) {
            for (int k = 0; k < n; k++) {
                e.add(new DihedralElement(n, j, k));
            }
        }
        return e;
    }

    /** N (the group has 2N elements). */
    public int rotations() {
        return n;
    }

    /** r^k f^j. */
    public DihedralElement element(int flip, int k) {
        return new DihedralElement(n, flip, Math.floorMod(k, n));
    }

    @Override
    protected int locate(DihedralElement g) {
        return g.order() == n ? g.flip() * n + g.power() : -1;
    }

    @Override
    public DihedralElement identity() {
        return element(0, 0);
    }

    @Override
    public DihedralElement compose(DihedralElement a, DihedralElement b) {
        requireElement(a);
        requireElement(b);
        int k = a.flip() == 0 ? a.power() + b.power() : a.power() - b.power();
        return element((a.flip() + b.flip()) % 2, k);
    }

    @Override
    public DihedralElement inverse(DihedralElement a) {
        requireElement(a);
        return a.flip() == 1 ? a : element(0, -a.power());
    }

    @Override
    public boolean isClose(DihedralElement a, DihedralElement b, double tolerance) {
        return requireElement(a).equals(requireElement(b));
    }

    @Override
    public List<DihedralElement> generators() {
        return List.of(element(0, 1), element(1, 0));
    }

    @Override
    public int actionDimension() {
        return 2;
    }

    @Override
    public double[][] standardAction(DihedralElement g) {
        requireElement(g);
        return PlanarMatrices.rotoflip(g.angle(), g.flip());
    }

    @Override
    public DihedralElement requireElement(Object candidate) {
        if (candidate instanceof DihedralElement d && d.order() == n) {
            return d;
        }
        throw new IllegalArgumentException("expected an element of D" + n + ", got " + candidate);
    }

    @Override
    public List<Irrep<DihedralElement>> irreps() {
        return irreps;
    }

    /** psi[j,k]; see the class doc for the valid pairs. */
    public Irrep<DihedralElement> irrep(int j, int k) {
        String name = "psi[" + j + "," + k + "]";
        for (Irrep<DihedralElement> p : irreps) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("D" + n + " has no irrep " + name + "; it has " + irreps.stream().map(Irrep::name).toList());
    }

    @Override
    public Irrep<DihedralElement> trivialIrrep() {
        return irreps.get(0);
    }

    @Override
    public Representation<DihedralElement> standardRepresentation() {
        return Representation.of(this, "standard", 2, this::standardAction);
    }

    /** The embedding D_N &lt; O(2): r^k f^j ↦ r_{2πk/N} f^j (f mirrors about the vertical axis, x ↦ −x). */
    public SubgroupEmbedding<DihedralElement, O2Element> embeddingInO2(O2 o2) {
        return new SubgroupEmbedding<>(this, o2, g -> new O2Element(g.flip(), g.angle()), name() + " < O(2)");
    }

    /**
     * The embedding of D_N in O(2) whose reflection f is the mirror about the line through the origin at angle
     * {@code axis} (π/2: the vertical axis, as {@link #embeddingInO2(O2)}): r^k f^j ↦ r_{2πk/N + j(2·axis + π)} f^j, the
     * standard embedding conjugated by the rotation by axis − π/2.
     */
    public SubgroupEmbedding<DihedralElement, O2Element> embeddingInO2(O2 o2, double axis) {
        if (!Double.isFinite(axis)) {
            throw new IllegalArgumentException("the reflection axis must be a finite angle, got " + axis);
        }
        return new SubgroupEmbedding<>(this, o2, g -> new O2Element(g.flip(), g.angle() + g.flip() * (2 * axis + Math.PI)),
                name() + " < O(2), reflection axis at " + axis + " rad");
    }

    /** The embedding D_M &lt; D_N for M dividing N: r^k f^j ↦ r^{kN/M} f^j (the same reflection f). */
    public SubgroupEmbedding<DihedralElement, DihedralElement> embeddingIn(DihedralGroup larger) {
        if (larger.n % n != 0) {
            throw new IllegalArgumentException("D" + n + " is a subgroup of D" + larger.n + " only if " + n + " divides " + larger.n);
        }
        int step = larger.n / n;
        return new SubgroupEmbedding<>(this, larger, g -> larger.element(g.flip(), g.power() * step), name() + " < " + larger.name());
    }

    /** The rotation subgroup C_N &lt; D_N. */
    public SubgroupEmbedding<CyclicElement, DihedralElement> rotationSubgroup(CyclicGroup cn) {
        if (cn.rotations() != n) {
            throw new IllegalArgumentException("the rotation subgroup of D" + n + " is C" + n + ", got " + cn.name());
        }
        return new SubgroupEmbedding<>(cn, this, g -> element(0, g.power()), cn.name() + " < " + name());
    }

    /** The flip subgroup {e, f} ≅ D_1 &lt; D_N. */
    public SubgroupEmbedding<DihedralElement, DihedralElement> flipSubgroup(DihedralGroup d1) {
        if (d1.rotations() != 1) {
            throw new IllegalArgumentException("the flip subgroup is D1, got " + d1.name());
        }
        return new SubgroupEmbedding<>(d1, this, g -> element(g.flip(), 0), "D1 < " + name());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DihedralGroup d && d.n == n;
    }

    @Override
    public int hashCode() {
        return 31 * n + 2;
    }
}
