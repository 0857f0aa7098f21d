package org.equivariant4j.nn.o3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.equivariant4j.harmonics.Wigner3j;
import org.equivariant4j.nn.ops.EinsumPlan;
import org.equivariant4j.nn.ops.ScriptKernel;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.o3.ConnectionMode;
import org.equivariant4j.o3.TensorProductSpec;

/**
 * The {@link TensorProductRoute#DENSE} route: e3nn's formulation, one einsum per path over the weights, the full
 * (2l1+1)×(2l2+1)×(2l3+1) Wigner 3j block and both inputs, with e3nn's special cases (a degree-0 input or output
 * replaces the 3j block by a scaled identity). Weighted uvw paths that differ only in an input-1 entry of the same irrep
 * run as one einsum over the entries side by side (their weights stacked, {@link #groups}): the same sum, fewer and
 * larger contractions (SEGNN's message input [h_i, h_j, e_ij] has each irrep two or three times). Each einsum runs as the cheapest sequence of pairwise contractions
 * ({@link EinsumPlan}, as {@code opt_einsum} orders e3nn's), paths into the same output entry are summed, and the
 * entries are concatenated. It handles every {@link TensorProductSpec}: the reference the other routes are tested
 * against, and the baseline they are timed against.
 *
 * <p>Method {@code tp(x1 [Z, dim1], x2 [Z, dim2], w, constants…) -> [Z, dim_out]} with w the flat weights [numel]
 * (shared), [Z, numel] (per sample) or any array when the spec has no weights. Constants: the 3j blocks used, then the
 * pair indices (u, v), u &lt; v, of the u&lt;v modes.
 */
final class DenseProductScript {
    /** Nominal batch size for choosing contraction orders (only the order depends on it). */
    private static final long NOMINAL_BATCH = 1024;

    private DenseProductScript() {}

    /** The kernel of a spec; memoised by the caller. */
    static ScriptKernel kernel(TensorProductSpec spec, boolean perSample) {
        List<int[]> blocks = new ArrayList<>();   // (l1, l2, l3) of the 3j blocks used
        List<Integer> pairMuls = new ArrayList<>(); // multiplicities whose u < v pairs are used
        String source = source(spec, perSample, blocks, pairMuls);
        return new ScriptKernel("TensorProduct dense " + spec, source, (m, dt) -> constants(m, dt, blocks, pairMuls));
    }

    private static NDList constants(NDManager m, DataType dt, List<int[]> blocks, List<Integer> pairMuls) {
        NDList out = new NDList();
        for (int[] l : blocks) {
            double[][][] c = Wigner3j.of(l[0], l[1], l[2]);
            int d1 = c.length, d2 = c[0].length, d3 = c[0][0].length;
            double[] flat = new double[d1 * d2 * d3];
            for (int i = 0; i < d1; i++) {
                for (int j = 0; j < d2; j++) {
                    System.arraycopy(c[i][j], 0, flat, (i * d2 + j) * d3, d3);
                }
            }
            out.add(Tensors.fromFlat(m, flat, new Shape(d1, d2, d3), dt));
        }
        for (int mul : pairMuls) {
            int q = mul * (mul - 1) / 2;
            long[] idx = new long[2 * q];
            int n = 0;
            for (int u = 0; u < mul; u++) {
                for (int v = u + 1; v < mul; v++) {
                    idx[n] = u;
                    idx[q + n] = v;
                    n++;
                }
            }
            NDArray a = m.create(idx, new Shape(2, q));
            out.add(a.duplicate()); // natively owned
            a.close();
        }
        return out;
    }

    private static String source(TensorProductSpec spec, boolean perSample, List<int[]> blocks, List<Integer> pairMuls) {
        List<String> body = new ArrayList<>();
        body.add("z = x1.size(0)");
        // split (not slice) the inputs: a split's backward is one concatenation, each slice's fills a zero tensor
        body.add("xe = torch.split_with_sizes(x1, [" + ProductSource.entryDims(spec.in1()) + "], 1)");
        body.add("ye = torch.split_with_sizes(x2, [" + ProductSource.entryDims(spec.in2()) + "], 1)");
        if (spec.hasWeights()) {
            body.add("we = torch.split_with_sizes(w, [" + ProductSource.weightCounts(spec) + "], -1)");
        }
        Map<String, Integer> blockIndex = new LinkedHashMap<>();
        Map<Integer, Integer> pairIndex = new LinkedHashMap<>();
        Map<Integer, List<String>> outputs = new HashMap<>();
        List<String> params = new ArrayList<>();
        int t = 0;
        for (List<TensorProductSpec.Path> group : groups(spec)) {
            TensorProductSpec.Path p = group.get(0);
            int a = p.instruction().in1();
            int b = p.instruction().in2();
            int m1 = 0;
            for (TensorProductSpec.Path q : group) {
                m1 += q.in1().mul();
            }
            int m2 = p.in2().mul(), m3 = p.out().mul();
            int l1 = p.in1().irrep().l(), l2 = p.in2().irrep().l(), l3 = p.out().irrep().l();
            int d1 = 2 * l1 + 1, d2 = 2 * l2 + 1, d3 = 2 * l3 + 1;
            String x2v = "b" + b;
            String x2Def = x2v + " = ye[" + b + "].reshape(z, " + m2 + ", " + d2 + ")";
            String x1v;
            if (group.size() == 1) {
                x1v = "a" + a;
                String x1Def = x1v + " = xe[" + a + "].reshape(z, " + m1 + ", " + d1 + ")";
                if (!body.contains(x1Def)) {
                    body.add(x1Def);
                }
            } else {
                // the input-1 entries of the merged paths side by side: one copy u axis of all their copies
                x1v = "m" + t;
                List<String> pieces = new ArrayList<>();
                for (TensorProductSpec.Path q : group) {
                    pieces.add("xe[" + q.instruction().in1() + "].reshape(z, " + q.in1().mul() + ", " + d1 + ")");
                }
                body.add(x1v + " = torch.cat([" + String.join(", ", pieces) + "], 1)");
            }
            if (!body.contains(x2Def)) {
                body.add(x2Def);
            }
            ConnectionMode mode = p.mode();
            String wSub;
            String x1Sub = "zui";
            String x2Sub = "zvj";
            String outSub;
            switch (mode) {
                case UVW -> { wSub = "uvw"; outSub = "zwk"; }
                case UVU -> { wSub = "uv"; outSub = "zuk"; }
                case UVV -> { wSub = "uv"; outSub = "zvk"; }
                case UUW -> { wSub = "uw"; x2Sub = "zuj"; outSub = p.instruction().hasWeight() ? "zwk" : "zk"; }
                case UUU -> { wSub = "u"; x2Sub = "zuj"; outSub = "zuk"; }
                case UVUV -> { wSub = "uv"; outSub = "zuvk"; }
                case UVU_LT_V -> { wSub = "q"; x1Sub = "zqi"; x2Sub = "zqj"; outSub = "zqk"; }
                case U_LT_VW -> { wSub = "qw"; x1Sub = "zqi"; x2Sub = "zqj"; outSub = "zwk"; }
                default -> throw new IllegalStateException("unknown mode " + mode);
            }
            if (mode == ConnectionMode.UVU_LT_V || mode == ConnectionMode.U_LT_VW) {
                int idx = pairIndex.computeIfAbsent(m1, k -> pairIndex.size());
                String pairs = "pairs" + idx;
                String g1 = "g" + t;
                String g2 = "h" + t;
                body.add(g1 + " = " + x1v + "[:, " + pairs + "[0]]");
                body.add(g2 + " = " + x2v + "[:, " + pairs + "[1]]");
                x1v = g1;
                x2v = g2;
            }
            List<String> names = new ArrayList<>();
            List<String> subs = new ArrayList<>();
            if (p.instruction().hasWeight()) {
                String wv = "w" + t;
                if (group.size() == 1) {
                    body.add(wv + " = we[" + p.index() + "].reshape(" + (perSample ? "z, " : "") + join(p.weightShape()) + ")");
                } else {
                    // the merged paths' weights stacked along u, each scaled to the first path's coefficient
                    List<String> stacked = new ArrayList<>();
                    for (TensorProductSpec.Path q : group) {
                        String block = "we[" + q.index() + "].reshape(" + (perSample ? "z, " : "") + join(q.weightShape()) + ")";
                        double ratio = q.coefficient() / p.coefficient();
                        stacked.add(ratio == 1 ? block : block + " * " + ScriptKernel.literal(ratio));
                    }
                    body.add(wv + " = torch.cat([" + String.join(", ", stacked) + "], " + (perSample ? 1 : 0) + ")");
                }
                names.add(wv);
                subs.add((perSample ? "z" : "") + wSub);
            }
            double scale = p.coefficient();
            String cSub = "ijk";
            // e3nn's special cases: C(0,l,l) = δ_jk/√(2l+1), C(l,0,l) = δ_ik/√(2l+1), C(l,l,0) = δ_ij/√(2l+1)
            if (l1 == 0 || l2 == 0) {
                if (l1 == 0) {
                    x1Sub = x1Sub.replace("i", "");
                    x1v = x1v + ".reshape(z, -1)";
                } else {
                    x2Sub = x2Sub.replace("j", "");
                    x2v = x2v + ".reshape(z, -1)";
                }
                outSub = outSub.replace('k', l1 == 0 ? 'j' : 'i');
                cSub = null;
                scale /= Math.sqrt(d3);
            } else if (l3 == 0) {
                x2Sub = x2Sub.replace('j', 'i');
                outSub = outSub.replace("k", "");
                cSub = null;
                scale /= Math.sqrt(d1);
            }
            if (cSub != null) {
                String key = l1 + "," + l2 + "," + l3;
                Integer bi = blockIndex.get(key);
                if (bi == null) {
                    bi = blockIndex.size();
                    blockIndex.put(key, bi);
                    blocks.add(new int[] {l1, l2, l3});
                }
                names.add("cg" + bi);
                subs.add(cSub);
            }
            names.add(x1v);
            subs.add(x1Sub);
            names.add(x2v);
            subs.add(x2Sub);
            Map<Character, Long> sizes = new HashMap<>();
            sizes.put('z', NOMINAL_BATCH);
            sizes.put('u', (long) m1);
            sizes.put('v', (long) m2);
            sizes.put('w', (long) m3);
            sizes.put('q', (long) m1 * (m1 - 1) / 2);
            sizes.put('i', (long) d1);
            sizes.put('j', (long) d2);
            sizes.put('k', (long) d3);
            String r = "r" + t;
            EinsumPlan plan = EinsumPlan.of(names, subs, outSub, sizes, r, "t" + t + "_");
            body.addAll(plan.lines());
            body.add(r + " = (" + r + " * " + ScriptKernel.literal(scale) + ").reshape(z, " + p.out().dim() + ")");
            outputs.computeIfAbsent(p.instruction().out(), k -> new ArrayList<>()).add(r);
            t++;
        }
        List<String> parts = new ArrayList<>();
        for (int c = 0; c < spec.out().size(); c++) {
            List<String> rs = outputs.get(c);
            if (rs == null) {
                parts.add("x1.new_zeros([z, " + spec.out().get(c).dim() + "])");
            } else {
                parts.add(String.join(" + ", rs));
            }
        }
        if (parts.isEmpty()) {
            body.add("return x1.new_zeros([z, 0])");
        } else {
            body.add("return torch.cat([" + String.join(", ", parts) + "], 1)");
        }
        for (int i = 0; i < blockIndex.size(); i++) {
            params.add("cg" + i + ": Tensor");
        }
        for (int i = 0; i < pairIndex.size(); i++) {
            params.add("pairs" + i + ": Tensor");
        }
        pairMuls.addAll(pairIndex.keySet());
        StringBuilder s = new StringBuilder("def tp(self, x1: Tensor, x2: Tensor, w: Tensor");
        for (String q : params) {
            s.append(", ").append(q);
        }
        s.append(") -> Tensor:\n");
        for (String line : body) {
            s.append("  ").append(line).append('\n');
        }
        return s.toString();
    }

    /**
     * The non-empty paths in order, in groups computed by one einsum: weighted uvw paths that differ only in their
     * input-1 entry, when those entries hold the same irrep (as in a concatenation [h_i, h_j] of features of equal
     * irreps), are merged (their coefficients must be non-zero); every other path is a group of its own.
     */
    static List<List<TensorProductSpec.Path>> groups(TensorProductSpec spec) {
        List<List<TensorProductSpec.Path>> groups = new ArrayList<>();
        Map<List<Object>, List<TensorProductSpec.Path>> byKey = new HashMap<>();
        for (TensorProductSpec.Path p : spec.paths()) {
            if (p.isEmpty()) {
                continue;
            }
            if (p.mode() == ConnectionMode.UVW && p.instruction().hasWeight() && p.coefficient() != 0) {
                List<Object> key = List.of(p.in1().irrep(), p.instruction().in2(), p.instruction().out());
                List<TensorProductSpec.Path> g = byKey.get(key);
                if (g != null) {
                    g.add(p);
                    continue;
                }
                g = new ArrayList<>();
                g.add(p);
                byKey.put(key, g);
                groups.add(g);
            } else {
                groups.add(new ArrayList<>(List.of(p)));
            }
        }
        return groups;
    }

    private static String join(int[] shape) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return s.toString();
    }
}
