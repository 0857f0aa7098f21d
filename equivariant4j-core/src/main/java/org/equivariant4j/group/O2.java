package org.equivariant4j.group;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.IrrepType;
import org.equivariant4j.repr.Representation;

/**
 * The orthogonal group O(2) of rotations r_θ and reflections r_θ f (f: x ↦ −x). Product
 * (r_a f^i)(r_b f^j) = r_{a + (−1)^i b} f^{i+j}.
 *
 * <p>Real irreps (all of real type): psi[0,0] trivial, psi[1,0] the determinant, and for k ≥ 1 the 2×2 irreps
 * r_θ f^j ↦ R(kθ) F^j with F = diag(−1, 1); psi[1,1] is the standard action.
 */
public final class O2 extends ContinuousGroup<O2Element> {
    private final ConcurrentHashMap<Integer, Irrep<O2Element>> irreps = new ConcurrentHashMap<>();
    private final Irrep<O2Element> trivial;
    private final Irrep<O2Element> determinant;

    O2() {
        super("O(2)", O2Element.class, 2);
        trivial = new Irrep<>(this, "psi[0,0]", 1, 0, IrrepType.REAL, g -> new double[][] {{1.0}});
        determinant = new Irrep<>(this, "psi[1,0]", 1, 0, IrrepType.REAL, g -> new double[][] {{g.flip() == 1 ? -1.0 : 1.0}});
    }

    /** r_θ f^j. */
    public O2Element element(int flip, double angle) {
        return new O2Element(flip, angle);
    }

    @Override
    public O2Element identity() {
        return new O2Element(0, 0);
    }

    @Override
    public O2Element compose(O2Element a, O2Element b) {
        requireElement(a);
        requireElement(b);
        double angle = a.flip() == 0 ? a.angle() + b.angle() : a.angle() - b.angle();
        return new O2Element((a.flip() + b.flip()) % 2, angle);
    }

    @Override
    public O2Element inverse(O2Element a) {
        requireElement(a);
        return a.flip() == 1 ? a : new O2Element(0, -a.angle());
    }

    @Override
    public boolean isClose(O2Element a, O2Element b, double tolerance) {
        return requireElement(a).flip() == requireElement(b).flip()
                && PlanarMatrices.angularDistance(a.angle(), b.angle()) <= tolerance;
    }

    @Override
    public O2Element random(RandomGenerator rng) {
        return new O2Element(rng.nextInt(2), rng.nextDouble() * 2 * Math.PI);
    }

    /** N equispaced rotations followed by the N reflections r_θ f (2N elements). */
    @Override
    public List<O2Element> grid(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("an O(2) grid needs at least 1 rotation, got " + size);
        }
        List<O2Element> g = new ArrayList<>(2 * size);
        for (int j = 0; j < 2; j++) {
            for (int i = 0; i < size; i++) {
                g.add(new O2Element(j, 2 * Math.PI * i / size));
            }
        }
        return g;
    }

    /** Rotations by 1 and √2 radians and the flip f. */
    @Override
    public List<O2Element> generators() {
        return List.of(new O2Element(0, 1.0), new O2Element(0, Math.sqrt(2.0)), new O2Element(1, 0.0));
    }

    @Override
    public double[][] standardAction(O2Element g) {
        requireElement(g);
        return PlanarMatrices.rotoflip(g.angle(), g.flip());
    }

    @Override
    public Irrep<O2Element> trivialIrrep() {
        return trivial;
    }

    /** psi[j,k]: (0,0), (1,0) or (1,k) with k ≥ 1. */
    public Irrep<O2Element> irrep(int j, int k) {
        if (j == 0 && k == 0) {
            return trivial;
        }
        if (j == 1 && k == 0) {
            return determinant;
        }
        if (j == 1 && k > 0) {
            return irreps.computeIfAbsent(k, this::makeIrrep);
        }
        throw new IllegalArgumentException("O(2) irreps are psi[0,0], psi[1,0] and psi[1,k] for k >= 1, got psi[" + j + "," + k + "]");
    }

    @Override
    public List<Irrep<O2Element>> irreps(int maxFrequency) {
        List<Irrep<O2Element>> list = new ArrayList<>();
        if (maxFrequency >= 0) {
            list.add(trivial);
            list.add(determinant);
        }
        for (int k = 1; k <= maxFrequency; k++) {
            list.add(irrep(1, k));
        }
        return list;
    }

    private Irrep<O2Element> makeIrrep(int k) {
        return new Irrep<>(this, "psi[1," + k + "]", 2, k, IrrepType.REAL, g -> PlanarMatrices.rotoflip(k * g.angle(), g.flip()));
    }
}
