package org.equivariant4j.nn.conv;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.equivariant4j.nn.ops.BlockInputs;
import org.equivariant4j.nn.ops.Convolution;

/**
 * An ordinary (non-equivariant) convolution, 2-D or 3-D, plain or transposed, with a free weight and optional bias,
 * running on {@link Convolution} (see there why not DJL's own conv blocks). It is what equivariant convolutions
 * {@code export()} to, and the baseline the benchmarks compare them with.
 *
 * <p>Weight: [C_out, C_in, k…] for a plain convolution, [C_in, C_out, k…] for a transposed one (PyTorch's layouts);
 * bias [C_out]. He initialisation N(0, 2/(C_in·k^d)).
 */
public final class PlainConvolution extends AbstractBlock {
    private static final byte VERSION = 1;

    private final int inChannels;
    private final int outChannels;
    private final int kernelSize;
    private final Convolution convolution;
    private final Shape weightShape;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * @param spec        2-D or 3-D, plain or transposed, one group
     * @param inChannels  C_in
     * @param outChannels C_out
     * @param kernelSize  k
     * @param bias        whether to have a bias
     */
    public PlainConvolution(Convolution.Spec spec, int inChannels, int outChannels, int kernelSize, boolean bias) {
        super(VERSION);
        if (inChannels < 1 || outChannels < 1 || kernelSize < 1) {
            throw new IllegalArgumentException("a convolution needs C_in, C_out, k >= 1, got " + inChannels + ", " + outChannels
                    + ", " + kernelSize);
        }
        if (spec.groups() != 1) {
            throw new IllegalArgumentException("PlainConvolution takes a spec with one group, got " + spec);
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelSize = kernelSize;
        this.convolution = Convolution.of(spec);
        long[] shape = new long[2 + spec.spatialDims()];
        shape[0] = spec.transposed() ? inChannels : outChannels;
        shape[1] = spec.transposed() ? outChannels : inChannels;
        Arrays.fill(shape, 2, shape.length, kernelSize);
        this.weightShape = new Shape(shape);
        double std = Math.sqrt(2.0 / (inChannels * Math.pow(kernelSize, spec.spatialDims())));
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).optShape(weightShape)
                .optInitializer((m, s, dt) -> m.randomNormal(0f, (float) std, s, dt)).build());
        this.bias = bias ? addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(outChannels)).optInitializer(Initializer.ZEROS).build()) : null;
    }

    /** The weight parameter. */
    public Parameter weight() {
        return weight;
    }

    /** The bias parameter [C_out], or null. */
    public Parameter bias() {
        return bias;
    }

    /** The convolution's settings. */
    public Convolution.Spec spec() {
        return convolution.spec();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = BlockInputs.single(this, inputs);
        checkInput(x.getShape());
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        BlockInputs.requireParameterDataType(this, x, w);
        NDArray b = bias == null ? null : ps.getValue(bias, x.getDevice(), training);
        return new NDList(convolution.apply(x, w, b));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = BlockInputs.singleShape(this, inputShapes);
        checkInput(s);
        return new Shape[] {convolution.outputShape(s, weightShape)};
    }

    private void checkInput(Shape s) {
        int rank = 2 + convolution.spec().spatialDims();
        if (s.dimension() != rank || s.get(1) != inChannels) {
            throw new IllegalArgumentException(this + " expects an input of shape (batch, " + inChannels + ", "
                    + (rank == 4 ? "height, width" : "depth, height, width") + "), got " + s);
        }
    }

    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        super.saveMetadata(os);
        os.writeInt(inChannels);
        os.writeInt(outChannels);
        os.writeInt(kernelSize);
    }

    @Override
    protected void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        super.loadMetadata(loadVersion, is);
        int[] saved = {is.readInt(), is.readInt(), is.readInt()};
        if (saved[0] != inChannels || saved[1] != outChannels || saved[2] != kernelSize) {
            throw new MalformedModelException("PlainConvolution parameters were saved for (in, out, k) = "
                    + Arrays.toString(saved) + " but this block is " + this);
        }
    }

    @Override
    public String toString() {
        return "PlainConvolution(" + inChannels + " -> " + outChannels + ", k = " + kernelSize + ", " + convolution.spec() + ")";
    }
}
