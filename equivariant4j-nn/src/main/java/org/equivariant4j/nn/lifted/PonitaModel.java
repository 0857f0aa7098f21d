package org.equivariant4j.nn.lifted;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.equivariant4j.nn.graph.GraphBatch;
import org.equivariant4j.nn.ops.ParameterCounts;
import org.equivariant4j.nn.ops.ScriptKernel;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.o3.Irreps;

/**
 * PONITA (Bekkers et al., ICLR 2024): message passing lifted to position–orientation space, with weight sharing over
 * the orbits of point pairs and no Clebsch–Gordan products. Node features (steerable: scalars, vectors, … as
 * {@code input} irreps) are lifted to signals over a grid of orientations ({@link GridLifting}), embedded linearly to H
 * channels, passed through L {@link ConvNextBlock}s whose separable convolutions share one {@link LiftedKernelBasis},
 * read out linearly after every layer (or only the last), averaged, and projected back to steerable node features
 * ({@link GridProjection}, {@code output} irreps: invariant scalars, equivariant vectors Σ_o f(o) o, …).
 *
 * <p>Input: a {@link GraphBatch} with node features [V, dim(input)] and positions; the messages run over its edges plus
 * every node's message to itself; it must carry no separate vectors or edge attributes (put vectors into the node
 * features as 1o irreps). Output: [V, dim(output)]. Equivariant to rotations and translations (and reflections on the
 * sphere) exactly when they permute the grid, approximately otherwise; always to permutations of the nodes.
 *
 * <p>The whole forward pass is one TorchScript call composed from the blocks' own methods (the same code they run
 * alone).
 */
public final class PonitaModel extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Fiber fiber;
    private final Irreps input;
    private final Irreps output;
    private final int hidden;
    private final boolean multipleReadouts;
    private final LiftedKernelBasis basis;
    private final Parameter embedding;
    private final List<ConvNextBlock> layers;
    private final List<Parameter> readouts = new ArrayList<>();
    private final GridLifting lifting;
    private final GridProjection projection;
    private final ScriptKernel kernel;

    private record Key(Fiber fiber, Irreps input, Irreps output, int degree, double cutoff, int layers, boolean layerScale,
            boolean multipleReadouts) {}

    private PonitaModel(Builder b) {
        super(VERSION);
        this.fiber = b.fiber;
        this.input = b.input;
        this.output = b.output;
        this.hidden = b.hidden;
        this.multipleReadouts = b.multipleReadouts;
        this.lifting = new GridLifting(fiber, input);
        this.projection = new GridProjection(fiber, output);
        int basisSize = b.basis > 0 ? b.basis : b.hidden;
        this.basis = addChildBlock("basis", new LiftedKernelBasis(fiber, hidden, basisSize, b.degree, b.cutoff));
        this.embedding = addParameter(Parameter.builder().setName("embedding_weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(hidden, lifting.channels()))
                .optInitializer(org.equivariant4j.nn.graph.TorchLinear.uniform(1.0 / Math.sqrt(lifting.channels()))).build());
        List<ConvNextBlock> ls = new ArrayList<>();
        for (int i = 0; i < b.layers; i++) {
            ls.add(addChildBlock("layer_" + i, new ConvNextBlock(hidden, basisSize, b.widening, b.layerScale)));
        }
        this.layers = Collections.unmodifiableList(ls);
        int outChannels = projection.channels();
        for (int i = 0; i < b.layers; i++) {
            if (multipleReadouts || i == b.layers - 1) {
                readouts.add(addParameter(Params.weight("readout" + i + "_weight", outChannels, hidden)));
                readouts.add(addParameter(Params.bias("readout" + i + "_bias", outChannels, hidden)));
            }
        }
        Key key = new Key(fiber, input, output, b.degree, b.cutoff, b.layers, b.layerScale > 0, multipleReadouts);
        this.kernel = ScriptKernel.shared(key, k -> new ScriptKernel("PonitaModel", source(k),
                (m, dt) -> {
                    NDList c = LiftedKernelBasis.constants(k.fiber(), m, dt);
                    c.add(Tensors.fromMatrix(m, k.fiber().liftingMatrix(k.input()), dt));
                    c.add(Tensors.fromMatrix(m, k.fiber().projectionMatrix(k.output()), dt));
                    return c;
                }));
    }

    /** A builder; defaults are PONITA's N-body settings: H = 128, B = H, degree 3, 5 layers, widening 4, γ = 1e-6. */
    public static Builder builder(Fiber fiber, Irreps input, Irreps output) {
        return new Builder(fiber, input, output);
    }

    private static String source(Key k) {
        List<String> methods = new ArrayList<>(LiftedKernelBasis.methods(k.fiber(), k.degree(), k.cutoff()));
        methods.add(LiftedScript.conv());
        methods.add(LiftedScript.layer(k.layerScale()));
        methods.add(LiftedScript.lift(k.fiber().size()));
        methods.add(LiftedScript.project());
        List<String> layerArgs = new ArrayList<>(List.of("ws", "wf", "bias", "lnw", "lnb", "w1", "b1", "w2", "b2"));
        if (k.layerScale()) {
            layerArgs.add("scale");
        }
        StringBuilder sig = new StringBuilder("def forward(self, h: Tensor, pos: Tensor, recv: Tensor, send: Tensor");
        for (String p : List.of("sw1", "sb1", "sw2", "sb2", "fw1", "fb1", "fw2", "fb2", "embw")) {
            sig.append(", ").append(p).append(": Tensor");
        }
        for (int l = 0; l < k.layers(); l++) {
            for (String p : layerArgs) {
                sig.append(", l").append(l).append('_').append(p).append(": Tensor");
            }
        }
        List<Integer> readoutLayers = new ArrayList<>();
        for (int l = 0; l < k.layers(); l++) {
            if (k.multipleReadouts() || l == k.layers() - 1) {
                readoutLayers.add(l);
                sig.append(", r").append(l).append("_w: Tensor, r").append(l).append("_b: Tensor");
            }
        }
        sig.append(", g: Tensor, finv: Tensor, liftm: Tensor, projm: Tensor) -> Tensor:");
        List<String> body = new ArrayList<>();
        body.add(sig.toString());
        body.add("  edge, selfb, fib = self.basis(pos, recv, send, sw1, sb1, sw2, sb2, fw1, fb1, fw2, fb2, g, finv)");
        body.add("  x = torch.linear(self.lift(h, liftm), embw)");
        boolean first = true;
        for (int l = 0; l < k.layers(); l++) {
            StringBuilder call = new StringBuilder("  x = self.layer(x, edge, selfb, fib, recv, send");
            for (String p : layerArgs) {
                call.append(", l").append(l).append('_').append(p);
            }
            body.add(call.append(')').toString());
            if (readoutLayers.contains(l)) {
                String r = "torch.linear(x, r" + l + "_w, r" + l + "_b)";
                body.add(first ? "  r = " + r : "  r = torch.add(r, " + r + ")");
                first = false;
            }
        }
        body.add("  return self.project(torch.div(r, " + readoutLayers.size() + ".0), projm)");
        methods.add(String.join("\n", body));
        return LiftedScript.join(methods);
    }

    public Fiber fiber() {
        return fiber;
    }

    /** The irreps of the node features it reads. */
    public Irreps inputIrreps() {
        return input;
    }

    /** The irreps of the node features it returns. */
    public Irreps outputIrreps() {
        return output;
    }

    public int hidden() {
        return hidden;
    }

    public int numLayers() {
        return layers.size();
    }

    public List<ConvNextBlock> layers() {
        return layers;
    }

    public LiftedKernelBasis basis() {
        return basis;
    }

    /** Number of learned scalars. */
    public long parameterCount() {
        return ParameterCounts.learnable(this);
    }

    /**
     * The output node features [V, dim(output)], on the positions' manager; initialises the block in the batch's dtype
     * on first use.
     *
     * @throws IllegalArgumentException when the batch lacks node features of the input irreps' width, carries vectors or
     *     edge attributes, or has another dtype than the parameters
     */
    public NDArray forward(ParameterStore ps, GraphBatch g, boolean training) {
        NDArray h = g.nodeFeatures().orElseThrow(() -> new IllegalArgumentException(this + " needs node features [N, "
                + input.dim() + "] (" + input + ")"));
        if (h.getShape().get(1) != input.dim()) {
            throw new IllegalArgumentException(this + " expects node features [N, " + input.dim() + "] (" + input + "), got "
                    + h.getShape());
        }
        if (g.vectors().isPresent()) {
            throw new IllegalArgumentException(this + " reads vectors only as node features (1o irreps of " + input
                    + "); the batch carries separate vectors " + g.vectors().get().getShape());
        }
        if (g.edgeAttributes().isPresent()) {
            throw new IllegalArgumentException(this + " computes its edge invariants itself; the batch carries edge attributes "
                    + g.edgeAttributes().get().getShape());
        }
        DataType dt = g.dataType();
        if (!isInitialized()) {
            initialize(ps.getManager(), dt);
        }
        NDArray first = embedding.getArray();
        if (first.getDataType() != dt) {
            throw new IllegalArgumentException(this + " has " + first.getDataType() + " parameters but the batch is " + dt);
        }
        Device device = g.positions().getDevice();
        List<NDArray> args = new ArrayList<>(List.of(h, g.positions(), g.receiverIndex(), g.senderIndex()));
        basis.appendParameters(ps, device, training, args);
        args.add(ps.getValue(embedding, device, training));
        for (ConvNextBlock layer : layers) {
            layer.appendParameters(ps, device, training, args);
        }
        for (Parameter p : readouts) {
            args.add(ps.getValue(p, device, training));
        }
        return kernel.call("forward", args.toArray(new NDArray[0])).singletonOrThrow();
    }

    /** Runs on a {@link GraphBatch#toNDList()}; returns [output node features]. */
    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, GraphBatch.fromNDList(inputs), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes.length > 1 ? inputShapes[1].get(0) : -1, output.dim())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        basis.initialize(manager, dataType);
        for (ConvNextBlock layer : layers) {
            layer.initialize(manager, dataType);
        }
    }

    @Override
    public String toString() {
        return "PonitaModel[" + input + " -> " + output + ", " + fiber.description() + ", H=" + hidden + ", " + layers.size()
                + " layers]";
    }

    /** Builder with PONITA's N-body defaults. */
    public static final class Builder {
        private final Fiber fiber;
        private final Irreps input;
        private final Irreps output;
        private int hidden = 128;
        private int basis;
        private int degree = 3;
        private int layers = 5;
        private int widening = 4;
        private double layerScale = 1e-6;
        private boolean multipleReadouts = true;
        private double cutoff;

        private Builder(Fiber fiber, Irreps input, Irreps output) {
            this.fiber = Objects.requireNonNull(fiber, "fiber");
            this.input = Objects.requireNonNull(input, "input");
            this.output = Objects.requireNonNull(output, "output");
        }

        /** H, the channels of the lifted features (and the width of the basis networks). */
        public Builder hidden(int h) {
            this.hidden = h;
            return this;
        }

        /** B, the basis functions of the kernels (default: H). */
        public Builder basis(int b) {
            this.basis = b;
            return this;
        }

        /** D, the degree of the monomials of the invariants (1..4). */
        public Builder degree(int d) {
            this.degree = d;
            return this;
        }

        public Builder layers(int l) {
            this.layers = l;
            return this;
        }

        /** The MLP width factor of the ConvNeXt blocks. */
        public Builder widening(int w) {
            this.widening = w;
            return this;
        }

        /** The initial layer scale γ, 0 for none. */
        public Builder layerScale(double s) {
            this.layerScale = s;
            return this;
        }

        /** Read out after every layer and average (true) or after the last only. */
        public Builder multipleReadouts(boolean m) {
            this.multipleReadouts = m;
            return this;
        }

        /** The radius of the smooth envelope of the messages (for radius graphs), 0 for none. */
        public Builder cutoff(double r) {
            this.cutoff = r;
            return this;
        }

        public PonitaModel build() {
            if (hidden < 1 || layers < 1 || basis < 0) {
                throw new IllegalArgumentException("need hidden >= 1, layers >= 1 and basis >= 0 (0: hidden), got " + hidden
                        + ", " + layers + ", " + basis);
            }
            if (input.dim() == 0 || output.dim() == 0) {
                throw new IllegalArgumentException("input and output irreps must not be empty, got " + input + " and " + output);
            }
            return new PonitaModel(this);
        }
    }
}
