package org.equivariant4j.nn.lifted;

import java.util.List;
import org.equivariant4j.nn.ops.ScriptKernel;

/**
 * TorchScript sources of the lifted layers, generated from their configuration. Every layer is one method; the blocks
 * compile the methods they need (a block alone, or the whole {@link PonitaModel} forward in one engine call). Learned
 * arrays come in as arguments (they stay DJL parameters), constants (grid matrices) last.
 *
 * <p>Shapes: V nodes, E edges (receiver i, sender j), N grid elements, C channels, B basis functions.
 */
final class LiftedScript {
    private LiftedScript() {}

    /** {@code poly(x)}: the monomials of degrees 1..D of the last axis, [x, x⊗x, x⊗x⊗x, …] flattened (PONITA's order). */
    static String poly(int degree) {
        if (degree < 1) {
            throw new IllegalArgumentException("the polynomial degree must be >= 1, got " + degree);
        }
        StringBuilder s = new StringBuilder("def poly(self, x: Tensor) -> Tensor:\n  p1 = x\n");
        for (int d = 2; d <= degree; d++) {
            s.append("  p").append(d).append(" = torch.flatten(torch.mul(torch.unsqueeze(p").append(d - 1)
                    .append(", -1), torch.unsqueeze(x, -2)), -2, -1)\n");
        }
        s.append("  return torch.cat([");
        for (int d = 1; d <= degree; d++) {
            s.append(d > 1 ? ", " : "").append('p').append(d);
        }
        return s.append("], -1)").toString();
    }

    /** Number of features of {@link #poly} for k inputs: k + k² + … + k^D. */
    static int polyFeatures(int k, int degree) {
        int n = 0;
        int p = 1;
        for (int d = 1; d <= degree; d++) {
            p *= k;
            n += p;
        }
        return n;
    }

    /** {@code embed(x, w1, b1, w2, b2)}: GELU(W2 GELU(W1 poly(x) + b1) + b2). */
    static String embed() {
        return String.join("\n",
                "def embed(self, x: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor) -> Tensor:",
                "  return torch.gelu(torch.linear(torch.gelu(torch.linear(self.poly(x), w1, b1)), w2, b2))");
    }

    /**
     * {@code basis(pos, recv, send, spatial MLP, fibre MLP, g, finv)} → (edge basis [E, N, B], self basis [N, B], fibre
     * basis [N, N, B]). The self basis is the edge basis of r = 0 (every node also sends to itself). With a cutoff
     * r_max > 0 the edge basis is multiplied by the smooth polynomial envelope of DimeNet (p = 6), which vanishes with
     * its first two derivatives at r_max.
     */
    static String basis(double cutoff) {
        String window = cutoff > 0
                ? String.join("\n",
                        "  u = torch.clamp(torch.div(torch.sqrt(torch.add(torch.sum(torch.mul(rel, rel), [1]), 1e-12)), "
                                + ScriptKernel.literal(cutoff) + "), 0.0, 1.0)",
                        "  u6 = torch.pow(u, 6)",
                        "  env = torch.add(torch.sub(torch.sub(torch.ones_like(u), torch.mul(u6, 28.0)), torch.mul(torch.mul(u6,"
                                + " torch.mul(u, u)), 21.0)), torch.mul(torch.mul(u6, u), 48.0))",
                        "  edge = torch.mul(edge, torch.unsqueeze(torch.unsqueeze(env, 1), 2))")
                : "";
        return String.join("\n",
                "def basis(self, pos: Tensor, recv: Tensor, send: Tensor, sw1: Tensor, sb1: Tensor, sw2: Tensor, sb2: Tensor,"
                        + " fw1: Tensor, fb1: Tensor, fw2: Tensor, fb2: Tensor, g: Tensor, finv: Tensor)"
                        + " -> Tuple[Tensor, Tensor, Tensor]:",
                "  rel = torch.sub(torch.index_select(pos, 0, send), torch.index_select(pos, 0, recv))",
                "  edge = self.embed(self.spatial(rel, g), sw1, sb1, sw2, sb2)",
                window,
                "  zero = torch.mul(torch.t(torch.narrow(g, 1, 0, 1)), 0.0)",
                "  selfb = torch.select(self.embed(self.spatial(zero, g), sw1, sb1, sw2, sb2), 0, 0)",
                "  fib = self.embed(finv, fw1, fb1, fw2, fb2)",
                "  return (edge, selfb, fib)").replace("\n\n", "\n");
    }

    /**
     * {@code conv(x, edge, selfb, fib, recv, send, ws, wf, bias)}: the separable group convolution, depthwise per
     * channel. Spatial: y_i(k) = x_i(k)·(Ws·selfb(k)) + Σ_{j→i} x_j(k)·(Ws·edge_ij(k)); then over the fibre:
     * z_i(l) = (1/N) Σ_k y_i(k)·(Wf·fib(k, l)) + bias.
     */
    static String conv() {
        return String.join("\n",
                "def conv(self, x: Tensor, edge: Tensor, selfb: Tensor, fib: Tensor, recv: Tensor, send: Tensor, ws: Tensor,"
                        + " wf: Tensor, bias: Tensor) -> Tensor:",
                "  msg = torch.mul(torch.index_select(x, 0, send), torch.linear(edge, ws))",
                "  y = torch.index_add(torch.mul(x, torch.linear(selfb, ws)), 0, recv, msg)",
                "  z = torch.einsum(\"vkc,klc->vlc\", [y, torch.linear(fib, wf)])",
                "  return torch.add(torch.div(z, fib.size(0)), bias)");
    }

    /**
     * {@code layer(x, edge, selfb, fib, recv, send, conv params, lnw, lnb, w1, b1, w2, b2[, scale])}: the ConvNeXt block
     * x + scale·W2 GELU(W1 LayerNorm(conv(x)) + b1) + b2, the MLP acting on every (node, grid element) alike.
     */
    static String layer(boolean layerScale) {
        return String.join("\n",
                "def layer(self, x: Tensor, edge: Tensor, selfb: Tensor, fib: Tensor, recv: Tensor, send: Tensor, ws: Tensor,"
                        + " wf: Tensor, bias: Tensor, lnw: Tensor, lnb: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor"
                        + (layerScale ? ", scale: Tensor" : "") + ") -> Tensor:",
                "  y = self.conv(x, edge, selfb, fib, recv, send, ws, wf, bias)",
                "  y = torch.layer_norm(y, [y.size(2)], lnw, lnb, 1e-05, True)",
                "  y = torch.linear(torch.gelu(torch.linear(y, w1, b1)), w2, b2)",
                layerScale ? "  return torch.add(x, torch.mul(y, scale))" : "  return torch.add(x, y)");
    }

    /** {@code lift(h, m)}: node features [V, dim] to grid signals [V, N, C] through the lifting matrix [dim, N·C]. */
    static String lift(int gridSize) {
        return String.join("\n",
                "def lift(self, h: Tensor, m: Tensor) -> Tensor:",
                "  return torch.matmul(h, m).view([h.size(0), " + gridSize + ", -1])");
    }

    /** {@code project(f, p)}: grid signals [V, N, C] to node features [V, dim] through the projection matrix [N·C, dim]. */
    static String project() {
        return String.join("\n",
                "def project(self, f: Tensor, p: Tensor) -> Tensor:",
                "  return torch.matmul(torch.flatten(f, 1, 2), p)");
    }

    /** The methods joined into one source. */
    static String join(List<String> methods) {
        return String.join("\n", methods) + "\n";
    }
}
