package org.equivariant4j.nn.o3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.nn.ops.BlockInputs;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.o3.Irreps;

/**
 * e3nn's {@code Extract}: copies entries of a feature vector into several outputs. Output o is made of the input
 * entries {@code instructions.get(o)} in that order; its irreps must be those entries'. Input {@code [..., in.dim]},
 * outputs {@code [..., outs.get(o).dim]} (one array each). Each output is one gather.
 */
public final class Extract extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Irreps in;
    private final List<Irreps> outs;
    private final List<long[]> gathers;

    /**
     * @param in the input irreps
     * @param outs the irreps of each output
     * @param instructions per output, the input entry of each of its entries
     * @throws IllegalArgumentException when an entry index is out of range or the irreps do not match
     */
    public Extract(Irreps in, List<Irreps> outs, List<int[]> instructions) {
        super(VERSION);
        this.in = in;
        this.outs = List.copyOf(outs);
        if (outs.size() != instructions.size()) {
            throw new IllegalArgumentException("Extract needs one instruction per output: " + outs.size() + " outputs, "
                    + instructions.size() + " instructions");
        }
        List<long[]> g = new ArrayList<>();
        for (int o = 0; o < outs.size(); o++) {
            int[] ins = instructions.get(o);
            Irreps out = outs.get(o);
            if (ins.length != out.size()) {
                throw new IllegalArgumentException("Extract output " + o + " \"" + out + "\" has " + out.size()
                        + " entries but its instruction lists " + ins.length);
            }
            long[] idx = new long[out.dim()];
            int n = 0;
            for (int k = 0; k < ins.length; k++) {
                int i = ins[k];
                if (i < 0 || i >= in.size() || !in.get(i).equals(out.get(k))) {
                    throw new IllegalArgumentException("Extract output " + o + " entry " + k + " (" + out.get(k)
                            + ") cannot come from input entry " + i + " of \"" + in + "\"");
                }
                for (int d = in.offset(i); d < in.offset(i + 1); d++) {
                    idx[n++] = d;
                }
            }
            g.add(idx);
        }
        this.gathers = List.copyOf(g);
    }

    /** The input irreps. */
    public Irreps irrepsIn() {
        return in;
    }

    /** The output irreps. */
    public List<Irreps> irrepsOuts() {
        return outs;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return apply(BlockInputs.single(this, inputs));
    }

    /** The outputs for x [..., in.dim]. */
    public NDList apply(NDArray x) {
        O3Inputs.requireLastAxis(this, "input", x.getShape(), in);
        NDList out = new NDList(gathers.size());
        for (long[] idx : gathers) {
            try (NDArray index = Tensors.ownedIndex(x.getManager(), idx)) {
                out.add(x.get(new NDIndex("..., {}", index)));
            }
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        Shape[] out = new Shape[outs.size()];
        for (int o = 0; o < out.length; o++) {
            out[o] = s.slice(0, s.dimension() - 1).addAll(new Shape(outs.get(o).dim()));
        }
        return out;
    }

    @Override
    public String toString() {
        return "Extract(" + in + " -> " + outs + ")";
    }
}
