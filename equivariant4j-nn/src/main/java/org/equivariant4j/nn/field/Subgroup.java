package org.equivariant4j.nn.field;

/**
 * A subgroup of a planar symmetry group, named as escnn names the subgroups of O(2): the rotations by multiples of
 * 2π/M (C_M; M = −1 for all of SO(2)), optionally with the space's reflection (D_M; M = −1 for O(2)).
 *
 * @param flips     whether the subgroup contains the reflection
 * @param rotations M ≥ 1, or −1 for all rotations
 */
public record Subgroup(boolean flips, int rotations) {
    public Subgroup {
        if (rotations == 0 || rotations < -1) {
            throw new IllegalArgumentException("a subgroup has M >= 1 rotations, or -1 for all of SO(2); got " + rotations);
        }
    }

    /** C_M. */
    public static Subgroup rotations(int m) {
        return new Subgroup(false, m);
    }

    /** D_M (the reflection of the space and M rotations). */
    public static Subgroup dihedral(int m) {
        return new Subgroup(true, m);
    }

    /** The reflection alone, D_1. */
    public static Subgroup flip() {
        return new Subgroup(true, 1);
    }

    /** SO(2). */
    public static Subgroup so2() {
        return new Subgroup(false, -1);
    }

    /** The trivial group C_1. */
    public static Subgroup trivial() {
        return new Subgroup(false, 1);
    }

    /** "c4", "d4", "flip", "so2", "o2", "trivial": the names the command line uses. */
    public String id() {
        if (rotations == -1) {
            return flips ? "o2" : "so2";
        }
        if (rotations == 1) {
            return flips ? "flip" : "trivial";
        }
        return (flips ? "d" : "c") + rotations;
    }

    @Override
    public String toString() {
        return id();
    }
}
