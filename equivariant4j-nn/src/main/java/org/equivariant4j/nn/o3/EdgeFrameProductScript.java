package org.equivariant4j.nn.o3;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.harmonics.Wigner3j;
import org.equivariant4j.harmonics.WignerD;
import org.equivariant4j.nn.ops.ScriptKernel;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.o3.ConnectionMode;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.TensorProductSpec;

/**
 * The O(L³) route of the product of features with the spherical harmonics of edge vectors (eSCN's idea): rotate every
 * edge to its own frame, where the edge is +y and its harmonics have only the m = 0 component √(2l+1) (component
 * normalisation), so each path reduces to a constant matrix S_p[i, k] = c_p √(2l2+1) C_p[i, l2, k] (nonzero only for
 * |m_i| = |m_k|), then rotate back:
 *
 * <pre>
 *   x'_a = D^{l1}(R)ᵀ x_a,   out'_c = Σ_{p → c} w_p ⊙ (s · x'_a S_p),   out_c = D^{l3}(R) out'_c,   R e_y = r̂
 * </pre>
 * with R = Ry(α) Rx(β), β = acos(ŷ), α = atan2(x̂, ẑ), and D^l(R) = Y_l(α) J_l Y_l(β) J_l (y-rotations Y_l applied
 * elementwise with cos/sin of kα, kβ built from the vector's components, J_l constant). These angles are singular on
 * the y axis, so edges within 45° of it use a second chart: they are first turned by Q = Rx(π/2) (features by D(Q)),
 * framed there, and turned back; the product does not depend on the frame, so values and gradients are exact for
 * every direction. s is a per-edge scale of the harmonics (a smooth cutoff, or 1); a zero vector has zero harmonics
 * above l = 0.
 *
 * <p>For specs with input 2 = {@code Irreps.sphericalHarmonics(L)} and weighted uvu paths with per-sample weights (the
 * point convolution). Method {@code tp(x1 [Z, dim1], r [Z, 3], s [Z], w [Z, numel], J_1…J_L, D(Q)_1…D(Q)_L, S_a…)
 * -> [Z, dim_out]}.
 */
final class EdgeFrameProductScript {
    private static final long CHUNK_BYTES = 4L << 20;

    private EdgeFrameProductScript() {}

    /** Why the route cannot compute {@code spec}, or null. */
    static String unsupported(TensorProductSpec spec) {
        int lmax = -1;
        for (int j = 0; j < spec.in2().size(); j++) {
            lmax = j;
        }
        if (lmax < 0 || !spec.in2().equals(Irreps.sphericalHarmonics(lmax))) {
            return "input 2 must be the spherical harmonics 1x0e+1x1o+... of a vector, got \"" + spec.in2() + "\"";
        }
        boolean any = false;
        for (TensorProductSpec.Path p : spec.paths()) {
            if (p.isEmpty()) {
                continue;
            }
            any = true;
            if (p.mode() != ConnectionMode.UVU || !p.instruction().hasWeight()) {
                return "path " + p.index() + " is " + p.mode() + "; the edge-frame route needs weighted uvu paths";
            }
        }
        return any ? null : "no non-empty path";
    }

    static ScriptKernel kernel(TensorProductSpec spec) {
        String why = unsupported(spec);
        if (why != null) {
            throw new IllegalArgumentException("the edge-frame route cannot compute " + spec + ": " + why);
        }
        Layout layout = new Layout(spec);
        return new ScriptKernel("TensorProduct edge frame " + spec, layout.source(), layout::constants);
    }

    private static final class Layout {
        final TensorProductSpec spec;
        final int lmax;
        final List<Integer> used = new ArrayList<>();
        final List<List<TensorProductSpec.Path>> byInput = new ArrayList<>();
        final int chunk;

        Layout(TensorProductSpec spec) {
            this.spec = spec;
            int l = 0;
            for (int c = 0; c < spec.out().size(); c++) {
                l = Math.max(l, spec.out().get(c).irrep().l());
            }
            for (int a = 0; a < spec.in1().size(); a++) {
                l = Math.max(l, spec.in1().get(a).irrep().l());
                List<TensorProductSpec.Path> list = new ArrayList<>();
                for (TensorProductSpec.Path p : spec.paths()) {
                    if (!p.isEmpty() && p.instruction().in1() == a) {
                        list.add(p);
                    }
                }
                byInput.add(list);
                if (!list.isEmpty()) {
                    used.add(a);
                }
            }
            this.lmax = l;
            long widest = 1;
            for (int a : used) {
                int cols = 0;
                for (TensorProductSpec.Path p : byInput.get(a)) {
                    cols += p.out().irrep().dim();
                }
                widest = Math.max(widest, (long) spec.in1().get(a).mul() * Math.max(cols, spec.in1().get(a).irrep().dim()));
            }
            for (int c = 0; c < spec.out().size(); c++) {
                widest = Math.max(widest, spec.out().get(c).dim());
            }
            chunk = (int) Math.max(1, Math.min(Integer.MAX_VALUE, CHUNK_BYTES / (8 * widest)));
        }

        String source() {
            List<String> params = new ArrayList<>();
            List<String> loop = new ArrayList<>();
            for (int l = 1; l <= lmax; l++) {
                params.add("j" + l + ": Tensor");
            }
            for (int l = 1; l <= lmax; l++) {
                params.add("q" + l + ": Tensor");
            }
            String counts = ProductSource.weightCounts(spec);
            String entries = ProductSource.entryDims(spec.in1());
            List<String> pre = new ArrayList<>();
            pre.add("xs = torch.split(x1, " + chunk + ")");
            pre.add("rs = torch.split(r, " + chunk + ")");
            pre.add("ss = torch.split(s, " + chunk + ")");
            pre.add("wss = torch.split(w, " + chunk + ")");
            loop.add("rv = rs[q]");
            loop.add("n = rv.size(0)");
            loop.add("nr = rv.norm(2.0, [1], True)");
            loop.add("u = rv / torch.clamp_min(nr, 1e-12)");
            // two charts: edges near the y axis are first turned by Q = Rx(π/2) (y → z), so the frame is always built
            // away from its singular axis and its gradients are exact everywhere
            loop.add("chart = u[:, 1:2].abs() > 0.7");
            loop.add("ue = torch.where(chart, torch.cat([u[:, 0:1], -u[:, 2:3], u[:, 1:2]], 1), u)");
            loop.add("chart3 = chart.reshape(n, 1, 1)");
            loop.add("ux = ue[:, 0:1]");
            loop.add("uy = ue[:, 1:2]");
            loop.add("uz = ue[:, 2:3]");
            loop.add("nonzero = (nr > 0).to(u.dtype)");
            loop.add("nz = nonzero.reshape(n, 1, 1)");
            // off the y axis the frame's azimuth is atan2(x, z); on it (and for the zero vector) it is 0
            loop.add("rho2 = ux * ux + uz * uz");
            loop.add("off = rho2 > 1e-24");
            loop.add("rho = torch.sqrt(torch.where(off, rho2, torch.ones_like(rho2)))");
            loop.add("ca1 = torch.where(off, uz / rho, torch.ones_like(rho))");
            loop.add("sa1 = torch.where(off, ux / rho, torch.zeros_like(rho))");
            loop.add("cb1 = uy + (1.0 - nonzero)");
            loop.add("sb1 = torch.where(off, rho, torch.zeros_like(rho))");
            for (int k = 2; k <= lmax; k++) {
                for (String t : new String[] {"a", "b"}) {
                    loop.add("c" + t + k + " = c" + t + (k - 1) + " * c" + t + "1 - s" + t + (k - 1) + " * s" + t + "1");
                    loop.add("s" + t + k + " = s" + t + (k - 1) + " * c" + t + "1 + c" + t + (k - 1) + " * s" + t + "1");
                }
            }
            loop.add("one = torch.ones_like(uy)");
            loop.add("zero = torch.zeros_like(uy)");
            // per degree: cos/sin vectors over the components i = 0..2l of (l − i)φ, shaped [n, 1, 2l+1]
            for (int l = 1; l <= lmax; l++) {
                for (String t : new String[] {"a", "b"}) {
                    List<String> cs = new ArrayList<>();
                    List<String> sn = new ArrayList<>();
                    for (int i = 0; i <= 2 * l; i++) {
                        int k = l - i;
                        cs.add(k == 0 ? "one" : "c" + t + Math.abs(k));
                        sn.add(k == 0 ? "zero" : k > 0 ? "s" + t + k : "-s" + t + (-k));
                    }
                    loop.add("C" + t + l + " = torch.cat([" + String.join(", ", cs) + "], 1).reshape(n, 1, " + (2 * l + 1) + ")");
                    loop.add("S" + t + l + " = torch.cat([" + String.join(", ", sn) + "], 1).reshape(n, 1, " + (2 * l + 1) + ")");
                }
            }
            loop.add("xe = torch.split_with_sizes(xs[q], [" + entries + "], 1)");
            loop.add("wb = torch.split_with_sizes(wss[q], [" + counts + "], 1)");
            loop.add("sc = ss[q].reshape(n, 1, 1)");
            String[] outTerm = new String[spec.out().size()];
            for (int a : used) {
                int l1 = spec.in1().get(a).irrep().l();
                int d1 = 2 * l1 + 1;
                int m = spec.in1().get(a).mul();
                String v = "xe[" + a + "].reshape(n, " + m + ", " + d1 + ")";
                String xr = "xr" + a;
                if (l1 == 0) {
                    loop.add(xr + " = " + v);
                } else {
                    // chart 2: v ← D(Q) v; then D(R')ᵀ v = J Y(−β) J Y(−α) v
                    loop.add(xr + " = torch.where(chart3, torch.matmul(" + v + ", q" + l1 + ".t()), " + v + ")");
                    loop.add(xr + " = " + xr + " * Ca" + l1 + " - " + xr + ".flip([2]) * Sa" + l1);
                    loop.add(xr + " = torch.matmul(" + xr + ", j" + l1 + ")");
                    loop.add(xr + " = " + xr + " * Cb" + l1 + " - " + xr + ".flip([2]) * Sb" + l1);
                    loop.add(xr + " = torch.matmul(" + xr + ", j" + l1 + ")");
                }
                List<TensorProductSpec.Path> list = byInput.get(a);
                int cols = 0;
                StringBuilder widths = new StringBuilder();
                for (TensorProductSpec.Path p : list) {
                    cols += p.out().irrep().dim();
                    widths.append(widths.length() == 0 ? "" : ", ").append(p.out().irrep().dim());
                }
                params.add("f" + a + ": Tensor");
                loop.add("t" + a + " = torch.split_with_sizes(torch.mm(" + xr + ".reshape(n * " + m + ", " + d1 + "), f" + a
                        + ").reshape(n, " + m + ", " + cols + ") * sc, [" + widths + "], 2)");
                for (int k = 0; k < list.size(); k++) {
                    TensorProductSpec.Path p = list.get(k);
                    String term = "t" + a + "[" + k + "] * wb[" + p.index() + "].reshape(n, " + m + ", 1)"
                            + (p.in2().irrep().l() > 0 ? " * nz" : "");
                    int c = p.instruction().out();
                    outTerm[c] = outTerm[c] == null ? term : outTerm[c] + " + " + term;
                }
            }
            List<String> outs = new ArrayList<>();
            for (int c = 0; c < spec.out().size(); c++) {
                int l3 = spec.out().get(c).irrep().l();
                if (outTerm[c] == null) {
                    outs.add("rv.new_zeros([n, " + spec.out().get(c).dim() + "])");
                    continue;
                }
                String o = "o" + c;
                loop.add(o + " = " + outTerm[c]);
                if (l3 > 0) {
                    // D v = Y(α) J Y(β) J v
                    loop.add(o + " = torch.matmul(" + o + ", j" + l3 + ")");
                    loop.add(o + " = " + o + " * Cb" + l3 + " + " + o + ".flip([2]) * Sb" + l3);
                    loop.add(o + " = torch.matmul(" + o + ", j" + l3 + ")");
                    loop.add(o + " = " + o + " * Ca" + l3 + " + " + o + ".flip([2]) * Sa" + l3);
                    loop.add(o + " = torch.where(chart3, torch.matmul(" + o + ", q" + l3 + "), " + o + ")");
                }
                outs.add(o + ".reshape(n, " + spec.out().get(c).dim() + ")");
            }
            loop.add("pieces.append(torch.cat([" + String.join(", ", outs) + "], 1))");
            StringBuilder signature = new StringBuilder("tp(self, x1: Tensor, r: Tensor, s: Tensor, w: Tensor");
            for (String p : params) {
                signature.append(", ").append(p);
            }
            return ProductSource.chunked(signature.append(") -> Tensor").toString(), pre, loop);
        }

        NDList constants(NDManager manager, DataType dt) {
            NDList out = new NDList();
            for (int l = 1; l <= lmax; l++) {
                out.add(Tensors.fromMatrix(manager, WignerD.j(l), dt));
            }
            for (int l = 1; l <= lmax; l++) {
                out.add(Tensors.fromMatrix(manager, WignerD.matrix(l, 0, Math.PI / 2, 0), dt)); // D(Rx(π/2))
            }
            for (int a : used) {
                List<TensorProductSpec.Path> list = byInput.get(a);
                int d1 = spec.in1().get(a).irrep().dim();
                int cols = 0;
                for (TensorProductSpec.Path p : list) {
                    cols += p.out().irrep().dim();
                }
                double[] f = new double[d1 * cols];
                int col0 = 0;
                for (TensorProductSpec.Path p : list) {
                    int l2 = p.in2().irrep().l();
                    double[][][] cg = Wigner3j.of(p.in1().irrep().l(), l2, p.out().irrep().l());
                    double scale = p.coefficient() * Math.sqrt(2 * l2 + 1);
                    for (int i = 0; i < d1; i++) {
                        for (int k = 0; k < p.out().irrep().dim(); k++) {
                            f[i * cols + col0 + k] = scale * cg[i][l2][k];
                        }
                    }
                    col0 += p.out().irrep().dim();
                }
                out.add(Tensors.fromFlat(manager, f, new Shape(d1, cols), dt));
            }
            return out;
        }
    }
}
