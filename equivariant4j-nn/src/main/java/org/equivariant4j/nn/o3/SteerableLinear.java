package org.equivariant4j.nn.o3;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Objects;
import java.util.SplittableRandom;
import org.equivariant4j.nn.ops.DeviceConstants;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.nn.ops.TorchGenerator;
import org.equivariant4j.o3.Irrep;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.PathNormalization;
import org.equivariant4j.o3.TensorProductSpec;

/**
 * The linear layer of a steerable MLP (SEGNN, Brandstetter et al. 2022): a linear map of O(3) features h whose weights
 * are steered by an attribute a (spherical harmonics of a relative position, of a velocity),
 *
 * <pre>
 *   W_a h = Σ_paths Σ_{u,v} W_{uvw} · √(2l_out+1) · Σ_{ij} C^{l1 l2 l_out}_{ijk} h_{u,i} a_{v,j}   (+ b_w on 0e outputs)
 * </pre>
 * the fully connected tensor product h ⊗ a → out (one weighted uvw path for every coupling entry pair, as
 * {@link TensorProductSpec#fullyConnected}) with component normalisation and no path normalisation, plus biases on the
 * scalar outputs. Without an attribute ({@link #of(Irreps, Irreps, long)}) a is the constant 1 ({@code 1x0e}) and the layer is
 * an equivariant linear map with biases.
 *
 * <p>Initialised as {@code torch.nn.Linear}: every weight and bias of output entry c uniform in ±1/√fan_c, with fan_c the
 * number of (u, v) terms summed into c over all its paths (Σ mul1·mul2), so the scale of the output does not depend on
 * how many paths reach it. This is exactly SEGNN's {@code O3TensorProduct} (e3nn's normalisation divided by its
 * {@code sqrt_k}); parameter {@code "weight"} has e3nn's flat layout ({@code tp.weight}) and {@code "bias"} the scalar
 * outputs' biases in output order ({@code biases}), so SEGNN's trained values load as they are.
 *
 * <p>Which e3nn SEGNN ran decides one more factor ({@link PathNormalization}): with {@link PathNormalization#ELEMENT}
 * (e3nn ≥ 0.4, the default) the factor above is all; with {@link PathNormalization#PATH} (e3nn ≤ 0.3.5) e3nn divided
 * each path by its own fan-in times the number P_c of paths into c, and {@code sqrt_k} still multiplies by √fan_c, so
 * path p is scaled by √(fan_c / (P_c·mul1_p·mul2_p)): every path into c weighs the same, however many copies it
 * couples. The two agree when all paths into an output couple equally many copies.
 *
 * <p>Input [x [..., in.dim], a [..., attr.dim]] (or [x] without attribute); output [..., out.dim]. Equivariant under
 * O(3) acting on x and a together.
 */
public final class SteerableLinear extends AbstractBlock {
    private static final byte VERSION = 1;
    private static final Irreps ONE = Irreps.of(1, Irrep.SCALAR);

    private final Irreps in;
    private final Irreps attributes; // null: no attribute (a = 1)
    private final Irreps out;
    private final PathNormalization paths;
    private final TensorProduct product;
    private final Parameter weight;
    private final Parameter bias;
    private final int numBias;
    private final double[] weightBound; // per weight: 1/√fan_c of its output
    private final double[] biasBound;
    private final DeviceConstants biasScatter; // [numBias, out.dim]: where each bias goes

    private SteerableLinear(Irreps in, Irreps attributes, Irreps out, TensorProductRoute route, PathNormalization paths,
            long seed) {
        super(VERSION);
        this.in = Objects.requireNonNull(in, "in");
        this.attributes = attributes;
        this.out = Objects.requireNonNull(out, "out");
        this.paths = Objects.requireNonNull(paths, "paths");
        if (paths == PathNormalization.NONE) {
            throw new IllegalArgumentException("a steerable linear layer normalises its paths as e3nn >= 0.4 (ELEMENT) or"
                    + " e3nn <= 0.3.5 (PATH) did, got " + paths);
        }
        TensorProductSpec.Builder specs = TensorProductSpec.fullyConnectedBuilder(in, attributes == null ? ONE : attributes,
                out);
        TensorProductSpec spec = specs.pathNormalization(PathNormalization.NONE).build();
        double[] fan = new double[out.size()];
        for (TensorProductSpec.Path p : spec.paths()) {
            fan[p.instruction().out()] += (double) p.in1().mul() * p.in2().mul();
        }
        if (paths == PathNormalization.PATH) {
            // e3nn's per-path 1/(P_c·mul1·mul2) times sqrt_k's fan_c, as an output variance
            spec = specs.pathNormalization(PathNormalization.PATH).outVariances(fan).build();
        }
        this.product = TensorProduct.builder(spec).weights(TensorProduct.Weights.SHARED).route(route).build();
        this.weightBound = new double[spec.weightNumel()];
        for (TensorProductSpec.Path p : spec.paths()) {
            double b = 1 / Math.sqrt(fan[p.instruction().out()]);
            java.util.Arrays.fill(weightBound, p.weightOffset(), p.weightOffset() + p.weightCount(), b);
        }
        int nb = 0;
        for (int c = 0; c < out.size(); c++) {
            if (out.get(c).irrep().isScalar()) {
                nb += out.get(c).mul();
            }
        }
        this.numBias = nb;
        double[] scatter = new double[nb * out.dim()];
        this.biasBound = new double[nb];
        int b = 0;
        for (int c = 0; c < out.size(); c++) {
            if (out.get(c).irrep().isScalar()) {
                for (int u = 0; u < out.get(c).mul(); u++) {
                    scatter[b * out.dim() + out.offset(c) + u] = 1;
                    // an output no path reaches keeps bias 0 (and its output is the bias alone)
                    biasBound[b] = fan[c] > 0 ? 1 / Math.sqrt(fan[c]) : 0;
                    b++;
                }
            }
        }
        this.biasScatter = new DeviceConstants(this + " bias scatter",
                (m, dt) -> new NDList(Tensors.fromFlat(m, scatter, new Shape(numBias, out.dim()), dt)));
        this.weight = spec.weightNumel() == 0 ? null : addParameter(Parameter.builder().setName("weight")
                .setType(Parameter.Type.WEIGHT).optShape(new Shape(spec.weightNumel()))
                .optInitializer(uniform(weightBound, seed)).build());
        this.bias = nb == 0 ? null : addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(nb)).optInitializer(uniform(biasBound, seed + 1)).build());
    }

    /** A layer steered by attributes of irreps {@code attributes} (ELEMENT paths, the AUTO route). */
    public static SteerableLinear of(Irreps in, Irreps attributes, Irreps out, long seed) {
        return of(in, attributes, out, TensorProductRoute.AUTO, PathNormalization.ELEMENT, seed);
    }

    /**
     * A layer steered by attributes, its paths normalised as the given e3nn did ({@code ELEMENT} or {@code PATH}; see
     * above), computed by the given tensor-product route (all routes give the same numbers).
     */
    public static SteerableLinear of(Irreps in, Irreps attributes, Irreps out, TensorProductRoute route,
            PathNormalization paths, long seed) {
        return new SteerableLinear(in, Objects.requireNonNull(attributes, "attributes"), out, route, paths, seed);
    }

    /** An equivariant linear layer with biases on the scalar outputs (no attribute). */
    public static SteerableLinear of(Irreps in, Irreps out, long seed) {
        return of(in, out, PathNormalization.ELEMENT, seed);
    }

    /** An equivariant linear layer with biases on the scalar outputs (no attribute), its paths normalised as given. */
    public static SteerableLinear of(Irreps in, Irreps out, PathNormalization paths, long seed) {
        return new SteerableLinear(in, null, out, TensorProductRoute.AUTO, paths, seed);
    }

    /**
     * Replaces the initial weights with the ones SEGNN's reference {@code O3TensorProduct} draws from PyTorch's generator:
     * e3nn fills its weight with {@code torch.randn(weight_numel)} (drawn, then overwritten), then every weight is redrawn
     * uniform in ±1/√fan_c, path after path, then every bias, all in float32. Call after initialisation.
     *
     * @throws IllegalStateException before initialisation
     */
    public void drawLikeReference(TorchGenerator generator) {
        if (weight != null) {
            generator.skipRandnFloat32(weightBound.length);
            set(weight, draw(generator, weightBound));
        }
        if (bias != null) {
            set(bias, draw(generator, biasBound));
        }
    }

    /** Float32 draws, held as doubles (exactly). */
    private static double[] draw(TorchGenerator generator, double[] bound) {
        double[] v = new double[bound.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = generator.uniformFloat32(-bound[i], bound[i]);
        }
        return v;
    }

    private static void set(Parameter p, double[] values) {
        if (!p.isInitialized()) {
            throw new IllegalStateException("initialise the layer before drawing its weights like the reference");
        }
        NDArray a = p.getArray();
        try (NDArray v = Tensors.fromFlat(a.getManager(), values, a.getShape(), a.getDataType())) {
            a.set(new NDIndex(":"), v);
        }
    }

    /** Entry i uniform in ±bound[i], from a Java generator with this seed. */
    private static Initializer uniform(double[] bound, long seed) {
        double[] bounds = bound.clone();
        return (manager, shape, dataType) -> {
            if (shape.size() != bounds.length) {
                throw new IllegalArgumentException("an initializer for " + bounds.length + " values was asked for shape "
                        + shape);
            }
            SplittableRandom rng = new SplittableRandom(seed);
            double[] v = new double[bounds.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = bounds[i] * (2 * rng.nextDouble() - 1);
            }
            return Tensors.fromFlat(manager, v, shape, dataType);
        };
    }

    public Irreps irrepsIn() {
        return in;
    }

    /** The attribute's irreps, or null for a layer without attribute. */
    public Irreps irrepsAttributes() {
        return attributes;
    }

    public Irreps irrepsOut() {
        return out;
    }

    /** How its paths are normalised (ELEMENT or PATH). */
    public PathNormalization pathNormalization() {
        return paths;
    }

    /** The tensor product it runs (its spec and route). */
    public TensorProduct product() {
        return product;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        int expected = attributes == null ? 1 : 2;
        if (inputs.size() != expected) {
            throw new IllegalArgumentException(this + " expects " + expected + " input arrays " + (attributes == null
                    ? "[x]" : "[x, attributes]") + ", got " + inputs.size());
        }
        return new NDList(apply(ps, inputs.get(0), attributes == null ? null : inputs.get(1), training));
    }

    /** W_a x for features x [..., in.dim] and attributes a [..., attr.dim] (null for a layer without attribute). */
    public NDArray apply(ParameterStore ps, NDArray x, NDArray a, boolean training) {
        NDArray y = applyWithoutBias(ps, x, a, training);
        NDArray row = biasRow(ps, x, training);
        return row == null ? y : y.add(row);
    }

    /** W_a x without the biases (see {@link #biasRow}). */
    public NDArray applyWithoutBias(ParameterStore ps, NDArray x, NDArray a, boolean training) {
        O3Inputs.requireLastAxis(this, "input", x.getShape(), in);
        if ((a == null) != (attributes == null)) {
            throw new IllegalArgumentException(this + (attributes == null ? " takes no attributes" : " needs attributes [..., "
                    + attributes.dim() + "]"));
        }
        Shape lead = x.getShape().slice(0, x.getShape().dimension() - 1);
        NDArray second = a != null ? a : x.getManager().ones(lead.addAll(new Shape(1)), x.getDataType());
        NDArray w = weight == null ? null : ps.getValue(weight, x.getDevice(), training);
        return product.apply(x, second, w);
    }

    /** The biases as a row [out.dim] (zero off the scalar outputs) to add to every output, or null without biases. */
    public NDArray biasRow(ParameterStore ps, NDArray like, boolean training) {
        if (bias == null) {
            return null;
        }
        NDArray b = ps.getValue(bias, like.getDevice(), training);
        return b.matMul(biasScatter.get(like.getDevice(), like.getDataType(), b.getManager()).get(0));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).addAll(new Shape(out.dim()))};
    }

    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        super.saveMetadata(os);
        os.writeUTF(toString());
    }

    @Override
    protected void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        super.loadMetadata(loadVersion, is);
        String saved = is.readUTF();
        if (!saved.equals(toString())) {
            throw new MalformedModelException("SteerableLinear parameters were saved for " + saved + " but this block is "
                    + this);
        }
    }

    @Override
    public String toString() {
        return "SteerableLinear(" + in + (attributes == null ? "" : " (x) " + attributes) + " -> " + out
                + (paths == PathNormalization.PATH ? ", path-normalised" : "") + ")";
    }
}
