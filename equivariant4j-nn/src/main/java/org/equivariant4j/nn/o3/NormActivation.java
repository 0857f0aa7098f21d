package org.equivariant4j.nn.o3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import org.equivariant4j.nn.ops.BlockInputs;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.o3.Irreps;

/**
 * e3nn's {@code NormActivation}: every irrep copy x is scaled by φ(|x| (+ b)) / |x| ({@code normalize}, the default)
 * or by φ(|x| (+ b)), so only its length changes: equivariant for any φ. The squared norm is clamped at ε² (ε = 1e-8
 * by default) before the root, so zero features give no NaN. φ is applied as given (e3nn does not normalise it here).
 * With {@code bias}, one learned bias per copy ("biases", zeros).
 */
public final class NormActivation extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Irreps irreps;
    private final Activation activation;
    private final boolean normalize;
    private final double epsilon;
    private final double[] membership;
    private final Parameter biases;

    /**
     * @param irreps the features' irreps
     * @param activation φ
     * @param normalize divide by the norm (φ(|x|) x/|x|) or not (φ(|x|) x)
     * @param epsilon the norm's floor, > 0 (e3nn: 1e-8 when normalising)
     * @param bias whether to learn a bias per copy added to the norm before φ
     */
    public NormActivation(Irreps irreps, Activation activation, boolean normalize, double epsilon, boolean bias) {
        super(VERSION);
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("epsilon must be > 0, got " + epsilon);
        }
        this.irreps = irreps;
        this.activation = activation;
        this.normalize = normalize;
        this.epsilon = epsilon;
        this.membership = Norm.copyMembership(irreps);
        this.biases = bias ? addParameter(Parameter.builder().setName("biases").setType(Parameter.Type.BIAS)
                .optShape(new Shape(irreps.numIrreps())).optInitializer(Initializer.ZEROS).build()) : null;
    }

    /** φ(|x|)·x/|x| with ε = 1e-8 and no bias, e3nn's defaults. */
    public static NormActivation of(Irreps irreps, Activation activation) {
        return new NormActivation(irreps, activation, true, 1e-8, false);
    }

    public Irreps irreps() {
        return irreps;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = BlockInputs.single(this, inputs);
        O3Inputs.requireLastAxis(this, "input", x.getShape(), irreps);
        NDArray s = Tensors.fromFlat(x.getManager(), membership, new Shape(irreps.dim(), irreps.numIrreps()), x.getDataType());
        NDArray norms = x.square().matMul(s).maximum(Tensors.scalar(x, epsilon * epsilon)).sqrt();
        NDArray arg = biases == null ? norms : norms.add(ps.getValue(biases, x.getDevice(), training));
        NDArray scale = activation.raw(arg);
        if (normalize) {
            scale = scale.div(norms);
        }
        return new NDList(x.mul(scale.matMul(s.transpose())));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public String toString() {
        return "NormActivation(" + irreps + ", " + activation + ")";
    }
}
