package org.equivariant4j.group;

import java.util.List;
import java.util.random.RandomGenerator;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.Representation;

/**
 * A compact group G: identity e, composition a·b, inverse a⁻¹, a Haar measure to sample from, and an
 * action on R² or R³ by orthogonal matrices. Groups are immutable and thread-safe.
 *
 * <p>Composition convention: {@code compose(a, b)} is a·b, the element that acts by first applying b and then a,
 * so that for every representation ρ(a·b) = ρ(a)ρ(b).
 *
 * @param <E> the element type
 */
public interface Group<E extends GroupElement> {

    /** Short name such as "C8", "D4", "SO(2)", "O(3)", "Octahedral". */
    String name();

    /** The identity e. */
    E identity();

    /** The product a·b (b acts first). */
    E compose(E a, E b);

    /** The inverse a⁻¹. */
    E inverse(E a);

    /** Whether a and b are the same element, up to {@code tolerance} in their continuous parameters. */
    boolean isClose(E a, E b, double tolerance);

    /** {@link #isClose(GroupElement, GroupElement, double)} with tolerance 1e-9. */
    default boolean isClose(E a, E b) {
        return isClose(a, b, 1e-9);
    }

    /** A sample from the normalised Haar measure (uniform over a finite group). */
    E random(RandomGenerator rng);

    /**
     * A grid of group elements: all elements of a finite group (then {@code size} must equal the order),
     * N equispaced rotations for SO(2) (2N elements for O(2)), a near-uniform set of the requested size for SO(3)
     * (twice that for O(3)).
     */
    List<E> grid(int size);

    /** Whether the group is finite. */
    boolean isFinite();

    /** The number of elements of a finite group; −1 for a continuous group. */
    int order();

    /**
     * Elements that generate the group: exact generators for a finite group, a few generic elements that generate
     * a dense subgroup for a continuous one. Linear constraints imposed on them (intertwiners) hold on the whole group.
     */
    List<E> generators();

    /** Dimension d of the space R^d the group acts on by {@link #standardAction}. */
    int actionDimension();

    /** The matrix of g acting on R^d (orthogonal). */
    double[][] standardAction(E g);

    /**
     * Checks that an object is an element of this group and returns it typed; anything else (an element of another
     * group, of a cyclic group of another order, null) gets an {@link IllegalArgumentException} naming both.
     */
    E requireElement(Object candidate);

    /** The trivial irrep ψ(g) = [1]. */
    Irrep<E> trivialIrrep();

    /**
     * The real irreps: all of them for a finite group (the argument is ignored), those of frequency / degree at most
     * {@code maxFrequency} for a continuous group.
     */
    List<Irrep<E>> irreps(int maxFrequency);

    /** The standard action as a representation. */
    Representation<E> standardRepresentation();

    /** The identity embedding of the group in itself. */
    default SubgroupEmbedding<E, E> identityEmbedding() {
        return new SubgroupEmbedding<>(this, this, g -> g, name() + " in " + name());
    }
}
