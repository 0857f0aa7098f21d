package org.equivariant4j.nn.o3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.equivariant4j.harmonics.Normalization;
import org.equivariant4j.nn.ops.BlockInputs;
import org.equivariant4j.nn.ops.ScriptKernel;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.MulIrrep;

/**
 * Real spherical harmonics of vectors on tensors, e3nn's {@code o3.SphericalHarmonics}: {@code [..., 3] → [..., dim]},
 * float32 or float64, differentiable to any order (forces need the second derivative in training).
 *
 * <p>The values are those of the core's {@link org.equivariant4j.harmonics.SphericalHarmonics} (y-up, l = 1 is
 * c·(x, y, z), components m = −l..l), computed by the same recurrences written out as a generated TorchScript
 * polynomial: A_m + iB_m = (z + ix)^m, the normalised Legendre part G_l^m from G_{l−1}^m and r²G_{l−2}^m, and
 * Y^l_m = c_l √(2 − δ_m0) G_l^|m| (A_|m| for m ≥ 0, B_|m| for m &lt; 0). With {@code normalize} the vectors are
 * first scaled to unit length ({@code x / max(|x|, 1e-12)}, as e3nn: the zero vector gives 0 for l &gt; 0); without
 * it the result is the homogeneous polynomial r^l Y^l(x̂).
 *
 * <p>The output irreps may list any degrees, with multiplicities, as long as degree l has parity p^l for one vector
 * parity p ({@code "0e+1o+2e"} for a vector, {@code "0e+1e+2e"} for a pseudovector).
 */
public final class SphericalHarmonics extends AbstractBlock {
    private static final byte VERSION = 1;

    private record Key(Irreps irreps, boolean normalize, Normalization normalization) {}

    private final Irreps irreps;
    private final boolean normalize;
    private final Normalization normalization;
    private final ScriptKernel kernel;

    private SphericalHarmonics(Irreps irreps, boolean normalize, Normalization normalization) {
        super(VERSION);
        this.irreps = Objects.requireNonNull(irreps, "irreps");
        this.normalize = normalize;
        this.normalization = Objects.requireNonNull(normalization, "normalization");
        if (irreps.isEmpty()) {
            throw new IllegalArgumentException("spherical harmonics need at least one degree, got empty irreps");
        }
        int vectorParity = 0;
        for (MulIrrep e : irreps.list()) {
            int l = e.irrep().l();
            if (l % 2 == 1) {
                int p = e.irrep().p();
                if (vectorParity != 0 && p != vectorParity) {
                    throw new IllegalArgumentException("spherical harmonics \"" + irreps + "\": odd degrees must all have"
                            + " the parity of the vector (o for a vector, e for a pseudovector)");
                }
                vectorParity = p;
            } else if (e.irrep().p() != 1) {
                throw new IllegalArgumentException("spherical harmonics \"" + irreps + "\": even degree " + l
                        + " must have parity e, got " + e.irrep());
            }
        }
        this.kernel = ScriptKernel.shared(new Key(irreps, normalize, normalization),
                k -> new ScriptKernel("SphericalHarmonics " + k.irreps, source(k.irreps, k.normalize, k.normalization),
                        (m, dt) -> new NDList()));
    }

    /** Y^0 … Y^lmax of vectors: irreps {@code 1x0e+1x1o+…}. */
    public static SphericalHarmonics of(int lmax, boolean normalize, Normalization normalization) {
        return new SphericalHarmonics(Irreps.sphericalHarmonics(lmax), normalize, normalization);
    }

    /** The degrees listed by {@code irreps} (see the class comment for the parity rule). */
    public static SphericalHarmonics of(Irreps irreps, boolean normalize, Normalization normalization) {
        return new SphericalHarmonics(irreps, normalize, normalization);
    }

    /** The output irreps. */
    public Irreps irrepsOut() {
        return irreps;
    }

    public boolean normalize() {
        return normalize;
    }

    public Normalization normalization() {
        return normalization;
    }

    /** The generated TorchScript. */
    public String source() {
        return kernel.source();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(BlockInputs.single(this, inputs)));
    }

    /** Y(v) for vectors v [..., 3]: [..., irreps.dim]. */
    public NDArray apply(NDArray v) {
        Shape s = v.getShape();
        if (s.dimension() < 1 || s.get(s.dimension() - 1) != 3) {
            throw new IllegalArgumentException(this + " expects vectors of shape [..., 3], got " + s);
        }
        Shape lead = s.slice(0, s.dimension() - 1);
        NDArray y = kernel.call("sh", v.reshape(lead.size(), 3)).singletonOrThrow();
        return y.reshape(lead.addAll(new Shape(irreps.dim())));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).addAll(new Shape(irreps.dim()))};
    }

    @Override
    public String toString() {
        return "SphericalHarmonics(" + irreps + ", normalize " + normalize + ", " + normalization + ")";
    }

    /** The generated method {@code sh(v [E, 3]) -> [E, dim]}. */
    static String source(Irreps irreps, boolean normalize, Normalization normalization) {
        int lmax = irreps.lmax();
        List<String> body = new ArrayList<>();
        body.add(normalize ? "u = v / torch.clamp_min(v.norm(2.0, [1], True), 1e-12)" : "u = v");
        body.add("x = u[:, 0]");
        body.add("y = u[:, 1]");
        body.add("z = u[:, 2]");
        if (lmax >= 2) {
            body.add("r2 = x * x + y * y + z * z");
        }
        // A_m + i B_m = (z + i x)^m
        for (int m = 1; m <= lmax; m++) {
            if (m == 1) {
                body.add("a1 = z");
                body.add("b1 = x");
            } else {
                body.add("a" + m + " = z * a" + (m - 1) + " - x * b" + (m - 1));
                body.add("b" + m + " = z * b" + (m - 1) + " + x * a" + (m - 1));
            }
        }
        // G_l^m: constants diag[m] for l = m, tensors g{l}_{m} above
        double[] diag = new double[lmax + 1];
        diag[0] = 1;
        for (int m = 1; m <= lmax; m++) {
            diag[m] = diag[m - 1] * Math.sqrt((2.0 * m - 1) / (2.0 * m));
        }
        String[][] y = new String[lmax + 1][];
        double c = normalization == Normalization.INTEGRAL ? 1 / Math.sqrt(4 * Math.PI) : 1;
        for (int l = 0; l <= lmax; l++) {
            y[l] = new String[2 * l + 1];
        }
        for (int m = 0; m <= lmax; m++) {
            for (int l = m; l <= lmax; l++) {
                double f = c * (m == 0 ? 1 : Math.sqrt(2)) * (normalization == Normalization.NORM ? 1 : Math.sqrt(2.0 * l + 1));
                String g;
                if (l == m) {
                    f *= diag[m];
                    g = null;
                } else if (l == m + 1) {
                    g = "g" + l + "_" + m;
                    body.add(g + " = y * " + ScriptKernel.literal(Math.sqrt(2.0 * m + 1) * diag[m]));
                } else {
                    double d = Math.sqrt((double) (l - m) * (l + m));
                    String prev1 = l - 1 == m ? null : "g" + (l - 1) + "_" + m;
                    String prev2 = l - 2 == m ? null : "g" + (l - 2) + "_" + m;
                    g = "g" + l + "_" + m;
                    String t1 = "y * " + (prev1 == null ? ScriptKernel.literal((2.0 * l - 1) / d * diag[m])
                            : prev1 + " * " + ScriptKernel.literal((2.0 * l - 1) / d));
                    double bcoef = Math.sqrt((double) (l + m - 1) * (l - m - 1)) / d;
                    String t2 = "r2 * " + (prev2 == null ? ScriptKernel.literal(bcoef * diag[m])
                            : prev2 + " * " + ScriptKernel.literal(bcoef));
                    body.add(g + " = " + t1 + " - " + t2);
                }
                String lit = ScriptKernel.literal(f);
                if (m == 0) {
                    y[l][l] = g == null ? "torch.full_like(x, " + lit + ")" : g + " * " + lit;
                } else {
                    String gf = g == null ? lit : g + " * " + lit;
                    y[l][l + m] = "a" + m + " * " + gf;
                    y[l][l - m] = "b" + m + " * " + gf;
                }
            }
        }
        List<String> comps = new ArrayList<>();
        for (MulIrrep e : irreps.list()) {
            int l = e.irrep().l();
            for (int u = 0; u < e.mul(); u++) {
                for (int k = 0; k <= 2 * l; k++) {
                    comps.add(y[l][k]);
                }
            }
        }
        body.add("return torch.stack([" + String.join(", ", comps) + "], 1)");
        StringBuilder s = new StringBuilder("def sh(self, v: Tensor) -> Tensor:\n");
        for (String line : body) {
            s.append("  ").append(line).append('\n');
        }
        return s.toString();
    }
}
