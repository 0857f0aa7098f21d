package org.equivariant4j.nn.activation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Objects;
import org.equivariant4j.group.Group;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.group.O2;
import org.equivariant4j.group.O3;
import org.equivariant4j.group.SO2;
import org.equivariant4j.group.SO3;
import org.equivariant4j.harmonics.fourier.RotationQuadrature;
import org.equivariant4j.nn.field.ParameterFreeBlock;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.GSpace;
import org.equivariant4j.nn.ops.DeviceConstants;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.Representation;

/**
 * Fourier-sampled pointwise nonlinearities for SO(2), O(2), SO(3) and O(3) (escnn's FourierPointwise / FourierELU):
 * each field of the band-limited regular representation ρ_L ({@link GSpace#bandLimitedRegularRepr(int)}) holds the
 * Fourier coefficients of a function on the group; the block samples that function on a grid of the group, applies a
 * scalar function there and projects back with the grid's quadrature weights w_g:
 *
 * <pre>
 *   y = Aᵀ W f(A x),   A[g] = ⊕_b √d_b ψ_b(g) e_{j(b)}   (one row per grid element g, M rows),   W = diag(w_g)
 * </pre>
 *
 * where block b of ρ_L is the irrep ψ_b of dimension d_b and j(b) counts its earlier copies (O(2)'s 2-dimensional irreps
 * occur twice, SO(3)'s psi[l] 2l + 1 times, as in the regular representation). The grid integrates every product of
 * two band-limited functions exactly, AᵀWA = I, so without f the block is the identity:
 * <ul>
 *   <li>SO(2), O(2): N equispaced rotations (and, for O(2), the N reflections r_θ f), N ≥ 2L + 1, w = 1/M; the default
 *       N is the smallest multiple of 8 that is at least 2(2L + 1);</li>
 *   <li>SO(3): {@link RotationQuadrature#exact} of degree 2L by default (24 cube rotations for L ≤ 1, 120 for L = 2, an
 *       Euler-angle Gauss–Legendre product grid above), or any quadrature exact to degree 2L; O(3): the same rotations
 *       with and without the inversion, half weights.</li>
 * </ul>
 *
 * <h2>Equivariance</h2>
 * A ρ_L(h) = P_h A with P_h the permutation of the grid by h⁻¹ whenever left multiplication by h permutes the grid with
 * equal weights, and then y(ρ(h)x) = ρ(h)y(x) exactly. That holds for the rotations by multiples of 90° (and the grid's
 * reflections) on the plane when 4 divides N, and for the 24 (48 with the inversion) cube symmetries in space with the
 * grids of L ≤ 2 ({@link RotationQuadrature#isCubeSymmetric()}): the block is exact for the symmetries of the pixel or
 * voxel grid. For other elements it is approximately equivariant (f(Ax) is not band-limited; the error falls as the grid
 * grows). Input and output type: n copies of ρ_L. No parameters.
 */
public final class FourierPointwise extends ParameterFreeBlock {
    private final ScalarActivation function;
    private final int maxFrequency;
    private final int fieldSize;
    private final int samples;
    /** A, samples × fieldSize, row-major. */
    private final double[] sampling;
    /** The quadrature weight of each sample. */
    private final double[] weights;
    /** The degree the SO(3) grid integrates exactly (0 on the plane). */
    private final int quadratureDegree;
    private final DeviceConstants constants;

    private FourierPointwise(FieldType type, ScalarActivation function, Integer rotations, RotationQuadrature quadrature) {
        super(type, type);
        this.function = Objects.requireNonNull(function, "function");
        Group<?> g = type.gspace().fibreGroup();
        boolean planar = g instanceof SO2 || g instanceof O2;
        if (!planar && !(g instanceof SO3) && !(g instanceof O3)) {
            throw new IllegalArgumentException("FourierPointwise samples SO(2), O(2), SO(3) or O(3) fields; " + type
                    + " is a type of " + g.name() + (g.isFinite() ? " (its regular fields take a PointwiseNonlinearity)" : ""));
        }
        this.fieldSize = type.fieldSize(0);
        int l = 0;
        while (type.gspace().bandLimitedRegularRepr(l).dimension() < fieldSize) {
            l++;
        }
        Representation<?> rho = type.gspace().bandLimitedRegularRepr(l);
        if (!FieldType.of(type.gspace(), type.fields(), rho).equals(type)) {
            throw new IllegalArgumentException("FourierPointwise needs copies of one band-limited regular representation"
                    + " (GSpace.bandLimitedRegularRepr(L)), got " + type);
        }
        this.maxFrequency = l;
        List<? extends GroupElement> grid;
        if (planar) {
            int n = rotations != null ? rotations : 8 * (int) Math.ceil(2.0 * (2 * l + 1) / 8);
            if (n < 2 * l + 1) {
                throw new IllegalArgumentException("FourierPointwise with band limit L = " + l + " needs N >= 2L + 1 = "
                        + (2 * l + 1) + " rotations, got " + n);
            }
            grid = g.grid(n);
            this.quadratureDegree = 0;
            this.weights = new double[grid.size()];
            java.util.Arrays.fill(weights, 1.0 / grid.size());
        } else {
            if (rotations != null) {
                throw new IllegalArgumentException("FourierPointwise on " + g.name() + " samples an exact quadrature of degree"
                        + " 2L; a number of rotations (" + rotations + ") applies to SO(2) and O(2) only");
            }
            RotationQuadrature q = quadrature != null ? quadrature : RotationQuadrature.exact(2 * l);
            if (q.maxDegree() < 2 * l) {
                throw new IllegalArgumentException("FourierPointwise with band limit L = " + l + " needs a rotation quadrature"
                        + " exact to degree 2L = " + 2 * l + ", got one of " + q.size() + " nodes exact to degree "
                        + q.maxDegree());
            }
            grid = g instanceof SO3 ? q.elements() : q.o3Elements();
            this.quadratureDegree = q.maxDegree();
            this.weights = g instanceof SO3 ? q.weights() : q.o3Weights();
        }
        if (planar && quadrature != null) {
            throw new IllegalArgumentException("FourierPointwise on " + g.name() + " samples N equispaced rotations; a rotation"
                    + " quadrature (" + quadrature.size() + " nodes) applies to SO(3) and O(3) only");
        }
        this.samples = grid.size();
        this.sampling = samplingMatrix(rho, grid);
        this.constants = addConstants("sampling matrices", this::buildConstants);
    }

    /** f on the samples of every field of {@code type}, on the default grid. */
    public static FourierPointwise of(FieldType type, ScalarActivation function) {
        return new FourierPointwise(type, function, null, null);
    }

    /** f on the samples on a grid of N rotations (and N reflections for O(2)); SO(2) and O(2) only. */
    public static FourierPointwise of(FieldType type, ScalarActivation function, int rotations) {
        return new FourierPointwise(type, function, rotations, null);
    }

    /**
     * f on the samples at the nodes of {@code grid} (on O(3): each node with and without the inversion); SO(3) and O(3)
     * only, and the grid must be exact to degree 2L. A grid denser than the default (for example
     * {@link RotationQuadrature#cubeSymmetric(int)}) aliases less of what f adds above the band limit.
     */
    public static FourierPointwise of(FieldType type, ScalarActivation function, RotationQuadrature grid) {
        return new FourierPointwise(type, function, null, java.util.Objects.requireNonNull(grid, "grid"));
    }

    private static double[] samplingMatrix(Representation<?> rho, List<? extends GroupElement> grid) {
        List<? extends Irrep<?>> irreps = rho.irreps();
        int d = rho.dimension();
        double[] a = new double[grid.size() * d];
        for (int s = 0; s < grid.size(); s++) {
            int offset = 0;
            for (int b = 0; b < irreps.size(); b++) {
                Irrep<?> psi = irreps.get(b);
                int copy = 0;
                for (int p = b - 1; p >= 0 && irreps.get(p).equals(psi); p--) {
                    copy++;
                }
                double[][] m = GSpace.matrix(psi, grid.get(s));
                double scale = Math.sqrt(psi.dimension());
                for (int i = 0; i < psi.dimension(); i++) {
                    a[s * d + offset + i] = scale * m[i][copy];
                }
                offset += psi.dimension();
            }
        }
        return a;
    }

    /** f. */
    public ScalarActivation function() {
        return function;
    }

    /** L. */
    public int maxFrequency() {
        return maxFrequency;
    }

    /** M, the number of samples per field (N for SO(2), 2N for O(2), the quadrature's nodes for SO(3) and O(3)). */
    public int samples() {
        return samples;
    }

    /** A [M, D] and (WA)ᵀ [D, M]. */
    private NDList buildConstants(NDManager manager, DataType dataType) {
        double[] back = new double[sampling.length];
        for (int g = 0; g < samples; g++) {
            for (int i = 0; i < fieldSize; i++) {
                back[i * samples + g] = weights[g] * sampling[g * fieldSize + i];
            }
        }
        return new NDList(Tensors.fromFlat(manager, sampling, new Shape(samples, fieldSize), dataType),
                Tensors.fromFlat(manager, back, new Shape(fieldSize, samples), dataType));
    }

    @Override
    protected NDArray apply(NDArray x) {
        DeviceConstants.Copy k = constantsFor(constants, x);
        Shape s = x.getShape();
        // [B, n·D, spatial…] → [B, n, D, P] → samples A·x [B, n, M, P] → f → (WA)ᵀ·f [B, n, D, P] → [B, n·D, spatial…];
        // multiplying from the left keeps every tensor contiguous (no transposed copies of the M-sample tensor)
        NDArray fields = x.reshape(s.get(0), inType().fields(), fieldSize, -1);
        NDArray sampled = function.apply(k.get(0).matMul(fields));
        return k.get(1).matMul(sampled).reshape(s);
    }

    @Override
    protected int[] config() {
        Group<?> g = inType().gspace().fibreGroup();
        int grid = g instanceof O2 ? samples / 2 : samples;
        if (g instanceof SO2 || g instanceof O2) {
            return new int[] {inType().size(), inType().fields(), grid, function.kind().ordinal()};
        }
        // a rotation grid is named by its size and degree (the Euler grid of degree 8 and 5 cube-symmetric blocks both
        // have 600 nodes)
        return new int[] {inType().size(), inType().fields(), grid, function.kind().ordinal(), quadratureDegree};
    }

    @Override
    public String toString() {
        return "FourierPointwise(" + function + " on " + samples + " samples, " + inType() + ")";
    }
}
