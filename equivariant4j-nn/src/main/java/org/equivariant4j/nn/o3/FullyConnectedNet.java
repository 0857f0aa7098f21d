package org.equivariant4j.nn.o3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.equivariant4j.nn.ops.BlockInputs;
import org.equivariant4j.nn.ops.Initializers;
import org.equivariant4j.nn.ops.Tensors;

/**
 * e3nn's {@code FullyConnectedNet}, the radial network of the point convolutions: layers h_0 → h_1 → … → h_n without
 * biases, weights N(0, 1) scaled in the forward pass by 1/√(h_in·var_in) (so every layer preserves the second moment),
 * the {@linkplain Activation second-moment-normalised} activation after every layer but the last (unless
 * {@code outAct}), the last layer scaled to variance {@code varianceOut}. Parameter {@code "weight<i>" [h_i, h_(i+1)]}
 * is e3nn's {@code layer<i>.weight}.
 */
public final class FullyConnectedNet extends AbstractBlock {
    private static final byte VERSION = 1;

    private final int[] sizes;
    private final Activation activation;
    private final boolean outAct;
    private final double varianceIn;
    private final double varianceOut;
    private final List<Parameter> weights = new ArrayList<>();

    /**
     * @param sizes h_0 … h_n (at least two)
     * @param activation the activation (normalised as e3nn does)
     * @param varianceIn variance of the input
     * @param varianceOut wanted variance of the output
     * @param outAct whether the last layer has the activation too
     * @param seed draws the initial weights from a Java generator with this seed (null: the engine's)
     */
    public FullyConnectedNet(int[] sizes, Activation activation, double varianceIn, double varianceOut, boolean outAct,
            Long seed) {
        super(VERSION);
        if (sizes.length < 2) {
            throw new IllegalArgumentException("a fully connected net needs at least input and output sizes, got "
                    + Arrays.toString(sizes));
        }
        for (int h : sizes) {
            if (h < 1) {
                throw new IllegalArgumentException("layer sizes must be >= 1, got " + Arrays.toString(sizes));
            }
        }
        this.sizes = sizes.clone();
        this.activation = activation;
        this.outAct = outAct;
        this.varianceIn = varianceIn;
        this.varianceOut = varianceOut;
        for (int i = 0; i + 1 < sizes.length; i++) {
            weights.add(addParameter(Parameter.builder().setName("weight" + i).setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(sizes[i], sizes[i + 1]))
                    .optInitializer(Initializers.gaussian(seed == null ? null : seed + i, 1.0)).build()));
        }
    }

    /** e3nn's defaults: unit variances, no activation on the output. */
    public static FullyConnectedNet of(int[] sizes, Activation activation, long seed) {
        return new FullyConnectedNet(sizes, activation, 1, 1, false, seed);
    }

    /** h_0 … h_n. */
    public int[] sizes() {
        return sizes.clone();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = BlockInputs.single(this, inputs);
        Shape s = x.getShape();
        if (s.dimension() < 1 || s.get(s.dimension() - 1) != sizes[0]) {
            throw new IllegalArgumentException(this + " expects an input [..., " + sizes[0] + "], got " + s);
        }
        double varIn = varianceIn;
        for (int i = 0; i < weights.size(); i++) {
            boolean last = i == weights.size() - 1;
            double varOut = last ? varianceOut : 1;
            boolean act = !last || outAct;
            NDArray w = ps.getValue(weights.get(i), x.getDevice(), training);
            if (act) {
                x = activation.normalized(x.matMul(w).div(Tensors.scalar(x, Math.sqrt(sizes[i] * varIn))));
                if (varOut != 1) {
                    x = x.mul(Tensors.scalar(x, Math.sqrt(varOut)));
                }
            } else {
                x = x.matMul(w).div(Tensors.scalar(x, Math.sqrt(sizes[i] * varIn / varOut)));
            }
            varIn = varOut;
        }
        return new NDList(x);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).addAll(new Shape(sizes[sizes.length - 1]))};
    }

    @Override
    public String toString() {
        return "FullyConnectedNet" + Arrays.toString(sizes) + "(" + activation + ")";
    }
}
