package org.equivariant4j.group;

import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.IrrepType;
import org.equivariant4j.repr.Representation;

/**
 * The cyclic group C_N of the N rotations by multiples of 2π/N.
 *
 * <p>Real irreps psi[k], k = 0..⌊N/2⌋: psi[0] trivial; psi[N/2] (N even) the sign r^p ↦ (−1)^p; otherwise the 2×2
 * rotation r^p ↦ R(2πkp/N), of complex type.
 */
public final class CyclicGroup extends FiniteGroup<CyclicElement> {
    private final int n;
    private final List<Irrep<CyclicElement>> irreps;

    CyclicGroup(int n) {
        super("C" + checkOrder(n), elementsOf(n));
        this.n = n;
        List<Irrep<CyclicElement>> list = new ArrayList<>();
        for (int k = 0; k <= n / 2; k++) {
            list.add(makeIrrep(k));
        }
        this.irreps = List.copyOf(list);
    }

    private static int checkOrder(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("the cyclic group C_N needs N >= 1, got " + n);
        }
        return n;
    }

    private static List<CyclicElement> elementsOf(int n) {
        List<CyclicElement> e = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            e.add(new CyclicElement(n, k));
        }
        return e;
    }

    /** N. */
    public int rotations() {
        return n;
    }

    /** r^k. */
    public CyclicElement element(int k) {
        return super.element(Math.floorMod(k, n));
    }

    /** The generator r (rotation by 2π/N). */
    public CyclicElement generator() {
        return element(1 % n);
    }

    @Override
    protected int locate(CyclicElement g) {
        return g.order() == n ? g.power() : -1;
    }

    @Override
    public CyclicElement identity() {
        return element(0);
    }

    @Override
    public CyclicElement compose(CyclicElement a, CyclicElement b) {
        return new CyclicElement(n, (requireElement(a).power() + requireElement(b).power()) % n);
    }

    @Override
    public CyclicElement inverse(CyclicElement a) {
        return new CyclicElement(n, (n - requireElement(a).power()) % n);
    }

    @Override
    public boolean isClose(CyclicElement a, CyclicElement b, double tolerance) {
        return requireElement(a).equals(requireElement(b));
    }

    @Override
    public List<CyclicElement> generators() {
        return List.of(generator());
    }

    @Override
    public int actionDimension() {
        return 2;
    }

    @Override
    public double[][] standardAction(CyclicElement g) {
        return PlanarMatrices.rotation(requireElement(g).angle());
    }

    @Override
    public CyclicElement requireElement(Object candidate) {
        if (candidate instanceof CyclicElement c && c.order() == n) {
            return c;
        }
        throw new IllegalArgumentException("expected an element of C" + n + ", got " + candidate);
    }

    @Override
    public List<Irrep<CyclicElement>> irreps() {
        return irreps;
    }

    /** psi[k] for k in [0, ⌊N/2⌋]. */
    public Irrep<CyclicElement> irrep(int k) {
        if (k < 0 || k > n / 2) {
            throw new IllegalArgumentException("C" + n + " has irreps psi[k] for k in [0, " + n / 2 + "], got k = " + k);
        }
        return irreps.get(k);
    }

    @Override
    public Irrep<CyclicElement> trivialIrrep() {
        return irreps.get(0);
    }

    @Override
    public Representation<CyclicElement> standardRepresentation() {
        return Representation.of(this, "standard", 2, this::standardAction);
    }

    /** The embedding C_N &lt; SO(2): r^k ↦ rotation by 2πk/N. */
    public SubgroupEmbedding<CyclicElement, SO2Element> embeddingInSO2(SO2 so2) {
        return new SubgroupEmbedding<>(this, so2, g -> new SO2Element(g.angle()), name() + " < SO(2)");
    }

    /** The embedding C_N &lt; O(2) as rotations. */
    public SubgroupEmbedding<CyclicElement, O2Element> embeddingInO2(O2 o2) {
        return new SubgroupEmbedding<>(this, o2, g -> new O2Element(0, g.angle()), name() + " < O(2)");
    }

    /** The embedding C_M &lt; C_N for M dividing N: r^k ↦ r^{kN/M}. */
    public SubgroupEmbedding<CyclicElement, CyclicElement> embeddingIn(CyclicGroup larger) {
        if (larger.n % n != 0) {
            throw new IllegalArgumentException("C" + n + " is a subgroup of C" + larger.n + " only if " + n + " divides " + larger.n);
        }
        int step = larger.n / n;
        return new SubgroupEmbedding<>(this, larger, g -> larger.element(g.power() * step), name() + " < " + larger.name());
    }

    private Irrep<CyclicElement> makeIrrep(int k) {
        if (k == 0) {
            return new Irrep<>(this, "psi[0]", 1, 0, IrrepType.REAL, g -> new double[][] {{1.0}});
        }
        if (2 * k == n) {
            return new Irrep<>(this, "psi[" + k + "]", 1, k, IrrepType.REAL,
                    g -> new double[][] {{g.power() % 2 == 0 ? 1.0 : -1.0}});
        }
        return new Irrep<>(this, "psi[" + k + "]", 2, k, IrrepType.COMPLEX,
                g -> PlanarMatrices.rotation(2 * Math.PI * k * g.power() / n));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CyclicGroup c && c.n == n;
    }

    @Override
    public int hashCode() {
        return 31 * n + 1;
    }
}
