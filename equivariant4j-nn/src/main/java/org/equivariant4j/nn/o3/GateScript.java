package org.equivariant4j.nn.o3;

import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.nn.ops.ScriptKernel;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.MulIrrep;

/**
 * The {@link Gate} as one generated TorchScript function: the input is split into its sorted entries (views), the
 * scalars and gates pass through their normalised activations, and every gated entry [z, mul, 2l+1] is multiplied by its
 * gates [z, mul, 1] by broadcasting; the pieces are concatenated once. Methods {@code gate(x [Z, in]) -> [Z, out]} and
 * {@code gate_shift(x, shift [in])}, which adds {@code shift} (e.g. the biases of the layer before) first.
 */
final class GateScript {
    private GateScript() {}

    /** The description the kernel is generated from (a memo key). */
    record Spec(Irreps scalars, List<Activation> scalarActivations, Irreps gates, List<Activation> gateActivations,
            Irreps gated) {
        Spec {
            scalarActivations = List.copyOf(scalarActivations);
            gateActivations = List.copyOf(gateActivations);
        }
    }

    static ScriptKernel kernel(Spec spec) {
        return new ScriptKernel("Gate " + spec.scalars() + " | " + spec.gates() + " | " + spec.gated(), source(spec),
                (m, dt) -> new NDList());
    }

    static String source(Spec g) {
        Irreps s = g.scalars().simplify();
        Irreps t = g.gates().simplify();
        Irreps v = g.gated().simplify();
        Irreps parts = s.plus(t).plus(v);
        Irreps.Sorted sorted = parts.sort();
        int[] p = sorted.p();
        List<String> body = new ArrayList<>();
        body.add("z = x.size(0)");
        body.add("p = torch.split_with_sizes(x, [" + dims(sorted.irreps()) + "], 1)");
        List<String> out = new ArrayList<>();
        if (s.dim() > 0) {
            body.add("s = " + cat(pieces(p, 0, s.size())));
            body.add("sa = " + activate("s", g.scalars(), g.scalarActivations(), body, "sp"));
            out.add("sa");
        }
        if (v.dim() > 0) {
            body.add("t = " + cat(pieces(p, s.size(), t.size())));
            body.add("ta = " + activate("t", g.gates(), g.gateActivations(), body, "tp"));
            int off = 0;
            for (int k = 0; k < v.size(); k++) {
                MulIrrep e = v.get(k);
                String piece = "p[" + p[s.size() + t.size() + k] + "]";
                String gate = "ta[:, " + off + ":" + (off + e.mul()) + "]";
                if (e.irrep().dim() == 1) {
                    body.add("v" + k + " = " + piece + " * " + gate);
                } else {
                    body.add("v" + k + " = (" + piece + ".reshape(z, " + e.mul() + ", " + e.irrep().dim() + ") * " + gate
                            + ".unsqueeze(2)).reshape(z, " + e.dim() + ")");
                }
                out.add("v" + k);
                off += e.mul();
            }
        }
        String ret = out.isEmpty() ? "x.new_zeros([z, 0])" : cat(out);
        StringBuilder src = new StringBuilder();
        src.append("def gate(self, x: Tensor) -> Tensor:\n");
        for (String line : body) {
            src.append("  ").append(line).append('\n');
        }
        src.append("  return ").append(ret).append('\n');
        src.append("def gate_shift(self, x: Tensor, shift: Tensor) -> Tensor:\n");
        src.append("  return self.gate(x + shift)\n");
        return src.toString();
    }

    private static List<String> pieces(int[] p, int from, int count) {
        List<String> list = new ArrayList<>();
        for (int k = from; k < from + count; k++) {
            list.add("p[" + p[k] + "]");
        }
        return list;
    }

    private static String cat(List<String> pieces) {
        return pieces.size() == 1 ? pieces.get(0) : "torch.cat([" + String.join(", ", pieces) + "], 1)";
    }

    /** The activated block {@code x} of entries {@code irreps} (one activation per entry), as an expression. */
    private static String activate(String x, Irreps irreps, List<Activation> acts, List<String> body, String prefix) {
        if (acts.stream().distinct().count() == 1) {
            return normalized(acts.get(0), x);
        }
        int[] sizes = new int[irreps.size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = irreps.get(i).dim();
        }
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < sizes.length; i++) {
            d.append(i == 0 ? "" : ", ").append(sizes[i]);
        }
        body.add(prefix + " = torch.split_with_sizes(" + x + ", [" + d + "], 1)");
        List<String> list = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            String v = prefix + i;
            body.add(v + " = " + prefix + "[" + i + "]");
            list.add(normalized(acts.get(i), v));
        }
        return cat(list);
    }

    private static String normalized(Activation a, String x) {
        double c = a.constant();
        return c == 1 ? a.script(x) : "(" + a.script(x) + ") * " + ScriptKernel.literal(c);
    }

    private static String dims(Irreps irreps) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < irreps.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(irreps.get(i).dim());
        }
        return s.toString();
    }
}
