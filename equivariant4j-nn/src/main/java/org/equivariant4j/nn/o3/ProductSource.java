package org.equivariant4j.nn.o3;

import java.util.List;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.TensorProductSpec;

/** Pieces of TorchScript source that the tensor-product kernels share. */
final class ProductSource {
    private ProductSource() {}

    /** The dims of the entries of {@code irreps}, comma separated (for {@code torch.split_with_sizes}). */
    static String entryDims(Irreps irreps) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < irreps.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(irreps.get(i).dim());
        }
        return s.toString();
    }

    /** The weight counts of the paths in order, comma separated: the split of the flat weight vector. */
    static String weightCounts(TensorProductSpec spec) {
        StringBuilder s = new StringBuilder();
        for (TensorProductSpec.Path p : spec.paths()) {
            s.append(s.length() == 0 ? "" : ", ").append(p.weightCount());
        }
        return s.toString();
    }

    /**
     * A method {@code def <signature>:} running {@code pre}, then {@code loop} for every chunk {@code q} of the list
     * {@code xs} (which {@code pre} must define), appending to {@code pieces}; it returns the pieces concatenated.
     */
    static String chunked(String signature, List<String> pre, List<String> loop) {
        StringBuilder src = new StringBuilder("def ").append(signature).append(":\n");
        for (String line : pre) {
            src.append("  ").append(line).append('\n');
        }
        src.append("  pieces: List[Tensor] = []\n");
        src.append("  for q in range(len(xs)):\n");
        for (String line : loop) {
            src.append("    ").append(line).append('\n');
        }
        src.append("  return pieces[0] if len(pieces) == 1 else torch.cat(pieces, 0)\n");
        return src.toString();
    }
}
