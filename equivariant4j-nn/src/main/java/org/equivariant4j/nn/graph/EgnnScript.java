package org.equivariant4j.nn.graph;

import java.util.ArrayList;
import java.util.List;

/**
 * TorchScript source of the whole EGNN forward pass for fully connected batches, for
 * {@link EgnnModel.Path#FUSED}: one engine call per forward instead of a few hundred. All parameters are arguments, in the order of {@link EgnnLayer#SCRIPT_PARAMETERS}
 * per layer after the embedding's weight and bias, so they stay DJL parameters (saved, loaded and
 * optimised by DJL) and receive gradients through the call.
 *
 * <p>Shapes: B graphs of n ≥ 2 nodes, k = n − 1 neighbours, edges in the i-major order of
 * {@link GraphTopology#fullyConnected}, viewed as [B, n, k, ·]; the sender of edge (i, r) is
 * r + [r ≥ i].
 */
final class EgnnScript {
    private EgnnScript() {}

    /** Method {@code forward(x, h0, v, attr, params…)}, returning x' [B·n, 3]. */
    static String source(int layers, int edgeAttributes) {
        boolean attr = edgeAttributes > 0;
        List<String> lines = new ArrayList<>();
        String lp = String.join(", ", layerParams(": Tensor"));
        // sender index of the [B, n, k] edge list: edge (i, r) of a graph comes from node r + [r >= i]
        lines.add("def senders(self, x: Tensor) -> Tensor:");
        lines.add("  n = x.size(1)");
        lines.add("  k = n - 1");
        lines.add("  e = torch.arange(n * k, dtype=4, device=x.device)");
        lines.add("  i = torch.floor_divide(e, k)");
        lines.add("  r = torch.remainder(e, k)");
        lines.add("  return torch.add(r, torch.ge(r, i).to(4))");
        // layer: [h', x']; layer_x: x' only (the last layer: its h' is unused, so it is not computed)
        for (boolean withH : new boolean[] {true, false}) {
            lines.add("def " + (withH ? "layer" : "layer_x") + "(self, h: Tensor, x: Tensor, v: Tensor, "
                    + (attr ? "attr: Tensor, " : "") + "send: Tensor, " + lp + ") -> "
                    + (withH ? "Tuple[Tensor, Tensor]:" : "Tensor:"));
            lines.add("  b = x.size(0)");
            lines.add("  n = x.size(1)");
            lines.add("  k = n - 1");
            lines.add("  hid = h.size(2)");
            lines.add("  diff = torch.sub(torch.unsqueeze(x, 2), torch.index_select(x, 1, send).view([b, n, k, 3]))");
            lines.add("  radial = torch.sum(torch.mul(diff, diff), [3], True)");
            // φ_e's first Linear on [h_i, h_j, r, a] split by input blocks: h parts per node, [r, a] part per edge,
            // that one as addmm onto the gathered node parts
            lines.add("  w = torch.split_with_sizes(e0w, [hid, hid, e0w.size(1) - 2 * hid], 1)");
            lines.add("  pi = torch.unsqueeze(torch.linear(h, w[0], e0b), 2)");
            lines.add("  pij = torch.add(torch.index_select(torch.linear(h, w[1]), 1, send).view([b, n, k, hid]), pi)");
            lines.add("  ra = " + (attr ? "torch.cat([radial, attr], 3)" : "radial"));
            lines.add("  pre = torch.addmm(pij.view([-1, hid]), ra.view([-1, ra.size(3)]), torch.t(w[2])).view([b, n, k, hid])");
            lines.add("  m = torch.silu(torch.linear(torch.silu(pre), e2w, e2b))");
            lines.add("  phix = torch.linear(torch.silu(torch.linear(m, c0w, c0b)), c2w)");
            lines.add("  trans = torch.mul(torch.sum(torch.clamp(torch.mul(diff, phix), -100.0, 100.0), [2]), 1.0 / k)");
            lines.add("  vel = torch.linear(torch.silu(torch.linear(h, v0w, v0b)), v2w, v2b)");
            lines.add("  xn = torch.add(torch.add(x, trans), torch.mul(vel, v))");
            if (withH) {
                lines.add("  agg = torch.sum(m, [2])");
                lines.add("  hn = torch.add(h, torch.linear(torch.silu(torch.linear(torch.cat([h, agg], 2), n0w, n0b)), n2w,"
                        + " n2b))");
                lines.add("  return (hn, xn)");
            } else {
                lines.add("  return xn");
            }
        }
        StringBuilder allParams = new StringBuilder("embw: Tensor, embb: Tensor");
        for (int l = 0; l < layers; l++) {
            for (String p : layerParams(": Tensor")) {
                allParams.append(", ").append(p.replace(":", "_" + l + ":"));
            }
        }
        // general input: h0 [B, n, F], x [B, n, 3], v [B·n, 3], attr [B·n·k, A]
        lines.add("def forward(self, x: Tensor, h0: Tensor, v: Tensor, " + (attr ? "attr: Tensor, " : "") + allParams
                + ") -> Tensor:");
        lines.add("  b = x.size(0)");
        lines.add("  n = x.size(1)");
        lines.add("  k = n - 1");
        lines.add("  send = self.senders(x)");
        lines.add("  h = torch.linear(h0.view([b, n, -1]), embw, embb)");
        lines.add("  v3 = v.view([b, n, 3])");
        if (attr) {
            lines.add("  a = attr.view([b, n, k, -1])");
        }
        layerCalls(lines, layers, attr ? "a, " : "");
        lines.add("  return x.view([b * n, 3])");
        return String.join("\n", lines) + "\n";
    }

    private static void layerCalls(List<String> lines, int layers, String attrArg) {
        for (int l = 0; l < layers; l++) {
            StringBuilder call = new StringBuilder(l < layers - 1 ? "  h, x = self.layer(h, x, v3, " + attrArg + "send"
                    : "  x = self.layer_x(h, x, v3, " + attrArg + "send");
            for (String p : layerParams("")) {
                call.append(", ").append(p).append('_').append(l);
            }
            lines.add(call.append(")").toString());
        }
    }

    private static List<String> layerParams(String suffix) {
        List<String> out = new ArrayList<>();
        for (String p : EgnnLayer.SCRIPT_PARAMETERS) {
            out.add(p + suffix);
        }
        return out;
    }
}
