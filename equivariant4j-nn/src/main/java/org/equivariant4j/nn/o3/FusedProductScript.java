package org.equivariant4j.nn.o3;

import ai.djl.ndarray.NDArray;
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
 * The {@link TensorProductRoute#FUSED} route, for the products that couple features with spherical harmonics (or any
 * input 2 of multiplicity 1 per entry): every path weighted, all in mode uvw or all in uvu, all input-1 entries of one
 * multiplicity m. Such a product is computed in a fixed handful of engine calls, whatever the number of paths:
 *
 * <pre>
 *   M = x2 · G                        G[(b, j), (a, i), (p, k)] = c_p C_p[i, j, k], only the nonzero 3j entries
 *   T[z, u, (p, k)] = Σ_(a, i) X[z, u, (a, i)] M[z, (a, i), (p, k)]      one batched matmul for all paths
 *   uvu: out_c[z, u, k] = Σ_{p → c} w_p[(z,) u] T[z, u, (p, k)]         one product, one sum per output entry
 *   uvw: out_c[z, w, k] = Σ_{p → c, u} W_p[u, w] T[z, u, (p, k)]         one matmul per output entry
 * </pre>
 * where X is x1 with its entries side by side per copy u, the columns (p, k) are grouped by output entry, and the path
 * coefficients c_p are folded into G. The dense route instead runs one einsum chain per path with the full 3j block.
 *
 * <p>Method {@code tp(x1 [Z, dim1], x2 [Z, dim2], w, G, weight index…) -> [Z, dim_out]}, w as for the dense route.
 */
final class FusedProductScript {
    private FusedProductScript() {}

    /** Why the fused route cannot compute {@code spec}, or null when it can. */
    static String unsupported(TensorProductSpec spec) {
        ConnectionMode mode = null;
        int mul = -1;
        for (TensorProductSpec.Path p : spec.paths()) {
            if (p.isEmpty()) {
                continue;
            }
            if (!p.instruction().hasWeight() || (p.mode() != ConnectionMode.UVW && p.mode() != ConnectionMode.UVU)) {
                return "path " + p.index() + " is " + p.mode() + (p.instruction().hasWeight() ? "" : " without weights")
                        + "; the fused route needs weighted uvw or uvu paths";
            }
            if (mode != null && p.mode() != mode) {
                return "paths mix modes " + mode + " and " + p.mode();
            }
            mode = p.mode();
            if (p.in2().mul() != 1) {
                return "path " + p.index() + " has input-2 multiplicity " + p.in2().mul() + "; the fused route needs 1";
            }
            if (mul >= 0 && p.in1().mul() != mul) {
                return "input-1 multiplicities differ (" + mul + " and " + p.in1().mul() + ")";
            }
            mul = p.in1().mul();
        }
        return mode == null ? "no non-empty path" : null;
    }

    /** The kernel of a supported spec; memoised by the caller. */
    static ScriptKernel kernel(TensorProductSpec spec, boolean perSample) {
        String why = unsupported(spec);
        if (why != null) {
            throw new IllegalArgumentException("the fused route cannot compute " + spec + ": " + why);
        }
        Layout layout = new Layout(spec);
        return new ScriptKernel("TensorProduct fused " + spec, layout.source(perSample), layout::constants);
    }

    /** Column and row bookkeeping shared by the source and the constants. */
    private static final class Layout {
        final TensorProductSpec spec;
        final ConnectionMode mode;
        final int m;
        final List<Integer> used = new ArrayList<>();     // input-1 entries used, ascending
        final int[] rowOffset;                            // per input-1 entry: where its components start in X
        final int rows;                                   // D1
        final List<TensorProductSpec.Path> order = new ArrayList<>(); // non-empty paths grouped by output entry
        final int[] colStart;                             // per path in `order`
        final int[] outStart;                             // per output entry: first column, -1 when unreached
        final int[] outPaths;                             // per output entry: number of paths
        final int cols;                                   // K

        Layout(TensorProductSpec spec) {
            this.spec = spec;
            ConnectionMode md = null;
            int mul = 0;
            for (TensorProductSpec.Path p : spec.paths()) {
                if (!p.isEmpty()) {
                    md = p.mode();
                    mul = p.in1().mul();
                    if (!used.contains(p.instruction().in1())) {
                        used.add(p.instruction().in1());
                    }
                }
            }
            used.sort(null);
            this.mode = md;
            this.m = mul;
            rowOffset = new int[spec.in1().size()];
            int r = 0;
            for (int a : used) {
                rowOffset[a] = r;
                r += spec.in1().get(a).irrep().dim();
            }
            rows = r;
            outStart = new int[spec.out().size()];
            outPaths = new int[spec.out().size()];
            int c0 = 0;
            List<Integer> starts = new ArrayList<>();
            for (int c = 0; c < spec.out().size(); c++) {
                outStart[c] = -1;
                for (TensorProductSpec.Path p : spec.paths()) {
                    if (!p.isEmpty() && p.instruction().out() == c) {
                        if (outStart[c] < 0) {
                            outStart[c] = c0;
                        }
                        order.add(p);
                        starts.add(c0);
                        outPaths[c]++;
                        c0 += p.out().irrep().dim();
                    }
                }
            }
            cols = c0;
            colStart = starts.stream().mapToInt(Integer::intValue).toArray();
        }

        String source(boolean perSample) {
            List<String> body = new ArrayList<>();
            body.add("z = x1.size(0)");
            if (used.size() == 1 && spec.in1().size() == 1) {
                body.add("x = x1.reshape(z, " + m + ", " + rows + ")");
            } else {
                List<String> parts = new ArrayList<>();
                for (int a : used) {
                    parts.add("x1[:, " + spec.in1().offset(a) + ":" + spec.in1().offset(a + 1) + "].reshape(z, " + m + ", "
                            + spec.in1().get(a).irrep().dim() + ")");
                }
                body.add("x = torch.cat([" + String.join(", ", parts) + "], 2)");
            }
            body.add("mm = torch.mm(x2, g).reshape(z, " + rows + ", " + cols + ")");
            body.add("t = torch.bmm(x, mm)");
            List<String> params = new ArrayList<>();
            params.add("g: Tensor");
            if (mode == ConnectionMode.UVU) {
                params.add("widx: Tensor");
                body.add(perSample
                        ? "r = t * w.index_select(1, widx).reshape(z, " + m + ", " + cols + ")"
                        : "r = t * w.index_select(0, widx).reshape(" + m + ", " + cols + ")");
            }
            List<String> outs = new ArrayList<>();
            for (int c = 0; c < spec.out().size(); c++) {
                int d3 = spec.out().get(c).irrep().dim();
                int m3 = spec.out().get(c).mul();
                if (outStart[c] < 0) {
                    outs.add("x1.new_zeros([z, " + spec.out().get(c).dim() + "])");
                    continue;
                }
                int n = outPaths[c];
                String slice = "[:, :, " + outStart[c] + ":" + (outStart[c] + n * d3) + "]";
                String o = "o" + c;
                if (mode == ConnectionMode.UVU) {
                    body.add(o + " = r" + slice + (n == 1 ? "" : ".reshape(z, " + m + ", " + n + ", " + d3 + ").sum(2)")
                            + ".reshape(z, " + m * d3 + ")");
                } else {
                    params.add("widx" + c + ": Tensor");
                    body.add("tc" + c + " = t" + slice + ".reshape(z, " + m + ", " + n + ", " + d3 + ").permute(0, 3, 2, 1)");
                    if (perSample) {
                        body.add(o + " = torch.bmm(tc" + c + ".reshape(z, " + d3 + ", " + n * m + "), w.index_select(1, widx"
                                + c + ").reshape(z, " + n * m + ", " + m3 + ")).transpose(1, 2).reshape(z, " + m3 * d3 + ")");
                    } else {
                        body.add(o + " = torch.mm(tc" + c + ".reshape(z * " + d3 + ", " + n * m + "), w.index_select(0, widx"
                                + c + ").reshape(" + n * m + ", " + m3 + ")).reshape(z, " + d3 + ", " + m3
                                + ").transpose(1, 2).reshape(z, " + m3 * d3 + ")");
                    }
                }
                outs.add(o);
            }
            body.add("return torch.cat([" + String.join(", ", outs) + "], 1)");
            StringBuilder s = new StringBuilder("def tp(self, x1: Tensor, x2: Tensor, w: Tensor");
            for (String p : params) {
                s.append(", ").append(p);
            }
            s.append(") -> Tensor:\n");
            for (String line : body) {
                s.append("  ").append(line).append('\n');
            }
            return s.toString();
        }

        NDList constants(NDManager manager, DataType dt) {
            int dim2 = spec.in2().dim();
            double[] g = new double[dim2 * rows * cols];
            for (int q = 0; q < order.size(); q++) {
                TensorProductSpec.Path p = order.get(q);
                int l1 = p.in1().irrep().l(), l2 = p.in2().irrep().l(), l3 = p.out().irrep().l();
                double[][][] c = Wigner3j.of(l1, l2, l3);
                int b0 = spec.in2().offset(p.instruction().in2());
                int r0 = rowOffset[p.instruction().in1()];
                for (int i = 0; i < c.length; i++) {
                    for (int j = 0; j < c[i].length; j++) {
                        for (int k = 0; k < c[i][j].length; k++) {
                            if (c[i][j][k] != 0) {
                                g[((b0 + j) * rows + r0 + i) * cols + colStart[q] + k] = p.coefficient() * c[i][j][k];
                            }
                        }
                    }
                }
            }
            NDList out = new NDList(Tensors.fromFlat(manager, g, new Shape(dim2, (long) rows * cols), dt));
            if (mode == ConnectionMode.UVU) {
                long[] idx = new long[m * cols];
                for (int q = 0; q < order.size(); q++) {
                    TensorProductSpec.Path p = order.get(q);
                    for (int u = 0; u < m; u++) {
                        for (int k = 0; k < p.out().irrep().dim(); k++) {
                            idx[u * cols + colStart[q] + k] = p.weightOffset() + u;
                        }
                    }
                }
                out.add(owned(manager, idx));
            } else {
                for (int c = 0; c < spec.out().size(); c++) {
                    if (outStart[c] < 0) {
                        continue;
                    }
                    int m3 = spec.out().get(c).mul();
                    long[] idx = new long[outPaths[c] * m * m3];
                    int n = 0;
                    for (TensorProductSpec.Path p : order) {
                        if (p.instruction().out() != c) {
                            continue;
                        }
                        for (int u = 0; u < m; u++) {
                            for (int w = 0; w < m3; w++) {
                                idx[(n * m + u) * m3 + w] = p.weightOffset() + (long) u * m3 + w;
                            }
                        }
                        n++;
                    }
                    out.add(owned(manager, idx));
                }
            }
            return out;
        }
    }

    private static NDArray owned(NDManager manager, long[] values) {
        try (NDArray a = manager.create(values)) {
            return a.duplicate();
        }
    }
}
