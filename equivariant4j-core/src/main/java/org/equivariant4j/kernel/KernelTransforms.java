package org.equivariant4j.kernel;

import org.equivariant4j.linalg.SparseMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.equivariant4j.group.FiniteGroup;
import org.equivariant4j.group.GroupElement;

/**
 * The transformed kernels of regular G-CNNs on the plane as fixed linear maps of the learnable kernel, computed once.
 *
 * <h2>Pixel grid and action</h2>
 * A k×k kernel array κ[a][b] (row a, column b, flattened index p = a·k + b) sits on the centred grid of DESIGN.md:
 * pixel (a, b) is the point x = b − (k−1)/2, y = (k−1)/2 − a (x to the right, y up). A group element h of a finite
 * planar group H (C_N or D_N, or any {@link FiniteGroup} whose {@code standardAction} is 2×2 orthogonal) acts by
 * (L_h κ)(x) = κ(h⁻¹x). So for C4 the generator r (rotation by +π/2) turns the kernel counter-clockwise, i.e.
 * T(r)κ = rot90(κ) with rot90(κ)[a][b] = κ[b][k−1−a] (numpy's {@code rot90}); the flip f: x ↦ −x of D_N mirrors the
 * columns, T(f)κ[a][b] = κ[a][k−1−b].
 *
 * <h2>Exact and interpolated elements</h2>
 * <ul>
 *   <li>An element whose 2×2 matrix is a signed permutation (multiples of 90°, the flips and their products) maps the
 *       grid to itself for every k, odd or even (for even k the centre is a pixel corner and the grid is half-integer;
 *       it is still mapped onto itself). T(h) is then an exact index permutation.</li>
 *   <li>Any other element (e.g. the 45° rotations of C8) is applied by sampling an interpolant of κ
 *       ({@link KernelInterpolation}) at h⁻¹x, zero outside the k×k square. Sample points that land on pixel centres
 *       (within 1e-9) take that pixel exactly.</li>
 * </ul>
 *
 * <h2>Disc mask</h2>
 * The corners of a square kernel leave the square under non-90° rotations, so when H has an element that does not
 * map the grid to itself, every kernel is restricted to the disc |x| ≤ R, by default R = k/2 = (k−1)/2 + ½ (the SE2CNN
 * choice: for k = 5 the 21 pixels with |x| ≤ √5, for k = 7 the 37 pixels with |x| ≤ √10): T(h) = M·S(h)·M with M the
 * 0/1 diagonal disc mask and S(h) the sampling matrix. The SAME mask is applied to every element, the identity
 * included (T(e) = M, a projector), so the whole kernel family is made of transforms of one masked kernel; the
 * weights outside the disc receive no gradient and do not matter. For grid-preserving groups (C1, C2, C4, D1, D2, D4)
 * there is no mask by default and T is a representation by permutation matrices. An explicit radius can be given for
 * any group ({@link #of(FiniteGroup, int, KernelInterpolation, double)}); the grid-preserving elements stay exact
 * permutations (the disc is invariant under them).
 *
 * <p>Why k/2 and not (k−1)/2: with R = (k−1)/2 (13 of 25 pixels for k = 5) a rim pixel rotated by 45° lands between
 * pixels of which most are masked out, so rim weights are lost; the measured 45° equivariance error of a C8 lifting
 * layer on smooth inputs (random He-initialised 5×5 kernels, relative L2) is 0.46 (bilinear) / 0.48 (bicubic) /
 * 0.58 (sinc) with R = 2, against 0.16 / 0.07 / 0.08 with R = 2.5. Larger radii (corners included) are worse again
 * (0.52 at R = 2.9). No pixel centre lies exactly on the circle |x| = k/2, for odd or even k.
 *
 * <h2>Even kernel sizes</h2>
 * Accepted. For even k the grid is half-integer and the centre is a pixel corner; 90° rotations and flips still map
 * it onto itself, so they are exact permutations about the kernel centre, and a convolution with stride 1 keeps the
 * image centre (output pixel o sits at input position o − padding + (k−1)/2), so layers stay exactly equivariant.
 * The default disc for even k keeps 12 of 16 pixels (k = 4).
 *
 * <h2>Layouts for one contraction</h2>
 * <ul>
 *   <li>Lifting kernels: {@link #liftingMatrix()} is the [|H|·k², k²] matrix whose block h is T(h); its transpose
 *       is the layer's kernel basis ({@link #liftingBasis()}), so that W[C_out·C_in, k²] · Lᵀ gives all |H|
 *       transformed kernels in one matMul of the library's basis expansion.</li>
 *   <li>Group kernels κ(x, h'): (L_g κ)(x, h') = κ(g⁻¹x, g⁻¹h'). {@link #groupMatrix()} is the
 *       [|H|·|H|·k², |H|·k²] matrix with rows (g, h', x) and columns (h'', y), entry T(g)[x][y] when h'' = g⁻¹h'
 *       (a permutation of the |H| axis combined with the spatial matrix); block g is the representation
 *       U(g) = P(g) ⊗ T(g) of H on kernels over R² × H. Its transpose [|H|·k², |H|·|H|·k²] is the layer's kernel
 *       basis ({@link #groupBasis()}), so W[C_out·C_in, |H|·k²] · Gᵀ is one matMul. Dense, because the product is cheap
 *       compared with the convolution (C_out·C_in·|H|³·k⁴ multiply-adds against B·C_out·C_in·|H|²·k²·H·W) and
 *       one BLAS call beats a gather plus a matMul at these sizes; its size is |H|³·k⁴ values (320 000 for C8,
 *       k = 5).</li>
 * </ul>
 *
 * <p>Pure Java, double precision, immutable and thread-safe.
 */
public final class KernelTransforms {
    /** The default disc mask radius for k×k kernels, k/2 pixels (see the class doc). */
    public static double defaultMaskRadius(int kernelSize) {
        return kernelSize / 2.0;
    }

    private final String groupName;
    private final int k;
    private final int order;
    private final KernelInterpolation interpolation;
    private final boolean[] gridPreserving;
    private final boolean masked;
    private final double maskRadius;
    private final boolean[] mask;
    private final int activePixels;
    private final List<SparseMatrix> spatial;
    private final int[][] product;
    private final int[] inverse;

    private KernelTransforms(FiniteGroup<?> group, int k, KernelInterpolation interpolation, Double explicitRadius) {
        this.groupName = group.name();
        this.k = k;
        this.order = group.order();
        this.interpolation = interpolation;
        List<double[][]> actions = actions(group);
        this.gridPreserving = new boolean[order];
        boolean allGrid = true;
        for (int h = 0; h < order; h++) {
            gridPreserving[h] = GridResampling.isSignedPermutation(actions.get(h));
            allGrid &= gridPreserving[h];
        }
        this.masked = explicitRadius != null || !allGrid;
        this.maskRadius = explicitRadius != null ? explicitRadius : defaultMaskRadius(k);
        this.mask = new boolean[k * k];
        int active = 0;
        double c = (k - 1) / 2.0;
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                double x = b - c;
                double y = c - a;
                boolean in = !masked || x * x + y * y <= maskRadius * maskRadius;
                mask[a * k + b] = in;
                active += in ? 1 : 0;
            }
        }
        if (active == 0) {
            throw new IllegalArgumentException("the disc mask of radius " + maskRadius + " keeps no pixel of a " + k + "×" + k
                    + " kernel");
        }
        this.activePixels = active;
        List<SparseMatrix> list = new ArrayList<>(order);
        for (int h = 0; h < order; h++) {
            list.add(sampling(actions.get(h)));
        }
        this.spatial = List.copyOf(list);
        this.product = new int[order][order];
        this.inverse = new int[order];
        for (int i = 0; i < order; i++) {
            inverse[i] = group.inverseIndex(i);
            for (int j = 0; j < order; j++) {
                product[i][j] = group.productIndex(i, j);
            }
        }
    }

    /**
     * The transforms of k×k kernels under a finite planar group with the default mask (see the class doc).
     *
     * @throws IllegalArgumentException for k &lt; 1 or a group not acting on R² by orthogonal 2×2 matrices
     */
    public static KernelTransforms of(FiniteGroup<?> group, int kernelSize, KernelInterpolation interpolation) {
        checkArgs(group, kernelSize, interpolation);
        return new KernelTransforms(group, kernelSize, interpolation, null);
    }

    /** As {@link #of(FiniteGroup, int, KernelInterpolation)} but with an explicit disc mask radius (in pixels). */
    public static KernelTransforms of(FiniteGroup<?> group, int kernelSize, KernelInterpolation interpolation, double maskRadius) {
        checkArgs(group, kernelSize, interpolation);
        if (!(maskRadius > 0) || Double.isInfinite(maskRadius)) {
            throw new IllegalArgumentException("the mask radius must be a positive finite number of pixels, got " + maskRadius);
        }
        return new KernelTransforms(group, kernelSize, interpolation, maskRadius);
    }

    private static void checkArgs(FiniteGroup<?> group, int kernelSize, KernelInterpolation interpolation) {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(interpolation, "interpolation");
        if (kernelSize < 1) {
            throw new IllegalArgumentException("the kernel size must be >= 1, got " + kernelSize);
        }
        if (group.actionDimension() != 2) {
            throw new IllegalArgumentException("kernel transforms need a group acting on the plane (action dimension 2), "
                    + group.name() + " acts on R^" + group.actionDimension());
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<double[][]> actions(FiniteGroup<?> group) {
        FiniteGroup g = group;
        List<double[][]> list = new ArrayList<>();
        for (Object e : g.elements()) {
            double[][] m = g.standardAction((GroupElement) e);
            if (m.length != 2 || m[0].length != 2 || Math.abs(m[0][0] * m[0][0] + m[1][0] * m[1][0] - 1) > 1e-9
                    || Math.abs(m[0][1] * m[0][1] + m[1][1] * m[1][1] - 1) > 1e-9
                    || Math.abs(m[0][0] * m[0][1] + m[1][0] * m[1][1]) > 1e-9) {
                throw new IllegalArgumentException("the standard action of " + e + " is not an orthogonal 2×2 matrix");
            }
            list.add(m);
        }
        return list;
    }

    /**
     * M·S(h)·M: row p (output pixel) samples the masked kernel at A(h)⁻¹ x_p = A(h)ᵀ x_p ({@link GridResampling}; an
     * exact element is an exact permutation whatever the interpolation).
     */
    private SparseMatrix sampling(double[][] a) {
        return GridResampling.matrix(k, k, a, interpolation).masked(mask);
    }

    /** The group's name. */
    public String groupName() {
        return groupName;
    }

    /** k. */
    public int kernelSize() {
        return k;
    }

    /** |H|. */
    public int groupOrder() {
        return order;
    }

    /** The interpolation used for non-grid-preserving elements. */
    public KernelInterpolation interpolation() {
        return interpolation;
    }

    /** Whether element h (index in the group's element list) maps the pixel grid to itself (T(h) exact). */
    public boolean isGridPreserving(int h) {
        return gridPreserving[java.util.Objects.checkIndex(h, order)];
    }

    /** Whether every element maps the grid to itself: then the T(h) form an exact representation. */
    public boolean isExact() {
        for (boolean b : gridPreserving) {
            if (!b) {
                return false;
            }
        }
        return true;
    }

    /** Whether a disc mask is applied (see the class doc). */
    public boolean isMasked() {
        return masked;
    }

    /** The mask radius in pixels (meaningful when {@link #isMasked()}). */
    public double maskRadius() {
        return maskRadius;
    }

    /** The mask as k² flags, row-major (all true when unmasked). */
    public boolean[] mask() {
        return mask.clone();
    }

    /** The number of pixels inside the mask (k² when unmasked): the effective spatial fan-in of one kernel. */
    public int activePixels() {
        return activePixels;
    }

    /** T(h), the k²×k² matrix with (T(h)κ)_flat = (L_h κ)_flat, for the element of index h. */
    public SparseMatrix spatial(int h) {
        return spatial.get(java.util.Objects.checkIndex(h, order));
    }

    /** Index of elements()[g]·elements()[h] in the group this was built for. */
    public int productIndex(int g, int h) {
        return product[g][h];
    }

    /** Index of elements()[g]⁻¹. */
    public int inverseIndex(int g) {
        return inverse[g];
    }

    /** The [|H|·k², k²] matrix stacking T(h) for all h (row (h, x), column y). */
    public SparseMatrix liftingMatrix() {
        int n = k * k;
        SparseMatrix.Builder b = new SparseMatrix.Builder(order * n, n);
        for (int h = 0; h < order; h++) {
            double[][] t = spatial.get(h).toDense();
            for (int x = 0; x < n; x++) {
                for (int y = 0; y < n; y++) {
                    b.add(h * n + x, y, t[x][y]);
                }
            }
        }
        return b.build();
    }

    /**
     * U(g) = P(g) ⊗ T(g) on kernels over R² × H: the [|H|·k², |H|·k²] matrix with rows (h', x) and columns (h'', y),
     * entry T(g)[x][y] when h'' = g⁻¹h'. (U(g)κ)(x, h') = κ(g⁻¹x, g⁻¹h').
     */
    public SparseMatrix groupAction(int g) {
        java.util.Objects.checkIndex(g, order);
        int n = k * k;
        SparseMatrix.Builder b = new SparseMatrix.Builder(order * n, order * n);
        double[][] t = spatial.get(g).toDense();
        int gInv = inverse[g];
        for (int hp = 0; hp < order; hp++) {
            int hpp = product[gInv][hp];
            for (int x = 0; x < n; x++) {
                for (int y = 0; y < n; y++) {
                    b.add(hp * n + x, hpp * n + y, t[x][y]);
                }
            }
        }
        return b.build();
    }

    /** The [|H|·|H|·k², |H|·k²] matrix stacking U(g) for all g (rows (g, h', x), columns (h'', y)). */
    public SparseMatrix groupMatrix() {
        int n = k * k;
        int block = order * n;
        SparseMatrix.Builder b = new SparseMatrix.Builder(order * block, block);
        for (int g = 0; g < order; g++) {
            double[][] u = groupAction(g).toDense();
            for (int r = 0; r < block; r++) {
                for (int col = 0; col < block; col++) {
                    b.add(g * block + r, col, u[r][col]);
                }
            }
        }
        return b.build();
    }

    /**
     * The lifting layer's kernel basis: element y (a pixel of the free k×k kernel) is, for output element h, the
     * transformed pixel T(h)e_y; values [k²][|H|][1][k²] ({@link #liftingMatrix()}ᵀ), so that the free kernel's
     * weights are its coefficients.
     */
    public SampledKernelBasis liftingBasis() {
        return SampledKernelBasis.ofValues(order, 1, k * k, liftingMatrix().transpose().toDenseRowMajor());
    }

    /**
     * The group layer's kernel basis: element (h'', y) of the free kernel on R² × H is, for output element g and input
     * element h', entry ((g, h', x), (h'', y)) of {@link #groupMatrix()}; values [|H|·k²][|H|][|H|][k²].
     */
    public SampledKernelBasis groupBasis() {
        return SampledKernelBasis.ofValues(order, order, k * k, groupMatrix().transpose().toDenseRowMajor());
    }

    /** L_h κ for a k×k kernel array given row-major (k² values), the element of index h. */
    public double[] transform(int h, double[] kernel) {
        return spatial(h).apply(kernel);
    }

    @Override
    public String toString() {
        return "KernelTransforms(" + groupName + ", k = " + k + ", " + interpolation.name().toLowerCase(java.util.Locale.ROOT)
                + (masked ? ", disc mask r = " + maskRadius + " (" + activePixels + " px)" : ", exact") + ")";
    }
}
