package org.equivariant4j.group;

import org.equivariant4j.repr.Representation;

/**
 * Common parts of the compact Lie groups SO(2), O(2), SO(3), O(3): they are infinite, act on R^d, accept exactly
 * the elements of their element type, and are equal to every other instance of the same class.
 *
 * @param <E> the element type
 */
public abstract class ContinuousGroup<E extends GroupElement> implements Group<E> {
    private final String name;
    private final Class<E> elementType;
    private final int actionDimension;

    /**
     * @param name            "SO(2)", "O(3)", …
     * @param elementType     the record type of the elements
     * @param actionDimension d of the standard action on R^d
     */
    protected ContinuousGroup(String name, Class<E> elementType, int actionDimension) {
        this.name = name;
        this.elementType = elementType;
        this.actionDimension = actionDimension;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final boolean isFinite() {
        return false;
    }

    @Override
    public final int order() {
        return -1;
    }

    @Override
    public final int actionDimension() {
        return actionDimension;
    }

    @Override
    public final E requireElement(Object candidate) {
        if (elementType.isInstance(candidate)) {
            return elementType.cast(candidate);
        }
        throw new IllegalArgumentException("expected an element of " + name + " (" + elementType.getSimpleName() + "), got "
                + candidate);
    }

    /** The standard action as a representation (subclasses may return the equal irrep instead). */
    @Override
    public Representation<E> standardRepresentation() {
        return Representation.of(this, "standard", actionDimension, this::standardAction);
    }

    @Override
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass();
    }

    @Override
    public final int hashCode() {
        return getClass().hashCode();
    }

    @Override
    public final String toString() {
        return name;
    }
}
