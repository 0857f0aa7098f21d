package org.equivariant4j.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.commons.math3.special.Erf;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.O3Element;
import org.equivariant4j.group.PointGroup;

/**
 * Rotated voxel shapes: polycubes (shapes glued from unit cubes) rendered from continuous coordinates into a
 * D×D×D occupancy grid, in any orientation.
 *
 * <h2>Classes</h2>
 * The eight "3-D Tetris" tetracubes of the tensor-field-network paper (Thomas et al. 2018) — {@code chiral_1},
 * {@code chiral_2} (mirror images of each other), {@code square}, {@code line}, {@code corner}, {@code L}, {@code T},
 * {@code zigzag} — and four pentacubes: {@code helix_r} and {@code helix_l} (a path turning along x, y, z, a second
 * mirror-image pair), {@code plus} and {@code long_L}. No two classes are congruent under rotations; under rotations
 * and reflections exactly the two pairs are ({@link #CLASSES}; the tests check it on the 48 symmetries of the cube).
 *
 * <h2>Rendering</h2>
 * A shape's cube centres are taken relative to their centroid and scaled by {@code scale} voxels per cube. A rotation R
 * (and, for training, a jitter of every cube centre and a shift of the whole shape, both Gaussian) places cube i at
 * c_i = R·s·(p_i − p̄) + t. The value of voxel x (coordinates of {@link org.equivariant4j.kernel.KernelGrid#volumetric}:
 * voxel (a, b, c) at x = c − (D−1)/2, y = (D−1)/2 − b, z = (D−1)/2 − a) is the occupancy of the union of the cubes
 * blurred by a Gaussian of width σ, summed over the cubes and clipped at 1:
 * <pre>
 *   v(x) = min(1, Σ_i Π_{k=1..3} [Φ((u_k + s/2)/σ) − Φ((u_k − s/2)/σ)]),   u = Rᵀ(x − c_i)
 * </pre>
 * (Φ the standard normal CDF): every cube is a solid box of side s in its own frame, so a rotated shape is rendered
 * from its continuous geometry rather than by resampling a grid. Defaults: D = 17, s = 2.4, σ = 1.
 */
public final class VoxelShapes {
    /**
     * A class of shapes.
     *
     * @param name     e.g. "chiral_1"
     * @param cubes    the integer centres of its unit cubes
     * @param mirrorOf the class that is its mirror image (congruent only under reflections), or null if the shape is
     *                 its own mirror image up to a rotation
     */
    public record ShapeClass(String name, int[][] cubes, String mirrorOf) {
        public ShapeClass {
            Objects.requireNonNull(name, "name");
            cubes = cubes.clone();
        }

        /** The cube centres minus their centroid. */
        public double[][] centred() {
            double[] mean = new double[3];
            for (int[] c : cubes) {
                for (int k = 0; k < 3; k++) {
                    mean[k] += c[k] / (double) cubes.length;
                }
            }
            double[][] p = new double[cubes.length][3];
            for (int i = 0; i < cubes.length; i++) {
                for (int k = 0; k < 3; k++) {
                    p[i][k] = cubes[i][k] - mean[k];
                }
            }
            return p;
        }
    }

    /** The twelve classes, in label order. */
    public static final List<ShapeClass> CLASSES = List.of(
            new ShapeClass("chiral_1", new int[][] {{0, 0, 0}, {0, 0, 1}, {1, 0, 0}, {1, 1, 0}}, "chiral_2"),
            new ShapeClass("chiral_2", new int[][] {{0, 0, 0}, {0, 0, 1}, {1, 0, 0}, {1, -1, 0}}, "chiral_1"),
            new ShapeClass("square", new int[][] {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {1, 1, 0}}, null),
            new ShapeClass("line", new int[][] {{0, 0, 0}, {0, 0, 1}, {0, 0, 2}, {0, 0, 3}}, null),
            new ShapeClass("corner", new int[][] {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, null),
            new ShapeClass("L", new int[][] {{0, 0, 0}, {0, 0, 1}, {0, 0, 2}, {0, 1, 0}}, null),
            new ShapeClass("T", new int[][] {{0, 0, 0}, {0, 0, 1}, {0, 0, 2}, {0, 1, 1}}, null),
            new ShapeClass("zigzag", new int[][] {{0, 0, 0}, {1, 0, 0}, {1, 1, 0}, {2, 1, 0}}, null),
            new ShapeClass("helix_r", new int[][] {{0, 0, 0}, {1, 0, 0}, {1, 1, 0}, {1, 1, 1}, {2, 1, 1}}, "helix_l"),
            new ShapeClass("helix_l", new int[][] {{0, 0, 0}, {1, 0, 0}, {1, 1, 0}, {1, 1, -1}, {2, 1, -1}}, "helix_r"),
            new ShapeClass("plus", new int[][] {{0, 0, 0}, {1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}}, null),
            new ShapeClass("long_L", new int[][] {{0, 0, 0}, {0, 0, 1}, {0, 0, 2}, {0, 0, 3}, {0, 1, 0}}, null));

    /**
     * How shapes are drawn.
     *
     * @param size   D, the voxels per axis (at least 9)
     * @param scale  s, voxels per cube side (> 0)
     * @param sigma  σ, the blur in voxels (> 0)
     * @param jitter the standard deviation of each cube centre's displacement, in cube sides (≥ 0; training noise)
     * @param shift  the standard deviation of the whole shape's displacement, in voxels (≥ 0; training noise)
     */
    public record Rendering(int size, double scale, double sigma, double jitter, double shift) {
        public Rendering {
            if (size < 9) {
                throw new IllegalArgumentException("voxel shapes need a grid of at least 9 voxels per axis, got " + size);
            }
            if (!(scale > 0) || !Double.isFinite(scale) || !(sigma > 0) || !Double.isFinite(sigma)) {
                throw new IllegalArgumentException("the cube size and the blur must be finite and > 0, got " + scale + " and "
                        + sigma);
            }
            if (!(jitter >= 0) || !Double.isFinite(jitter) || !(shift >= 0) || !Double.isFinite(shift)) {
                throw new IllegalArgumentException("the noise must be finite and >= 0, got jitter " + jitter + " and shift "
                        + shift);
            }
            double reach = maxReach() * scale + 2 * sigma;
            if (reach > (size - 1) / 2.0 + 1e-9) {
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "a %d-voxel grid is too small for cubes"
                        + " of %.2f voxels: the largest shape reaches %.2f voxels from the centre in some orientation, the grid"
                        + " %.1f", size, scale, reach, (size - 1) / 2.0));
            }
        }

        /** The defaults without noise: 17³ voxels, cubes of 2.4 voxels, σ = 1. */
        public static Rendering defaults() {
            return new Rendering(17, 2.4, 1.0, 0, 0);
        }

        /** The same with training noise. */
        public Rendering withNoise(double jitter, double shift) {
            return new Rendering(size, scale, sigma, jitter, shift);
        }

        /** The largest distance of a cube corner from its shape's centroid, in cube sides, over all classes. */
        static double maxReach() {
            double r = 0;
            for (ShapeClass c : CLASSES) {
                for (double[] p : c.centred()) {
                    for (int corner = 0; corner < 8; corner++) {
                        double s = 0;
                        for (int k = 0; k < 3; k++) {
                            double v = p[k] + ((corner >> k & 1) == 0 ? -0.5 : 0.5);
                            s += v * v;
                        }
                        r = Math.max(r, Math.sqrt(s));
                    }
                }
            }
            return r;
        }
    }

    /**
     * Volumes with labels.
     *
     * @param count  number of volumes
     * @param size   D
     * @param voxels count·D³ values in [0, 1], [n][a][b][c] row-major
     * @param labels the class of each volume (index into {@link #CLASSES})
     */
    public record Volumes(int count, int size, float[] voxels, int[] labels) {
        public Volumes {
            if (voxels.length != (long) count * size * size * size || labels.length != count) {
                throw new IllegalArgumentException("expected " + count + " volumes of " + size + "³ voxels and as many labels, got "
                        + voxels.length + " values and " + labels.length + " labels");
            }
        }
    }

    /**
     * A shape placed in the volume.
     *
     * @param centres  its cube centres in voxel units from the volume's centre (x, y, z)
     * @param rotation the rotation R applied to it (row-major 3×3); the cubes are aligned with R's columns
     */
    public record Placement(double[][] centres, double[][] rotation) {}

    private VoxelShapes() {}

    /** The class with that name. */
    public static int classIndex(String name) {
        for (int i = 0; i < CLASSES.size(); i++) {
            if (CLASSES.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown shape class '" + name + "'; expected one of "
                + CLASSES.stream().map(ShapeClass::name).toList());
    }

    /**
     * One volume: class {@code label} rotated by the orthogonal matrix R (row-major 3×3), with the rendering's noise drawn
     * from {@code rng}: {@link #place} then {@link #rasterize}.
     */
    public static float[] render(int label, double[][] rotation, Rendering r, SplittableRandom rng) {
        return rasterize(place(label, rotation, r, rng), r);
    }

    /**
     * Where one shape's cubes go: class {@code label}'s cube centres, jittered, rotated by R and shifted, with the noise
     * drawn from {@code rng} (the only random part of a rendering, so placements drawn in order and rasterised in any
     * order give the same volumes).
     */
    public static Placement place(int label, double[][] rotation, Rendering r, SplittableRandom rng) {
        ShapeClass shape = CLASSES.get(Objects.checkIndex(label, CLASSES.size()));
        double[][] p = shape.centred();
        double[] t = {r.shift() * rng.nextGaussian(), r.shift() * rng.nextGaussian(), r.shift() * rng.nextGaussian()};
        double[][] centres = new double[p.length][3];
        for (int i = 0; i < p.length; i++) {
            double[] q = new double[3];
            for (int k = 0; k < 3; k++) {
                q[k] = r.scale() * (p[i][k] + r.jitter() * rng.nextGaussian());
            }
            for (int k = 0; k < 3; k++) {
                centres[i][k] = rotation[k][0] * q[0] + rotation[k][1] * q[1] + rotation[k][2] * q[2] + t[k];
            }
        }
        return new Placement(centres, rotation);
    }

    /**
     * The occupancy of a placed shape: at each voxel centre x, min(1, Σ_i Π_k [Φ((u_k + s/2)/σ) − Φ((u_k − s/2)/σ)]) with
     * u = Rᵀ(x − c_i), the blurred indicator of each cube of side s.
     */
    public static float[] rasterize(Placement placement, Rendering r) {
        double[][] rotation = placement.rotation();
        int d = r.size();
        double c = (d - 1) / 2.0;
        double half = r.scale() / 2;
        float[] v = new float[d * d * d];
        double[] x = new double[3];
        double[] u = new double[3];
        for (int a = 0; a < d; a++) {
            x[2] = c - a;
            for (int b = 0; b < d; b++) {
                x[1] = c - b;
                for (int e = 0; e < d; e++) {
                    x[0] = e - c;
                    double sum = 0;
                    for (double[] ci : placement.centres()) {
                        double prod = 1;
                        for (int k = 0; k < 3 && prod > 1e-12; k++) {
                            // u = Rᵀ (x − c_i)
                            u[k] = rotation[0][k] * (x[0] - ci[0]) + rotation[1][k] * (x[1] - ci[1]) + rotation[2][k] * (x[2] - ci[2]);
                            prod *= phi((u[k] + half) / r.sigma()) - phi((u[k] - half) / r.sigma());
                        }
                        sum += prod;
                    }
                    v[(a * d + b) * d + e] = (float) Math.min(1, sum);
                }
            }
        }
        return v;
    }

    /**
     * The placements rasterised one after another into one array (volume i at offset i·D³), in parallel: the
     * rasterisation is deterministic, so the result does not depend on the number of threads.
     */
    public static float[] rasterizeAll(List<Placement> placements, Rendering r) {
        int vol = r.size() * r.size() * r.size();
        float[] out = new float[placements.size() * vol];
        IntStream.range(0, placements.size()).parallel()
                .forEach(i -> System.arraycopy(rasterize(placements.get(i), r), 0, out, i * vol, vol));
        return out;
    }

    /**
     * {@code perClass} volumes of every class, in class order: in the canonical orientation when {@code rotate} is false,
     * else each rotated by its own Haar-random rotation; noise as the rendering says; all drawn from {@code seed}.
     */
    public static Volumes generate(int perClass, Rendering r, boolean rotate, long seed) {
        if (perClass < 1) {
            throw new IllegalArgumentException("expected at least one volume per class, got " + perClass);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int n = perClass * CLASSES.size();
        List<Placement> placements = new ArrayList<>(n);
        int[] labels = new int[n];
        double[][] identity = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        for (int k = 0; k < CLASSES.size(); k++) {
            for (int i = 0; i < perClass; i++) {
                double[][] rot = rotate ? Groups.so3().random(rng).matrix() : identity;
                placements.add(place(k, rot, r, rng));
                labels[k * perClass + i] = k;
            }
        }
        return new Volumes(n, r.size(), rasterizeAll(placements, r), labels);
    }

    /** The rotation by {@code angle} radians about the unit axis (Rodrigues). */
    public static double[][] rotation(double[] axis, double angle) {
        double n = Math.sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
        double x = axis[0] / n;
        double y = axis[1] / n;
        double z = axis[2] / n;
        double c = Math.cos(angle);
        double s = Math.sin(angle);
        double t = 1 - c;
        return new double[][] {
            {c + x * x * t, x * y * t - z * s, x * z * t + y * s},
            {y * x * t + z * s, c + y * y * t, y * z * t - x * s},
            {z * x * t - y * s, z * y * t + x * s, c + z * z * t}};
    }

    /**
     * Whether two classes are congruent under the given symmetries of the cube (the 24 rotations, or all 48 with the
     * reflections): some symmetry maps one cube set onto the other up to a translation. Polycubes on the unit lattice are
     * congruent exactly when a lattice symmetry relates them, so this decides congruence under SO(3) and O(3).
     */
    public static boolean congruent(ShapeClass a, ShapeClass b, boolean reflections) {
        if (a.cubes().length != b.cubes().length) {
            return false;
        }
        PointGroup oh = Groups.fullOctahedral();
        for (O3Element g : oh.elements()) {
            if (g.inversion() == 1 && !reflections) {
                continue;
            }
            double[][] m = g.matrix();
            List<long[]> mapped = new ArrayList<>();
            for (int[] c : a.cubes()) {
                long[] q = new long[3];
                for (int k = 0; k < 3; k++) {
                    q[k] = Math.round(m[k][0] * c[0] + m[k][1] * c[1] + m[k][2] * c[2]);
                }
                mapped.add(q);
            }
            if (sameUpToTranslation(mapped, b.cubes())) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameUpToTranslation(List<long[]> a, int[][] b) {
        long[] minA = min(a);
        List<long[]> bl = new ArrayList<>();
        for (int[] c : b) {
            bl.add(new long[] {c[0], c[1], c[2]});
        }
        long[] minB = min(bl);
        java.util.Set<List<Long>> sa = new java.util.HashSet<>();
        for (long[] q : a) {
            sa.add(List.of(q[0] - minA[0], q[1] - minA[1], q[2] - minA[2]));
        }
        java.util.Set<List<Long>> sb = new java.util.HashSet<>();
        for (long[] q : bl) {
            sb.add(List.of(q[0] - minB[0], q[1] - minB[1], q[2] - minB[2]));
        }
        return sa.equals(sb);
    }

    private static long[] min(List<long[]> points) {
        long[] m = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
        for (long[] q : points) {
            for (int k = 0; k < 3; k++) {
                m[k] = Math.min(m[k], q[k]);
            }
        }
        return m;
    }

    /** Φ(t), the standard normal CDF. */
    static double phi(double t) {
        return 0.5 * Erf.erfc(-t / Math.sqrt(2));
    }

}
