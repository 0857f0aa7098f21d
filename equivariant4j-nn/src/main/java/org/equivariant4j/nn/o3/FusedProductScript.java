package org.equivariant4j.nn.o3;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.harmonics.Wigner3j;
import org.equivariant4j.nn.ops.ScriptKernel;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.o3.ConnectionMode;
import org.equivariant4j.o3.TensorProductSpec;

/**
 * The {@link TensorProductRoute#FUSED} route, for the fully connected products of features with spherical harmonics
 * (or any input 2 of multiplicity 1 per entry): every path weighted uvw, the input-1 entries of one multiplicity m.
 * The Clebsch–Gordan coefficients enter through one constant matrix per output entry that holds only the nonzero 3j
 * entries of its paths (times the path coefficients c_p), so each output entry costs three matrix products, whatever
 * its number of paths:
 *
 * <pre>
 *   M[z, (k, p), (a, i)] = Σ_j x2[z, j] G_c[j, (k, p, a, i)]          G_c[(b, j), (k, p, a, i)] = c_p C_p[i, j, k]
 *   T[z, (k, p), u]      = Σ_(a,i) M[z, (k, p), (a, i)] x1[z, (a, i), u]   one batched matmul for all paths into c
 *   out_c[z, w, k]       = Σ_(p,u) T[z, (k, p), u] W[(p, u), w]         one matmul with the paths' weights stacked
 * </pre>
 * The dense route instead runs one einsum chain with the full 3j block per path. Inputs and weights are split (never
 * sliced: the backward of a split is one concatenation, a slice's backward fills a zero tensor of the whole input per
 * slice), and the batch is processed in chunks so that no intermediate reaches 32 MB. (The same scheme for uvu paths,
 * per input entry, measured no faster than the dense route, so uvu products take the dense route.)
 *
 * <p>Method {@code tp(x1 [Z, dim1], x2 [Z, dim2], w, G…) -> [Z, dim_out]}, w as for the dense route.
 */
final class FusedProductScript {
    /**
     * The batch is processed in chunks whose largest intermediate stays below this many bytes in float64 (half in
     * float32): tensors above 32 MB come from fresh pages on every allocation with glibc's allocator, which cost more
     * than the arithmetic; much smaller chunks measured slower (more engine calls).
     */
    private static final long CHUNK_BYTES = 24L << 20;

    private FusedProductScript() {}

    /** Why the fused route cannot compute {@code spec}, or null when it can. */
    static String unsupported(TensorProductSpec spec) {
        boolean any = false;
        int mul = -1;
        for (TensorProductSpec.Path p : spec.paths()) {
            if (p.isEmpty()) {
                continue;
            }
            if (!p.instruction().hasWeight() || p.mode() != ConnectionMode.UVW) {
                return "path " + p.index() + " is " + p.mode() + (p.instruction().hasWeight() ? "" : " without weights")
                        + "; the fused route needs weighted uvw paths";
            }
            any = true;
            if (p.in2().mul() != 1) {
                return "path " + p.index() + " has input-2 multiplicity " + p.in2().mul() + "; the fused route needs 1";
            }
            if (mul >= 0 && p.in1().mul() != mul) {
                return "input-1 multiplicities differ (" + mul + " and " + p.in1().mul() + "); fused uvw needs one";
            }
            mul = p.in1().mul();
        }
        return any ? null : "no non-empty path";
    }

    /**
     * The kernel of a supported spec, in chunks of {@code chunkRows} samples (0: chosen from the sizes); memoised by the
     * caller.
     */
    static ScriptKernel kernel(TensorProductSpec spec, boolean perSample, int chunkRows) {
        String why = unsupported(spec);
        if (why != null) {
            throw new IllegalArgumentException("the fused route cannot compute " + spec + ": " + why);
        }
        Layout layout = new Layout(spec, chunkRows);
        return new ScriptKernel("TensorProduct fused " + spec, layout.source(perSample), layout::constants);
    }

    /** Which paths go where, shared by the source and the constants. */
    private static final class Layout {
        final TensorProductSpec spec;
        final int m;
        final List<Integer> used = new ArrayList<>();     // input-1 entries used, ascending
        final int[] rowOffset;                            // per input-1 entry, where its components start
        final int rows;                                   // Σ (2l+1) over the used input-1 entries
        final List<List<TensorProductSpec.Path>> byOutput = new ArrayList<>(); // non-empty paths per output entry
        final int chunk;                                  // batch rows per chunk

        Layout(TensorProductSpec spec, int chunkRows) {
            this.spec = spec;
            int mul = 0;
            for (TensorProductSpec.Path p : spec.paths()) {
                if (!p.isEmpty()) {
                    mul = p.in1().mul();
                    if (!used.contains(p.instruction().in1())) {
                        used.add(p.instruction().in1());
                    }
                }
            }
            used.sort(null);
            this.m = mul;
            rowOffset = new int[spec.in1().size()];
            int r = 0;
            for (int a : used) {
                rowOffset[a] = r;
                r += spec.in1().get(a).irrep().dim();
            }
            rows = r;
            for (int c = 0; c < spec.out().size(); c++) {
                List<TensorProductSpec.Path> list = new ArrayList<>();
                for (TensorProductSpec.Path p : spec.paths()) {
                    if (!p.isEmpty() && p.instruction().out() == c) {
                        list.add(p);
                    }
                }
                byOutput.add(list);
            }
            long widest = 1; // floats per sample of the largest intermediate
            for (int c = 0; c < spec.out().size(); c++) {
                widest = Math.max(widest, (long) byOutput.get(c).size() * spec.out().get(c).irrep().dim() * Math.max(m, rows));
            }
            chunk = chunkRows > 0 ? chunkRows : (int) Math.max(1, Math.min(Integer.MAX_VALUE, CHUNK_BYTES / (8 * widest)));
        }

        String source(boolean perSample) {
            List<String> params = new ArrayList<>();
            List<String> pre = new ArrayList<>();
            List<String> loop = new ArrayList<>();
            String counts = ProductSource.weightCounts(spec);
            String entries = ProductSource.entryDims(spec.in1());
            pre.add("xs = torch.split(x1, " + chunk + ")");
            pre.add("ys = torch.split(x2, " + chunk + ")");
            if (perSample) {
                pre.add("wss = torch.split(w, " + chunk + ")");
            } else {
                pre.add("wb = torch.split_with_sizes(w, [" + counts + "])");
            }
            loop.add("xb = ys[q]");
            loop.add("n = xb.size(0)");
            loop.add("xe = torch.split_with_sizes(xs[q], [" + entries + "], 1)");
            if (perSample) {
                loop.add("wb = torch.split_with_sizes(wss[q], [" + counts + "], 1)");
            }
            List<String> outs = uvw(perSample, params, pre, loop);
            loop.add("pieces.append(torch.cat([" + String.join(", ", outs) + "], 1))");
            return ProductSource.chunked("tp(self, x1: Tensor, x2: Tensor, w: Tensor" + params(params) + ") -> Tensor", pre,
                    loop);
        }

        private static String params(List<String> params) {
            StringBuilder s = new StringBuilder();
            for (String p : params) {
                s.append(", ").append(p);
            }
            return s.toString();
        }

        private List<String> uvw(boolean perSample, List<String> params, List<String> pre, List<String> loop) {
            List<String> parts = new ArrayList<>();
            for (int a : used) {
                parts.add("xe[" + a + "].reshape(n, " + m + ", " + spec.in1().get(a).irrep().dim() + ").transpose(1, 2)");
            }
            loop.add("xt = " + (parts.size() == 1 ? parts.get(0) : "torch.cat([" + String.join(", ", parts) + "], 1)"));
            List<String> outs = new ArrayList<>();
            for (int c = 0; c < spec.out().size(); c++) {
                List<TensorProductSpec.Path> list = byOutput.get(c);
                int d3 = spec.out().get(c).irrep().dim();
                int m3 = spec.out().get(c).mul();
                if (list.isEmpty()) {
                    outs.add("xb.new_zeros([n, " + spec.out().get(c).dim() + "])");
                    continue;
                }
                int np = list.size();
                params.add("g" + c + ": Tensor");
                loop.add("t" + c + " = torch.bmm(torch.mm(xb, g" + c + ").reshape(n, " + d3 * np + ", " + rows + "), xt)");
                List<String> blocks = new ArrayList<>();
                for (TensorProductSpec.Path p : list) {
                    blocks.add("wb[" + p.index() + "].reshape(" + (perSample ? "n, " : "") + m + ", " + m3 + ")");
                }
                String wc = blocks.size() == 1 ? blocks.get(0)
                        : "torch.cat([" + String.join(", ", blocks) + "], " + (perSample ? 1 : 0) + ")";
                String o = "o" + c;
                if (perSample) {
                    loop.add(o + " = torch.bmm(t" + c + ".reshape(n, " + d3 + ", " + np * m + "), " + wc
                            + ").transpose(1, 2).reshape(n, " + m3 * d3 + ")");
                } else {
                    pre.add("wc" + c + " = " + wc);
                    loop.add(o + " = torch.mm(t" + c + ".reshape(n * " + d3 + ", " + np * m + "), wc" + c + ").reshape(n, "
                            + d3 + ", " + m3 + ").transpose(1, 2).reshape(n, " + m3 * d3 + ")");
                }
                outs.add(o);
            }
            return outs;
        }

        NDList constants(NDManager manager, DataType dt) {
            return uvwConstants(manager, dt);
        }

        /** Per output entry c: G_c[(b, j), (k, p, a, i)] = c_p C_p[i, j, k]. */
        private NDList uvwConstants(NDManager manager, DataType dt) {
            int dim2 = spec.in2().dim();
            NDList out = new NDList();
            for (int c = 0; c < spec.out().size(); c++) {
                List<TensorProductSpec.Path> list = byOutput.get(c);
                if (list.isEmpty()) {
                    continue;
                }
                int d3 = spec.out().get(c).irrep().dim();
                int np = list.size();
                double[] g = new double[dim2 * d3 * np * rows];
                for (int q = 0; q < np; q++) {
                    TensorProductSpec.Path p = list.get(q);
                    double[][][] cg = cg(p);
                    int b0 = spec.in2().offset(p.instruction().in2());
                    int r0 = rowOffset[p.instruction().in1()];
                    for (int i = 0; i < cg.length; i++) {
                        for (int j = 0; j < cg[i].length; j++) {
                            for (int k = 0; k < d3; k++) {
                                if (cg[i][j][k] != 0) {
                                    g[(b0 + j) * d3 * np * rows + (k * np + q) * rows + r0 + i] = p.coefficient() * cg[i][j][k];
                                }
                            }
                        }
                    }
                }
                out.add(Tensors.fromFlat(manager, g, new Shape(dim2, (long) d3 * np * rows), dt));
            }
            return out;
        }

        private static double[][][] cg(TensorProductSpec.Path p) {
            return Wigner3j.of(p.in1().irrep().l(), p.in2().irrep().l(), p.out().irrep().l());
        }
    }
}
