package org.equivariant4j.nn.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * A linear layer laid out and initialised like PyTorch's {@code nn.Linear}: weight [out, in], bias
 * [out], {@code y = x Wᵀ + b} over the last axis of any-rank input. Default initialisation is
 * PyTorch's: weight and bias {@code U(±1/√in)}; {@link #xavierUniform} gives
 * {@code U(±gain·√(6/(in+out)))} for the weight.
 *
 * <p>Parameters are named {@code weight} and {@code bias}, so a PyTorch state dict maps onto it one to one.
 */
public final class TorchLinear extends AbstractBlock {
    private static final byte VERSION = 1;

    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias; // nullable

    /** PyTorch-default initialised linear layer. */
    public TorchLinear(int in, int out, boolean bias) {
        this(in, out, bias, uniform(1.0 / Math.sqrt(in)));
    }

    private TorchLinear(int in, int out, boolean withBias, Initializer weightInit) {
        super(VERSION);
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("in and out features must be >= 1, got " + in + " and " + out);
        }
        this.in = in;
        this.out = out;
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(out, in)).optInitializer(weightInit).build());
        this.bias = withBias
                ? addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                        .optShape(new Shape(out)).optInitializer(uniform(1.0 / Math.sqrt(in))).build())
                : null;
    }

    /** Weight {@code U(±gain·√(6/(in+out)))} (torch.nn.init.xavier_uniform_), bias PyTorch default. */
    public static TorchLinear xavierUniform(int in, int out, boolean bias, double gain) {
        return new TorchLinear(in, out, bias, uniform(gain * Math.sqrt(6.0 / (in + out))));
    }

    /** An initializer drawing {@code U(−bound, bound)} from the engine's random generator. */
    public static Initializer uniform(double bound) {
        return (NDManager manager, Shape shape, DataType dataType) ->
                manager.randomUniform((float) -bound, (float) bound, shape, dataType);
    }

    public int inFeatures() {
        return in;
    }

    public int outFeatures() {
        return out;
    }

    public boolean hasBias() {
        return bias != null;
    }

    /** Applies the layer to x [..., in]; the result is on x's manager. */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        long last = x.getShape().get(x.getShape().dimension() - 1);
        if (last != in) {
            throw new IllegalArgumentException("linear layer expects " + in + " input features on the last axis, got "
                    + x.getShape());
        }
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        if (bias == null) {
            return Linear.linear(x, w).head();
        }
        return Linear.linear(x, w, ps.getValue(bias, x.getDevice(), training)).head();
    }

    /** The weight [out, in] as seen by this forward pass. */
    NDArray weight(ParameterStore ps, ai.djl.Device device, boolean training) {
        return ps.getValue(weight, device, training);
    }

    /** The bias [out] as seen by this forward pass, or null. */
    NDArray bias(ParameterStore ps, ai.djl.Device device, boolean training) {
        return bias == null ? null : ps.getValue(bias, device, training);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long[] d = inputShapes[0].getShape().clone();
        d[d.length - 1] = out;
        return new Shape[] {new Shape(d)};
    }
}
