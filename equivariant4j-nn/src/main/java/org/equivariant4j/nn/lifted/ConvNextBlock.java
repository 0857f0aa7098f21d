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
import java.util.List;
import org.equivariant4j.nn.graph.GraphBatch;
import org.equivariant4j.nn.ops.ScriptKernel;

/**
 * A ConvNeXt block on lifted features (PONITA's interaction layer), C channels:
 * <pre>
 *   x ↦ x + γ ⊙ W₂ GELU(W₁ LayerNorm(conv(x)) + b₁) + b₂
 * </pre>
 * with the {@link SeparableGroupConv} conv, LayerNorm over the channels and the MLP of widening factor w acting
 * pointwise: on every (node, grid element) alike. A pointwise nonlinearity on the grid commutes with permutations of
 * the grid, so the block is exactly equivariant to the rotations that permute it and equivariant up to the grid's
 * resolution otherwise. γ (the layer scale, initially small) is optional.
 *
 * <p>Parameters: the conv's (child {@code conv}), {@code norm_weight}, {@code norm_bias} [C], {@code linear1_weight}
 * [wC, C], {@code linear1_bias}, {@code linear2_weight} [C, wC], {@code linear2_bias}, and {@code scale} [C]. (Names
 * without dots: a script argument whose array name has a dot would reach TorchScript as a view, without its gradient.)
 */
public final class ConvNextBlock extends AbstractBlock {
    private static final byte VERSION = 1;

    private final int channels;
    private final int widening;
    private final double layerScale;
    private final SeparableGroupConv conv;
    private final List<Parameter> params = new ArrayList<>();
    private final ScriptKernel kernel;

    private record Key(boolean layerScale) {}

    /**
     * @param channels   C
     * @param basis      B, the basis size of the conv
     * @param widening   w, the MLP's hidden width is w·C
     * @param layerScale the initial layer scale γ, or 0 for none
     */
    public ConvNextBlock(int channels, int basis, int widening, double layerScale) {
        super(VERSION);
        if (widening < 1) {
            throw new IllegalArgumentException("the widening factor must be >= 1, got " + widening);
        }
        if (!(layerScale >= 0) || Double.isInfinite(layerScale)) {
            throw new IllegalArgumentException("the layer scale must be finite and >= 0 (0: none), got " + layerScale);
        }
        this.channels = channels;
        this.widening = widening;
        this.layerScale = layerScale;
        this.conv = addChildBlock("conv", new SeparableGroupConv(channels, basis));
        int wide = widening * channels;
        params.add(addParameter(Params.constant("norm_weight", Parameter.Type.GAMMA, channels, 1)));
        params.add(addParameter(Params.constant("norm_bias", Parameter.Type.BETA, channels, 0)));
        params.add(addParameter(Params.weight("linear1_weight", wide, channels)));
        params.add(addParameter(Params.bias("linear1_bias", wide, channels)));
        params.add(addParameter(Params.weight("linear2_weight", channels, wide)));
        params.add(addParameter(Params.bias("linear2_bias", channels, wide)));
        if (layerScale > 0) {
            params.add(addParameter(Params.constant("scale", Parameter.Type.WEIGHT, channels, layerScale)));
        }
        this.kernel = ScriptKernel.shared(new Key(layerScale > 0), k -> new ScriptKernel("ConvNextBlock",
                LiftedScript.join(List.of(LiftedScript.conv(), LiftedScript.layer(k.layerScale()))), (m, dt) -> new NDList()));
    }

    public int channels() {
        return channels;
    }

    public int widening() {
        return widening;
    }

    /** γ's initial value, 0 when the block has none. */
    public double layerScale() {
        return layerScale;
    }

    public SeparableGroupConv conv() {
        return conv;
    }

    /** The block applied to x [V, N, C]. */
    public NDArray apply(ParameterStore ps, NDArray x, LiftedKernelBasis.Output basis, GraphBatch g, boolean training) {
        SeparableGroupConv.check(this, x, basis, g, channels, conv.basisSize());
        if (!isInitialized()) {
            initialize(ps.getManager(), x.getDataType());
        }
        List<NDArray> args = new ArrayList<>(List.of(x, basis.edge(), basis.self(), basis.fiber(), g.receiverIndex(),
                g.senderIndex()));
        appendParameters(ps, x.getDevice(), training, args);
        return kernel.call("layer", args.toArray(new NDArray[0])).singletonOrThrow();
    }

    /** The conv's parameters, then this block's, in the order of the script's {@code layer} arguments. */
    void appendParameters(ParameterStore ps, Device device, boolean training, List<NDArray> args) {
        conv.appendParameters(ps, device, training, args);
        for (Parameter p : params) {
            args.add(ps.getValue(p, device, training));
        }
    }

    /** Runs on [x, edge basis, self basis, fibre basis, then a {@link GraphBatch#toNDList()}]; returns [x']. */
    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        SeparableGroupConv.LayerInputs in = SeparableGroupConv.LayerInputs.of(this, inputs);
        return new NDList(apply(ps, in.x(), in.basis(), in.graph(), training));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        conv.initialize(manager, dataType, inputShapes);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public String toString() {
        return "ConvNextBlock[C=" + channels + ", widening " + widening + (layerScale > 0 ? ", layer scale " + layerScale : "")
                + "]";
    }
}
