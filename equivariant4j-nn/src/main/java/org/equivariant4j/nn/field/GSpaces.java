package org.equivariant4j.nn.field;

import org.equivariant4j.group.CyclicGroup;
import org.equivariant4j.group.DihedralGroup;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.O2;
import org.equivariant4j.group.O2Element;
import org.equivariant4j.group.SO2;
import org.equivariant4j.group.SubgroupEmbedding;

/**
 * The planar {@link GSpace}s, named as in escnn. Reflections mirror about the line through the origin at angle
 * {@code axis}; the default π/2 is the vertical axis (x ↦ −x), which is also the reflection of {@code D_N} and
 * {@code O(2)} in the core.
 */
public final class GSpaces {
    private GSpaces() {}

    /** C_N acting by rotations (N ≥ 1); for SO(2) use {@link #rot2dOnR2(int, int)} with N = −1. */
    public static GSpace rot2dOnR2(int n) {
        if (n == -1) {
            return rot2dOnR2(-1, GSpace.DEFAULT_MAX_FREQUENCY);
        }
        if (n < 1) {
            throw new IllegalArgumentException("rot2dOnR2 needs N >= 1 (C_N) or N = -1 (SO(2)), got " + n);
        }
        CyclicGroup cn = Groups.cyclic(n);
        O2 o2 = Groups.o2();
        return new GSpace("c" + n, cn, cn.embeddingInO2(o2), GSpace.DEFAULT_MAX_FREQUENCY, Double.NaN);
    }

    /** C_N (N ≥ 1), or SO(2) for N = −1 with irreps listed up to {@code maxFrequency}. */
    public static GSpace rot2dOnR2(int n, int maxFrequency) {
        requireBand(maxFrequency);
        if (n != -1) {
            return rot2dOnR2(n);
        }
        SO2 so2 = Groups.so2();
        return new GSpace("so2", so2, so2.embeddingInO2(Groups.o2()), maxFrequency, Double.NaN);
    }

    /** D_N (N ≥ 1), or O(2) for N = −1, with the reflection about the vertical axis. */
    public static GSpace flipRot2dOnR2(int n) {
        return flipRot2dOnR2(n, GSpace.DEFAULT_MAX_FREQUENCY, Math.PI / 2);
    }

    /**
     * D_N (N ≥ 1) or O(2) (N = −1, irreps up to {@code maxFrequency}) with the reflection about the line at angle
     * {@code axis}.
     */
    public static GSpace flipRot2dOnR2(int n, int maxFrequency, double axis) {
        requireBand(maxFrequency);
        requireAxis(axis);
        O2 o2 = Groups.o2();
        if (n == -1) {
            SubgroupEmbedding<O2Element, O2Element> conjugated = new SubgroupEmbedding<>(o2, o2,
                    g -> new O2Element(g.flip(), g.angle() + g.flip() * (2 * axis + Math.PI)),
                    "O(2) < O(2), reflection axis at " + axis + " rad");
            return new GSpace("o2", o2, conjugated, maxFrequency, axis);
        }
        if (n < 1) {
            throw new IllegalArgumentException("flipRot2dOnR2 needs N >= 1 (D_N) or N = -1 (O(2)), got " + n);
        }
        DihedralGroup dn = Groups.dihedral(n);
        return new GSpace("d" + n, dn, dn.embeddingInO2(o2, axis), maxFrequency, axis);
    }

    /** The reflection about the vertical axis alone (the group D_1 of two elements). */
    public static GSpace flip2dOnR2() {
        return flip2dOnR2(Math.PI / 2);
    }

    /** The reflection about the line at angle {@code axis} alone. */
    public static GSpace flip2dOnR2(double axis) {
        requireAxis(axis);
        DihedralGroup d1 = Groups.dihedral(1);
        return new GSpace("flip", d1, d1.embeddingInO2(Groups.o2(), axis), GSpace.DEFAULT_MAX_FREQUENCY, axis);
    }

    /** The trivial group: plain convolutions on typed fields. */
    public static GSpace trivialOnR2() {
        CyclicGroup c1 = Groups.cyclic(1);
        return new GSpace("trivial", c1, c1.embeddingInO2(Groups.o2()), GSpace.DEFAULT_MAX_FREQUENCY, Double.NaN);
    }

    /**
     * The GSpace whose fibre group is this finite planar group with its standard action: C_N → {@link #rot2dOnR2(int)},
     * D_N → {@link #flipRot2dOnR2(int)} (the reflection x ↦ −x). Regular G-convolutions type their feature maps with it.
     */
    public static GSpace of(org.equivariant4j.group.FiniteGroup<?> group) {
        if (group instanceof CyclicGroup cn) {
            return rot2dOnR2(cn.rotations());
        }
        if (group instanceof DihedralGroup dn) {
            return flipRot2dOnR2(dn.rotations());
        }
        throw new IllegalArgumentException("no planar GSpace for " + group.name() + ": expected C_N or D_N");
    }

    /** Any compact group without a base space: the feature spaces of linear layers (escnn's {@code no_base_space}). */
    public static GSpace noBaseSpace(org.equivariant4j.group.Group<?> group) {
        return new GSpace(group, GSpace.DEFAULT_MAX_FREQUENCY);
    }

    /**
     * A GSpace by its command-line name: {@code c<N>}, {@code d<N>}, {@code so2}, {@code o2}, {@code flip},
     * {@code trivial} (case-insensitive).
     */
    public static GSpace byId(String id) {
        String s = id == null ? "" : id.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (s.matches("c[0-9]+")) {
                return rot2dOnR2(Integer.parseInt(s.substring(1)));
            }
            if (s.matches("d[0-9]+")) {
                return flipRot2dOnR2(Integer.parseInt(s.substring(1)));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the order in '" + id + "' is too large", e);
        }
        return switch (s) {
            case "so2" -> rot2dOnR2(-1, GSpace.DEFAULT_MAX_FREQUENCY);
            case "o2" -> flipRot2dOnR2(-1);
            case "flip" -> flip2dOnR2();
            case "trivial" -> trivialOnR2();
            default -> throw new IllegalArgumentException("unknown GSpace '" + id + "'; expected c<N>, d<N>, so2, o2, flip or"
                    + " trivial");
        };
    }

    private static void requireBand(int maxFrequency) {
        if (maxFrequency < 0) {
            throw new IllegalArgumentException("the maximum frequency must be >= 0, got " + maxFrequency);
        }
    }

    private static void requireAxis(double axis) {
        if (!Double.isFinite(axis)) {
            throw new IllegalArgumentException("the reflection axis must be a finite angle, got " + axis);
        }
    }
}
