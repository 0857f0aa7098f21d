package org.equivariant4j.group;

/**
 * Factories for the groups equivariant4j knows. Groups are immutable values: two calls with the same arguments
 * give equal groups.
 */
public final class Groups {
    private Groups() {}

    /** The cyclic group C_N (N ≥ 1). */
    public static CyclicGroup cyclic(int n) {
        return new CyclicGroup(n);
    }

    /** The dihedral group D_N of order 2N (N ≥ 1). */
    public static DihedralGroup dihedral(int n) {
        return new DihedralGroup(n);
    }

    /** The rotation group SO(2). */
    public static SO2 so2() {
        return new SO2();
    }

    /** The orthogonal group O(2). */
    public static O2 o2() {
        return new O2();
    }
}
