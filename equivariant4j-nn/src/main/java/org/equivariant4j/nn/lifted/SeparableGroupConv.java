package org.equivariant4j.nn.lifted;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.nn.graph.GraphBatch;
import org.equivariant4j.nn.ops.ScriptKernel;

/**
 * The separable group convolution on R³ × F (PONITA's depthwise fibre-bundle convolution), C channels in and out: a
 * convolution over positions at every grid element, then one over the fibre at every node,
 * <pre>
 *   y_i(k) = x_i(k)·κ_s(0, k) + Σ_{j→i} x_j(k)·κ_s(x_j − x_i, k),        κ_s = Ws·(spatial basis)  [per channel]
 *   z_i(l) = (1/N) Σ_k y_i(k)·κ_f(k, l) + b,                           κ_f = Wf·(fibre basis)
 * </pre>
 * Both kernels are functions of complete pair invariants, so the layer is equivariant to every rigid motion that maps
 * the grid to itself (exactly) and approximately to all others. The message sum runs over the graph's edges plus each
 * node's message to itself.
 *
 * <p>Parameters: {@code spatial_weight} [C, B], {@code fiber_weight} [C, B] (no biases: PyTorch's
 * {@code Linear(B, C, bias=False)} initialisation) and {@code bias} [C] (zeros).
 */
public final class SeparableGroupConv extends AbstractBlock {
    private static final byte VERSION = 1;

    private final int channels;
    private final int basis;
    private final Parameter spatial;
    private final Parameter fiberWeight;
    private final Parameter bias;
    private final ScriptKernel kernel;

    private record Key(String what) {}

    /** C channels, kernels expanded in B basis functions. */
    public SeparableGroupConv(int channels, int basis) {
        super(VERSION);
        if (channels < 1 || basis < 1) {
            throw new IllegalArgumentException("need channels >= 1 and basis >= 1, got " + channels + " and " + basis);
        }
        this.channels = channels;
        this.basis = basis;
        this.spatial = addParameter(Params.weight("spatial_weight", channels, basis));
        this.fiberWeight = addParameter(Params.weight("fiber_weight", channels, basis));
        this.bias = addParameter(Params.constant("bias", Parameter.Type.BIAS, channels, 0));
        this.kernel = ScriptKernel.shared(new Key("conv"), k -> new ScriptKernel("SeparableGroupConv",
                LiftedScript.join(List.of(LiftedScript.conv())), (m, dt) -> new NDList()));
    }

    public int channels() {
        return channels;
    }

    /** B. */
    public int basisSize() {
        return basis;
    }

    /**
     * The convolution of x [V, N, C] over the batch's edges.
     *
     * @param basis the bases of this batch ({@link LiftedKernelBasis})
     */
    public NDArray apply(ParameterStore ps, NDArray x, LiftedKernelBasis.Output basis, GraphBatch g, boolean training) {
        check(this, x, basis, g, channels, this.basis);
        if (!isInitialized()) {
            initialize(ps.getManager(), x.getDataType());
        }
        List<NDArray> args = new ArrayList<>(List.of(x, basis.edge(), basis.self(), basis.fiber(), g.receiverIndex(),
                g.senderIndex()));
        appendParameters(ps, x.getDevice(), training, args);
        return kernel.call("conv", args.toArray(new NDArray[0])).singletonOrThrow();
    }

    void appendParameters(ParameterStore ps, Device device, boolean training, List<NDArray> args) {
        args.add(ps.getValue(spatial, device, training));
        args.add(ps.getValue(fiberWeight, device, training));
        args.add(ps.getValue(bias, device, training));
    }

    /** Checks a lifted feature map and bases against a batch. */
    static void check(Object block, NDArray x, LiftedKernelBasis.Output b, GraphBatch g, int channels, int basis) {
        Shape s = x.getShape();
        long n = b.fiber().getShape().get(0);
        if (s.dimension() != 3 || s.get(0) != g.numNodes() || s.get(1) != n || s.get(2) != channels) {
            throw new IllegalArgumentException(block + " expects lifted features [" + g.numNodes() + ", " + n + ", " + channels
                    + "] (nodes, grid, channels), got " + s);
        }
        if (!b.edge().getShape().equals(new Shape(g.numEdges(), n, basis)) || b.self().getShape().get(1) != basis) {
            throw new IllegalArgumentException(block + " expects bases [" + g.numEdges() + ", " + n + ", " + basis
                    + "] of this batch's edges, got " + b.edge().getShape());
        }
        if (x.getDataType() != b.edge().getDataType()) {
            throw new IllegalArgumentException(block + ": features are " + x.getDataType() + " but bases " + b.edge().getDataType());
        }
    }

    /** Runs on [x, edge basis, self basis, fibre basis, then a {@link GraphBatch#toNDList()}]; returns [z]. */
    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        LayerInputs in = LayerInputs.of(this, inputs);
        return new NDList(apply(ps, in.x(), in.basis(), in.graph(), training));
    }

    /** The inputs of a lifted layer as an NDList: [x, edge basis, self basis, fibre basis, then a {@link GraphBatch#toNDList()}]. */
    record LayerInputs(NDArray x, LiftedKernelBasis.Output basis, GraphBatch graph) {
        static LayerInputs of(Object block, NDList inputs) {
            if (inputs.size() != 4 + GraphBatch.NDLIST_SIZE) {
                throw new IllegalArgumentException(block + " expects [x, edge basis, self basis, fibre basis, graph batch ("
                        + GraphBatch.NDLIST_SIZE + " arrays)], got " + inputs.size() + " arrays");
            }
            return new LayerInputs(inputs.get(0), new LiftedKernelBasis.Output(inputs.get(1), inputs.get(2), inputs.get(3)),
                    GraphBatch.fromNDList(new NDList(inputs.subList(4, inputs.size()))));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public String toString() {
        return "SeparableGroupConv[C=" + channels + ", B=" + basis + "]";
    }
}
