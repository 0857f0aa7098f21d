package org.equivariant4j.repr;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.equivariant4j.group.Group;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.linalg.Matrices;

/**
 * A real irreducible representation ψ of a group: no subspace other than 0 and R^d is invariant under all ψ(g).
 * Irreps are identified within their group by {@link #name()} ("psi_2", "(1,3)", "2e", "T1", …) and carry a
 * {@link #frequency()} (the angular frequency k for subgroups of O(2), the degree l for subgroups of O(3)).
 *
 * <p>Its decomposition is itself with Q = I. Equality is by group and name.
 *
 * @param <E> the group's element type
 */
public final class Irrep<E extends GroupElement> extends Representation<E> {
    private final int frequency;
    private final IrrepType type;
    private volatile List<double[][]> endomorphisms;

    /**
     * @param group     the group
     * @param name      unique name within the group
     * @param dimension d
     * @param frequency k or l (see class doc)
     * @param type      real, complex or quaternionic; checked against the endomorphism space in the tests
     * @param matrices  g ↦ ψ(g), fresh orthogonal matrices
     */
    public Irrep(Group<E> group, String name, int dimension, int frequency, IrrepType type, Function<E, double[][]> matrices) {
        super(group, name, dimension, matrices, null);
        this.frequency = frequency;
        this.type = type;
    }

    @Override
    Decomposition<E> computeDecomposition() {
        return new Decomposition<>(List.of(this), Matrices.identity(dimension()));
    }

    /** The frequency k (O(2) family) or degree l (O(3) family). */
    public int frequency() {
        return frequency;
    }

    /** Real, complex or quaternionic. */
    public IrrepType type() {
        return type;
    }

    /**
     * An orthonormal (Frobenius) basis of End(ψ) = {A : Aψ(g) = ψ(g)A}: the identity (scaled) for a real irrep, plus a
     * complex structure for a complex one, plus two more for a quaternionic one. Computed by the intertwiner solver.
     */
    public List<double[][]> endomorphismBasis() {
        List<double[][]> copies = new ArrayList<>();
        for (double[][] e : endomorphisms()) {
            copies.add(Matrices.copy(e));
        }
        return copies;
    }

    /** The endomorphism basis, solved once and kept (callers in this package never modify it). */
    List<double[][]> endomorphisms() {
        List<double[][]> e = endomorphisms;
        if (e == null) {
            e = List.copyOf(Intertwiners.solve(this, this));
            endomorphisms = e;
        }
        return e;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Irrep<?> other && other.group().equals(group()) && other.name().equals(name());
    }

    @Override
    public int hashCode() {
        return group().hashCode() * 31 + name().hashCode();
    }
}
