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
import org.equivariant4j.group.SO2;
import org.equivariant4j.nn.field.ParameterFreeBlock;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.GSpace;
import org.equivariant4j.nn.ops.DeviceConstants;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.Representation;

/**
 * Fourier-sampled pointwise nonlinearities for SO(2) and O(2) (escnn's FourierPointwise / FourierELU): each field of
 * the band-limited regular representation ρ_L ({@link GSpace#bandLimitedRegularRepr(int)}) holds the Fourier
 * coefficients of a function on the group; the block samples that function on a grid of the group, applies a scalar
 * function there and projects back:
 *
 * <pre>
 *   y = (1/M) Aᵀ f(A x),   A[g] = ⊕_b √d_b ψ_b(g) e_{j(b)}   (one row per grid element g, M rows)
 * </pre>
 *
 * where block b of ρ_L is the irrep ψ_b of dimension d_b and j(b) counts its earlier copies (O(2)'s 2-dimensional irreps
 * occur twice, as in the regular representation). The grid is N equispaced rotations (and, for O(2), the N reflections
 * r_θ f), N ≥ 2L + 1, so AᵀA = M·I: without f the block is the identity. Input and output type: n copies of ρ_L.
 *
 * <h2>Equivariance</h2>
 * A ρ_L(h) = P_h A with P_h the permutation of the grid by h whenever h belongs to the grid's subgroup (C_N, or D_N for
 * O(2)), and then y(ρ(h)x) = ρ(h)y(x) exactly. Rotations by multiples of 90° (and the reflections of the grid) are in
 * it when 4 divides N, so the block is exact for the pixel-grid symmetries; for other elements it is approximately
 * equivariant (f(Ax) is not band-limited; the error falls as N grows). The default N is the smallest multiple of 8 that is
 * at least 2(2L + 1). No parameters.
 */
public final class FourierPointwise extends ParameterFreeBlock {
    private final ScalarActivation function;
    private final int maxFrequency;
    private final int rotations;
    private final int fieldSize;
    private final int samples;
    /** A, samples × fieldSize, row-major. */
    private final double[] sampling;
    private final DeviceConstants constants;

    private FourierPointwise(FieldType type, ScalarActivation function, Integer rotations) {
        super(type, type);
        this.function = Objects.requireNonNull(function, "function");
        Group<?> g = type.gspace().fibreGroup();
        if (!(g instanceof SO2) && !(g instanceof O2)) {
            throw new IllegalArgumentException("FourierPointwise samples SO(2) or O(2) fields; " + type + " is a type of "
                    + g.name() + (g.isFinite() ? " (its regular fields take a PointwiseNonlinearity)" : ""));
        }
        this.fieldSize = type.fieldSize(0);
        int perFrequency = g instanceof O2 ? 4 : 2;
        int l = (fieldSize - perFrequency / 2) / perFrequency;
        Representation<?> rho = l >= 0 ? type.gspace().bandLimitedRegularRepr(l) : null;
        if (rho == null || !FieldType.of(type.gspace(), type.fields(), rho).equals(type)) {
            throw new IllegalArgumentException("FourierPointwise needs copies of one band-limited regular representation"
                    + " (GSpace.bandLimitedRegularRepr(L)), got " + type);
        }
        this.maxFrequency = l;
        int n = rotations != null ? rotations : 8 * (int) Math.ceil(2.0 * (2 * l + 1) / 8);
        if (n < 2 * l + 1) {
            throw new IllegalArgumentException("FourierPointwise with band limit L = " + l + " needs N >= 2L + 1 = " + (2 * l + 1)
                    + " rotations, got " + n);
        }
        this.rotations = n;
        List<? extends GroupElement> grid = g.grid(n);
        this.samples = grid.size();
        this.sampling = samplingMatrix(rho, grid);
        this.constants = addConstants("sampling matrices", this::buildConstants);
    }

    /** f on the samples of every field of {@code type}, on the default grid. */
    public static FourierPointwise of(FieldType type, ScalarActivation function) {
        return new FourierPointwise(type, function, null);
    }

    /** f on the samples on a grid of N rotations (and N reflections for O(2)). */
    public static FourierPointwise of(FieldType type, ScalarActivation function, int rotations) {
        return new FourierPointwise(type, function, rotations);
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

    /** N, the number of sampled rotations. */
    public int rotations() {
        return rotations;
    }

    /** M, the number of samples per field (N for SO(2), 2N for O(2)). */
    public int samples() {
        return samples;
    }

    private NDList buildConstants(NDManager manager, DataType dataType) {
        NDArray a = Tensors.fromFlat(manager, sampling, new Shape(samples, fieldSize), dataType);
        return new NDList(a.transpose(), a.div(samples));
    }

    @Override
    protected NDArray apply(NDArray x) {
        DeviceConstants.Copy k = constantsFor(constants, x);
        Shape s = x.getShape();
        // [B, n·D, spatial…] → [B, n, P, D] → samples [B, n, P, M] → f → back to [B, n, P, D] → [B, n·D, spatial…]
        NDArray fields = x.reshape(s.get(0), inType().fields(), fieldSize, -1).swapAxes(2, 3);
        NDArray sampled = function.apply(fields.matMul(k.get(0)));
        return sampled.matMul(k.get(1)).swapAxes(2, 3).reshape(s);
    }

    @Override
    protected int[] config() {
        return new int[] {inType().size(), inType().fields(), rotations, function.kind().ordinal()};
    }

    @Override
    public String toString() {
        return "FourierPointwise(" + function + " on " + samples + " samples, " + inType() + ")";
    }
}
