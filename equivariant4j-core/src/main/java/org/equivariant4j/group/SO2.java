package org.equivariant4j.group;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.IrrepType;
import org.equivariant4j.repr.Representation;

/**
 * The circle group SO(2) of planar rotations r_θ. Real irreps psi[k], k ≥ 0: psi[0] trivial and, for k ≥ 1, the
 * complex-type 2×2 irreps r_θ ↦ R(kθ); psi[1] is the standard action.
 */
public final class SO2 extends ContinuousGroup<SO2Element> {
    private final ConcurrentHashMap<Integer, Irrep<SO2Element>> irreps = new ConcurrentHashMap<>();

    SO2() {
        super("SO(2)", SO2Element.class, 2);
    }

    /** r_θ. */
    public SO2Element element(double angle) {
        return new SO2Element(angle);
    }

    @Override
    public SO2Element identity() {
        return new SO2Element(0);
    }

    @Override
    public SO2Element compose(SO2Element a, SO2Element b) {
        return new SO2Element(requireElement(a).angle() + requireElement(b).angle());
    }

    @Override
    public SO2Element inverse(SO2Element a) {
        return new SO2Element(-requireElement(a).angle());
    }

    @Override
    public boolean isClose(SO2Element a, SO2Element b, double tolerance) {
        return PlanarMatrices.angularDistance(requireElement(a).angle(), requireElement(b).angle()) <= tolerance;
    }

    @Override
    public SO2Element random(RandomGenerator rng) {
        return new SO2Element(rng.nextDouble() * 2 * Math.PI);
    }

    /** N equispaced rotations 2πi/N. */
    @Override
    public List<SO2Element> grid(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("an SO(2) grid needs at least 1 element, got " + size);
        }
        List<SO2Element> g = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            g.add(new SO2Element(2 * Math.PI * i / size));
        }
        return g;
    }

    /** Two rotations by 1 and √2 radians: each alone generates a dense subgroup. */
    @Override
    public List<SO2Element> generators() {
        return List.of(new SO2Element(1.0), new SO2Element(Math.sqrt(2.0)));
    }

    @Override
    public double[][] standardAction(SO2Element g) {
        return PlanarMatrices.rotation(requireElement(g).angle());
    }

    @Override
    public Irrep<SO2Element> trivialIrrep() {
        return irrep(0);
    }

    /** psi[k], k ≥ 0. */
    public Irrep<SO2Element> irrep(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("SO(2) irreps have frequency k >= 0, got " + k);
        }
        return irreps.computeIfAbsent(k, this::makeIrrep);
    }

    @Override
    public List<Irrep<SO2Element>> irreps(int maxFrequency) {
        List<Irrep<SO2Element>> list = new ArrayList<>();
        for (int k = 0; k <= maxFrequency; k++) {
            list.add(irrep(k));
        }
        return list;
    }

    /** SO(2) &lt; O(2) as the rotations. */
    public SubgroupEmbedding<SO2Element, O2Element> embeddingInO2(O2 o2) {
        return new SubgroupEmbedding<>(this, o2, g -> new O2Element(0, g.angle()), "SO(2) < O(2)");
    }

    private Irrep<SO2Element> makeIrrep(int k) {
        if (k == 0) {
            return new Irrep<>(this, "psi[0]", 1, 0, IrrepType.REAL, g -> new double[][] {{1.0}});
        }
        return new Irrep<>(this, "psi[" + k + "]", 2, k, IrrepType.COMPLEX, g -> PlanarMatrices.rotation(k * g.angle()));
    }
}
