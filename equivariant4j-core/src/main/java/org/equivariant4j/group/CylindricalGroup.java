package org.equivariant4j.group;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.IrrepType;

/**
 * The cylinder group C₂ × SO(2) acting on R³: the rotations about the z axis and their compositions with the inversion
 * x ↦ −x (escnn's {@code cylinder_group}). It is abelian; its real irreps are those of SO(2) times a sign for the
 * inversion, named like O(3)'s: "ke" and "ko" for the frequency k ≥ 0 about the axis and the parity p = +1 (e) or −1
 * (o): ψ_{k,p}((−1)^i R_z(θ)) = p^i R(kθ) (1×1 and real for k = 0, 2×2 and of complex type for k ≥ 1).
 */
public final class CylindricalGroup extends ContinuousGroup<CylinderElement> {
    private final ConcurrentHashMap<String, Irrep<CylinderElement>> irreps = new ConcurrentHashMap<>();

    CylindricalGroup() {
        super("C2xSO(2)", CylinderElement.class, 3);
    }

    /** (−1)^inversion R_z(θ). */
    public CylinderElement element(int inversion, double angle) {
        return new CylinderElement(inversion, angle);
    }

    @Override
    public CylinderElement identity() {
        return new CylinderElement(0, 0);
    }

    @Override
    public CylinderElement compose(CylinderElement a, CylinderElement b) {
        requireElement(a);
        requireElement(b);
        return new CylinderElement(a.inversion() ^ b.inversion(), a.angle() + b.angle());
    }

    @Override
    public CylinderElement inverse(CylinderElement a) {
        return new CylinderElement(requireElement(a).inversion(), -a.angle());
    }

    @Override
    public boolean isClose(CylinderElement a, CylinderElement b, double tolerance) {
        return requireElement(a).inversion() == requireElement(b).inversion()
                && PlanarMatrices.angularDistance(a.angle(), b.angle()) <= tolerance;
    }

    @Override
    public CylinderElement random(RandomGenerator rng) {
        return new CylinderElement(rng.nextInt(2), rng.nextDouble() * 2 * Math.PI);
    }

    /** N equispaced rotations, then the same composed with the inversion (2N elements). */
    @Override
    public List<CylinderElement> grid(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a cylinder-group grid needs at least 1 rotation, got " + size);
        }
        List<CylinderElement> g = new ArrayList<>(2 * size);
        for (int i = 0; i < 2; i++) {
            for (int k = 0; k < size; k++) {
                g.add(new CylinderElement(i, 2 * Math.PI * k / size));
            }
        }
        return g;
    }

    /** Rotations by 1 and √2 radians and the inversion. */
    @Override
    public List<CylinderElement> generators() {
        return List.of(new CylinderElement(0, 1.0), new CylinderElement(0, Math.sqrt(2.0)), new CylinderElement(1, 0.0));
    }

    @Override
    public double[][] standardAction(CylinderElement g) {
        double[][] r = PlanarMatrices.rotation(requireElement(g).angle());
        double s = g.inversion() == 1 ? -1 : 1;
        return new double[][] {{s * r[0][0], s * r[0][1], 0}, {s * r[1][0], s * r[1][1], 0}, {0, 0, s}};
    }

    @Override
    public Irrep<CylinderElement> trivialIrrep() {
        return irrep(0, 1);
    }

    /** ψ_{k,p}: frequency k ≥ 0 about the axis, parity p = +1 or −1 under the inversion. */
    public Irrep<CylinderElement> irrep(int k, int parity) {
        if (k < 0) {
            throw new IllegalArgumentException("cylinder-group irreps have frequency k >= 0, got " + k);
        }
        if (parity != 1 && parity != -1) {
            throw new IllegalArgumentException("cylinder-group irrep parity must be +1 (e) or -1 (o), got " + parity);
        }
        String name = k + (parity == 1 ? "e" : "o");
        return irreps.computeIfAbsent(name, n -> {
            if (k == 0) {
                return new Irrep<>(this, n, 1, 0, IrrepType.REAL,
                        g -> new double[][] {{g.inversion() == 1 ? parity : 1.0}});
            }
            return new Irrep<>(this, n, 2, k, IrrepType.COMPLEX, g -> {
                double[][] r = PlanarMatrices.rotation(k * g.angle());
                if (g.inversion() == 1 && parity == -1) {
                    for (double[] row : r) {
                        row[0] = -row[0];
                        row[1] = -row[1];
                    }
                }
                return r;
            });
        });
    }

    /** 0e, 0o, 1e, 1o, … up to frequency {@code maxFrequency}. */
    @Override
    public List<Irrep<CylinderElement>> irreps(int maxFrequency) {
        List<Irrep<CylinderElement>> list = new ArrayList<>();
        for (int k = 0; k <= maxFrequency; k++) {
            list.add(irrep(k, 1));
            list.add(irrep(k, -1));
        }
        return list;
    }
}
