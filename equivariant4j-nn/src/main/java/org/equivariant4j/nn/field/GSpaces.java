package org.equivariant4j.nn.field;

import org.equivariant4j.group.CyclicGroup;
import org.equivariant4j.group.DihedralGroup;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.O2;
import org.equivariant4j.group.O2Element;
import org.equivariant4j.group.O3;
import org.equivariant4j.group.PointGroup;
import org.equivariant4j.group.PolyhedralGroup;
import org.equivariant4j.group.SO3;
import org.equivariant4j.group.CylindricalGroup;
import org.equivariant4j.group.SO2;
import org.equivariant4j.group.SubgroupEmbedding;

/**
 * The {@link GSpace}s, named as in escnn.
 *
 * <p><b>On the plane</b>, reflections mirror about the line through the origin at angle {@code axis}; the default π/2
 * is the vertical axis (x ↦ −x), which is also the reflection of {@code D_N} and {@code O(2)} in the core.
 *
 * <p><b>In space</b> (R³, volumes NCDHW with voxel (a, b, c) at x = c − (W−1)/2, y = (H−1)/2 − b, z = (D−1)/2 − a),
 * groups act by their 3×3 matrices: SO(3) and its finite subgroups by rotations ({@link org.equivariant4j.group.SO3}:
 * e3nn's quaternions and Wigner D matrices, y-up harmonics), O(3) adds the inversion x ↦ −x. The axial groups turn about
 * the z axis (the depth axis of a volume): planar rotations r_θ act on (x, y) with z fixed; the conical reflection is
 * the mirror x ↦ −x through the plane x = 0, which contains the axis; the dihedral "reflection" is the half turn about
 * the y axis. Band-limited groups list their irreps up to {@code maxFrequency} (default 2, as escnn's).
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

    /** escnn's default band limit of the continuous groups on R³. */
    public static final int DEFAULT_MAX_FREQUENCY_3D = 2;

    /** SO(3) acting on R³ by rotations, irreps listed up to degree 2. */
    public static GSpace rot3dOnR3() {
        return rot3dOnR3(DEFAULT_MAX_FREQUENCY_3D);
    }

    /** SO(3) acting on R³ by rotations, irreps listed up to degree {@code maxFrequency}. */
    public static GSpace rot3dOnR3(int maxFrequency) {
        requireBand(maxFrequency);
        SO3 so3 = Groups.so3();
        return GSpace.volumetric("so3", so3, so3.embeddingInO3(Groups.o3()), maxFrequency);
    }

    /** O(3) acting on R³ by rotations and reflections, irreps listed up to degree 2. */
    public static GSpace flipRot3dOnR3() {
        return flipRot3dOnR3(DEFAULT_MAX_FREQUENCY_3D);
    }

    /** O(3) acting on R³ by rotations and reflections, irreps listed up to degree {@code maxFrequency}. */
    public static GSpace flipRot3dOnR3(int maxFrequency) {
        requireBand(maxFrequency);
        O3 o3 = Groups.o3();
        return GSpace.volumetric("o3", o3, o3.identityEmbedding(), maxFrequency);
    }

    /** The octahedral group O: the 24 rotations of the cube, which map the voxel grid to itself. */
    public static GSpace octaOnR3() {
        PolyhedralGroup octa = Groups.octahedral();
        return GSpace.volumetric("octa", octa, octa.embeddingInSO3(Groups.so3()).then(Groups.so3().embeddingInO3(Groups.o3())),
                3);
    }

    /** The full octahedral group O_h: the 48 symmetries of the cube (the rotations and the inversion). */
    public static GSpace fullOctaOnR3() {
        PointGroup oh = Groups.fullOctahedral();
        return GSpace.volumetric("fullocta", oh, oh.embeddingInO3(Groups.o3()), 3);
    }

    /** The icosahedral group I: the 60 rotations of the icosahedron with vertices (0, ±1, ±φ) and cyclic permutations. */
    public static GSpace icoOnR3() {
        PolyhedralGroup ico = Groups.icosahedral();
        return GSpace.volumetric("ico", ico, ico.embeddingInSO3(Groups.so3()).then(Groups.so3().embeddingInO3(Groups.o3())),
                4);
    }

    /**
     * The cone's symmetries about the z axis: O(2) (N = −1, irreps up to degree 2) or D_N (N ≥ 1) acting by rotations
     * about z and the mirrors through planes containing z (the reflection is x ↦ −x).
     */
    public static GSpace conicalOnR3(int n) {
        return conicalOnR3(n, DEFAULT_MAX_FREQUENCY_3D);
    }

    /** {@link #conicalOnR3(int)} with irreps of O(2) listed up to {@code maxFrequency}. */
    public static GSpace conicalOnR3(int n, int maxFrequency) {
        requireBand(maxFrequency);
        O3 o3 = Groups.o3();
        if (n == -1) {
            return GSpace.volumetric("conical-o2", Groups.o2(), o3.conicalEmbedding(Groups.o2()), maxFrequency);
        }
        if (n < 1) {
            throw new IllegalArgumentException("conicalOnR3 needs N >= 1 (D_N) or N = -1 (O(2)), got " + n);
        }
        DihedralGroup dn = Groups.dihedral(n);
        return GSpace.volumetric("conical-d" + n, dn, o3.conicalEmbedding(dn), maxFrequency);
    }

    /**
     * The cylinder group C₂ × SO(2) (escnn's cylindricalOnR3): the rotations about the z axis and their compositions with
     * the inversion x ↦ −x, irreps listed up to frequency 2.
     */
    public static GSpace cylindricalOnR3() {
        return cylindricalOnR3(DEFAULT_MAX_FREQUENCY_3D);
    }

    /** {@link #cylindricalOnR3()} with irreps listed up to frequency {@code maxFrequency}. */
    public static GSpace cylindricalOnR3(int maxFrequency) {
        requireBand(maxFrequency);
        CylindricalGroup c = Groups.cylindrical();
        return GSpace.volumetric("cylindrical", c, Groups.o3().cylinderEmbedding(c), maxFrequency);
    }

    /** SO(2) (N = −1, irreps up to frequency 2) or C_N (N ≥ 1) acting on R³ by rotations about the z axis. */
    public static GSpace rot2dOnR3(int n) {
        return rot2dOnR3(n, DEFAULT_MAX_FREQUENCY_3D);
    }

    /** {@link #rot2dOnR3(int)} with irreps of SO(2) listed up to {@code maxFrequency}. */
    public static GSpace rot2dOnR3(int n, int maxFrequency) {
        requireBand(maxFrequency);
        O3 o3 = Groups.o3();
        if (n == -1) {
            return GSpace.volumetric("axial-so2", Groups.so2(), o3.dihedralEmbedding(Groups.so2()), maxFrequency);
        }
        if (n < 1) {
            throw new IllegalArgumentException("rot2dOnR3 needs N >= 1 (C_N) or N = -1 (SO(2)), got " + n);
        }
        CyclicGroup cn = Groups.cyclic(n);
        return GSpace.volumetric("axial-c" + n, cn, o3.dihedralEmbedding(cn), maxFrequency);
    }

    /**
     * O(2) (N = −1, irreps up to frequency 2) or D_N (N ≥ 1) acting on R³ by proper rotations (escnn's dihedralOnR3):
     * rotations about z and half turns about axes in the xy plane (the reflection x ↦ −x becomes the half turn about y).
     */
    public static GSpace dihedralOnR3(int n) {
        O3 o3 = Groups.o3();
        if (n == -1) {
            return GSpace.volumetric("dihedral-o2", Groups.o2(), o3.dihedralEmbedding(Groups.o2()), DEFAULT_MAX_FREQUENCY_3D);
        }
        if (n < 1) {
            throw new IllegalArgumentException("dihedralOnR3 needs N >= 1 (D_N) or N = -1 (O(2)), got " + n);
        }
        DihedralGroup dn = Groups.dihedral(n);
        return GSpace.volumetric("dihedral-d" + n, dn, o3.dihedralEmbedding(dn), DEFAULT_MAX_FREQUENCY_3D);
    }

    /** The mirror x ↦ −x alone (the group D_1 of two elements, acting on R³ through the plane x = 0). */
    public static GSpace mirOnR3() {
        DihedralGroup d1 = Groups.dihedral(1);
        return GSpace.volumetric("mir", d1, Groups.o3().conicalEmbedding(d1), DEFAULT_MAX_FREQUENCY_3D);
    }

    /** The inversion x ↦ −x alone (the group C_2 of two elements). */
    public static GSpace invOnR3() {
        CyclicGroup c2 = Groups.cyclic(2);
        return GSpace.volumetric("inv", c2, Groups.o3().inversionEmbedding(c2), DEFAULT_MAX_FREQUENCY_3D);
    }

    /** The trivial group on R³: plain 3-D convolutions on typed fields. */
    public static GSpace trivialOnR3() {
        CyclicGroup c1 = Groups.cyclic(1);
        return GSpace.volumetric("trivial", c1, Groups.o3().conicalEmbedding(c1), DEFAULT_MAX_FREQUENCY_3D);
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
