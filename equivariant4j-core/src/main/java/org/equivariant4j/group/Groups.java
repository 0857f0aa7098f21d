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

    /** The rotation group SO(3). */
    public static SO3 so3() {
        return new SO3();
    }

    /** The orthogonal group O(3). */
    public static O3 o3() {
        return new O3();
    }

    /** The octahedral rotation group (the 24 rotations of a cube), a subgroup of SO(3). */
    public static PolyhedralGroup octahedral() {
        return PolyhedralGroup.octahedral();
    }

    /** The icosahedral rotation group (the 60 rotations of an icosahedron), a subgroup of SO(3). */
    public static PolyhedralGroup icosahedral() {
        return PolyhedralGroup.icosahedral();
    }

    /** The full octahedral group O_h (the 48 symmetries of the cube, with the inversion), a subgroup of O(3). */
    public static PointGroup fullOctahedral() {
        return PointGroup.fullOctahedral();
    }

    /** The cylinder group C₂ × SO(2) (rotations about the z axis and the inversion), a subgroup of O(3). */
    public static CylindricalGroup cylindrical() {
        return new CylindricalGroup();
    }
}
