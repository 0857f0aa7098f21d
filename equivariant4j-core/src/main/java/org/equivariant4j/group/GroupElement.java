package org.equivariant4j.group;

/**
 * Marker for the elements of a {@link Group}. Elements are immutable value types (records) and carry
 * enough information to check which group they belong to (e.g. the order N of a cyclic group).
 */
public interface GroupElement {}
