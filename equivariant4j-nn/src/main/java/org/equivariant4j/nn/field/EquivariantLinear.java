package org.equivariant4j.nn.field;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.linalg.Matrices;
import org.equivariant4j.linalg.SymmetricEigen;
import org.equivariant4j.nn.ops.BlockInputs;
import org.equivariant4j.nn.ops.DeviceConstants;
import org.equivariant4j.nn.ops.Initializers;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.repr.Intertwiners;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.Representation;

/**
 * The most general G-equivariant linear map between two representations ρ_in and ρ_out of the same group:
 * y = W x + b with W ρ_in(g) = ρ_out(g) W and ρ_out(g) b = b for every g.
 *
 * <h2>Parameterisation</h2>
 * <ul>
 *   <li>W = Σ_k c_k B_k, where B_1 … B_K is an orthonormal (Frobenius) basis of Hom_G(ρ_in, ρ_out) computed once by
 *       {@link Intertwiners#basis}. K = Σ_ψ m_in(ψ)·m_out(ψ)·dim End(ψ) over the irreps ψ shared by both. The basis is a
 *       constant rebuilt from the configuration (on {@link #initialize} or on first use after loading), never saved;
 *       only the K coefficients {@code c} (parameter "coefficients", type WEIGHT) are learned and saved.</li>
 *   <li>The bias lives in the invariant subspace of ρ_out: b = Σ_j β_j v_j with v_j an orthonormal basis of
 *       Hom_G(trivial, ρ_out) (parameter "biasCoefficients", type BIAS, initialised to zero). A bias outside that subspace
 *       would break equivariance. With {@code optBias(true)} (the default) and no trivial irrep in ρ_out, the invariant
 *       subspace is 0 and no bias parameter is created ({@link #numBiasBasis()} is 0); this is the constraint, not a
 *       dropped option.</li>
 * </ul>
 *
 * <h2>Initialisation</h2>
 * c_k are i.i.d. N(0, σ²) with σ² = r / K, r = rank of Σ_k B_k B_kᵀ, the dimension of the part of ρ_out that an
 * equivariant map from ρ_in can reach. For inputs with i.i.d. components of variance s², E‖Wx‖² = s²·σ²·Σ_k‖B_k‖² = r·s²:
 * the output has, averaged over its r reachable components, the input's variance. The variance is the same on every
 * reachable component when m_in(ψ)·dim End(ψ)/dim ψ is the same for all shared irreps (e.g. whenever ρ_in is a regular
 * representation, or ρ_in = ρ_out); otherwise it is r·s² in total, spread in proportion to those ratios. Draws come
 * from the engine's generator (seed it with {@code Engine.getInstance().setRandomSeed}) or, with {@code optSeed}, from a
 * Java {@link java.util.SplittableRandom}, reproducible across engines. {@code setInitializer(…, Parameter.Type.WEIGHT)} overrides.
 *
 * <h2>Zero maps</h2>
 * When ρ_in and ρ_out share no irrep, every equivariant linear map is 0 (K = 0) and the layer would ignore its input;
 * {@link Builder#build()} refuses such a configuration with an {@link IllegalArgumentException} naming the irreps of both,
 * even when a bias is possible, since an input-independent constant is almost certainly a wiring mistake.
 *
 * <h2>Forward</h2>
 * Input [..., dim ρ_in] (any number of leading axes, at least one axis), output [..., dim ρ_out]:
 * the expanded Wᵀ (dim ρ_in × dim ρ_out) is formed from the coefficients and the basis, attached to the input's
 * manager, and the input is multiplied by it in one {@code matMul}. The input's dtype must be the parameters' (choose it
 * with {@code initialize(manager, DataType.FLOAT64, shape)}).
 *
 * @param <E> the group's element type
 */
public final class EquivariantLinear<E extends GroupElement> extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Representation<E> rhoIn;
    private final Representation<E> rhoOut;
    private final int dIn;
    private final int dOut;
    private final int numBasis;
    private final int numBiasBasis;
    private final int reachableDimension;
    /** Bᵀ flattened: row k holds (B_k)ᵀ row-major, entry i·dOut + o = B_k[o][i]. */
    private final double[] basisTransposed;
    /** Row j holds the invariant vector v_j of ρ_out. */
    private final double[] biasBasis;
    private final double initStd;
    private final Parameter coefficients;
    private final Parameter biasCoefficients;
    /** On each device in each dtype: Bᵀ [K, dIn·dOut], then (with a bias) the invariant vectors [numBiasBasis, dOut]. */
    private final DeviceConstants constants = new DeviceConstants("EquivariantLinear constants", this::buildConstants);

    private EquivariantLinear(Builder<E> b, List<double[][]> basis, List<double[][]> biasVectors) {
        super(VERSION);
        this.rhoIn = b.rhoIn;
        this.rhoOut = b.rhoOut;
        this.dIn = rhoIn.dimension();
        this.dOut = rhoOut.dimension();
        this.numBasis = basis.size();
        this.numBiasBasis = biasVectors.size();
        this.basisTransposed = new double[numBasis * dIn * dOut];
        double[][] gram = new double[dOut][dOut];
        for (int k = 0; k < numBasis; k++) {
            double[][] bk = basis.get(k);
            for (int o = 0; o < dOut; o++) {
                for (int i = 0; i < dIn; i++) {
                    basisTransposed[k * dIn * dOut + i * dOut + o] = bk[o][i];
                }
            }
            gram = Matrices.addScaled(gram, 1.0, Matrices.multiply(bk, Matrices.transpose(bk)));
        }
        this.reachableDimension = rank(gram);
        this.biasBasis = new double[numBiasBasis * dOut];
        for (int j = 0; j < numBiasBasis; j++) {
            double[][] v = biasVectors.get(j);
            for (int o = 0; o < dOut; o++) {
                biasBasis[j * dOut + o] = v[o][0];
            }
        }
        this.initStd = Math.sqrt((double) reachableDimension / numBasis);
        this.coefficients = addParameter(Parameter.builder()
                .setName("coefficients")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(numBasis))
                .optInitializer(Initializers.gaussian(b.seed, initStd))
                .build());
        this.biasCoefficients = numBiasBasis == 0 ? null : addParameter(Parameter.builder()
                .setName("biasCoefficients")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(numBiasBasis))
                .optInitializer(Initializer.ZEROS)
                .build());
    }

    private static int rank(double[][] symmetricPsd) {
        if (symmetricPsd.length == 0) {
            return 0;
        }
        double[] values = SymmetricEigen.of(symmetricPsd).values();
        double max = 0;
        for (double v : values) {
            max = Math.max(max, Math.abs(v));
        }
        int r = 0;
        for (double v : values) {
            if (v > 1e-9 * max) {
                r++;
            }
        }
        return r;
    }

    /** Starts a builder for a layer ρ_in → ρ_out. */
    public static <E extends GroupElement> Builder<E> builder(Representation<E> rhoIn, Representation<E> rhoOut) {
        return new Builder<>(rhoIn, rhoOut);
    }

    /** ρ_in. */
    public Representation<E> inRepresentation() {
        return rhoIn;
    }

    /** ρ_out. */
    public Representation<E> outRepresentation() {
        return rhoOut;
    }

    /** K = dim Hom_G(ρ_in, ρ_out), the number of learned weight coefficients. */
    public int numBasis() {
        return numBasis;
    }

    /** dim Hom_G(trivial, ρ_out) if a bias was requested, else 0: the number of learned bias coefficients. */
    public int numBiasBasis() {
        return numBiasBasis;
    }

    /** Whether the layer has a (nonzero-dimensional) bias. */
    public boolean hasBias() {
        return biasCoefficients != null;
    }

    /** r, the dimension of the subspace of ρ_out reached by equivariant maps from ρ_in. */
    public int reachableDimension() {
        return reachableDimension;
    }

    /** σ, the standard deviation of the default initialisation of the coefficients (see class doc). */
    public double initStd() {
        return initStd;
    }

    /** The learned weight coefficients c (shape [K]). */
    public Parameter coefficients() {
        return coefficients;
    }

    /** The learned bias coefficients (shape [numBiasBasis]), or null when there is no bias. */
    public Parameter biasCoefficients() {
        return biasCoefficients;
    }

    /** B_k as a fresh dim ρ_out × dim ρ_in matrix. */
    public double[][] basisElement(int k) {
        Objects.checkIndex(k, numBasis);
        double[][] b = new double[dOut][dIn];
        for (int o = 0; o < dOut; o++) {
            for (int i = 0; i < dIn; i++) {
                b[o][i] = basisTransposed[k * dIn * dOut + i * dOut + o];
            }
        }
        return b;
    }

    /**
     * The current weight W = Σ c_k B_k (dim ρ_out × dim ρ_in) as a Java matrix, computed from the parameter values
     * (for inspection and tests; the forward pass does not use it).
     */
    public double[][] weightMatrix() {
        double[] c = Tensors.toDoubles(requireInitialized());
        double[][] w = new double[dOut][dIn];
        for (int k = 0; k < numBasis; k++) {
            for (int o = 0; o < dOut; o++) {
                for (int i = 0; i < dIn; i++) {
                    w[o][i] += c[k] * basisTransposed[k * dIn * dOut + i * dOut + o];
                }
            }
        }
        return w;
    }

    private NDArray requireInitialized() {
        if (!coefficients.isInitialized()) {
            throw new IllegalStateException(describe() + " is not initialized: call initialize(manager, dataType, inputShape) or load parameters first");
        }
        return coefficients.getArray();
    }

    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        super.initialize(manager, dataType, inputShapes);
        // (Re)build the constant basis on a dedicated sub-manager of the model's manager, in the parameters' dtype.
        constants.rebuild(manager, coefficients.getArray().getDataType());
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        checkInputShape(BlockInputs.singleShape(describe(), inputShapes));
    }

    private NDList buildConstants(NDManager manager, DataType dataType) {
        NDList arrays = new NDList(Tensors.fromFlat(manager, basisTransposed, new Shape(numBasis, (long) dIn * dOut), dataType));
        if (numBiasBasis > 0) {
            arrays.add(Tensors.fromFlat(manager, biasBasis, new Shape(numBiasBasis, dOut), dataType));
        }
        return arrays;
    }

    /** "EquivariantLinear ρ_in -> ρ_out", the start of every error message. */
    private String describe() {
        return "EquivariantLinear " + rhoIn.name() + " -> " + rhoOut.name();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = BlockInputs.single(describe(), inputs);
        checkInputShape(x.getShape());
        Device device = x.getDevice();
        NDArray c = parameterStore.getValue(coefficients, device, training);
        BlockInputs.requireParameterDataType(describe(), x, c);
        DeviceConstants.Copy k = constants.get(device, c.getDataType(), c.getManager());
        NDManager batchManager = x.getManager();
        // Wᵀ = Σ_k c_k B_kᵀ: parameter-first op, so move the result onto the input's manager explicitly.
        NDArray wtFlat = c.matMul(k.get(0));
        wtFlat.attach(batchManager);
        NDArray y = x.matMul(wtFlat.reshape(dIn, dOut));
        if (biasCoefficients != null) {
            NDArray beta = parameterStore.getValue(biasCoefficients, device, training);
            NDArray b = beta.matMul(k.get(1));
            b.attach(batchManager);
            y = y.add(b);
        }
        return new NDList(y);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = BlockInputs.singleShape(describe(), inputShapes);
        checkInputShape(s);
        long[] out = s.getShape().clone();
        out[out.length - 1] = dOut;
        return new Shape[] {new Shape(out)};
    }

    private void checkInputShape(Shape s) {
        if (s.dimension() < 1 || s.get(s.dimension() - 1) != dIn) {
            throw new IllegalArgumentException(describe() + " expects an input of shape (..., " + dIn + ") (last axis = dim of " + rhoIn.name() + " of "
                    + rhoIn.group().name() + "), got " + s);
        }
    }

    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        super.saveMetadata(os);
        os.writeInt(dIn);
        os.writeInt(dOut);
        os.writeInt(numBasis);
        os.writeInt(numBiasBasis);
    }

    @Override
    protected void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        super.loadMetadata(loadVersion, is);
        int[] saved = {is.readInt(), is.readInt(), is.readInt(), is.readInt()};
        int[] mine = {dIn, dOut, numBasis, numBiasBasis};
        if (!java.util.Arrays.equals(saved, mine)) {
            throw new MalformedModelException("EquivariantLinear parameters were saved for (dim in, dim out, basis, bias basis) = "
                    + java.util.Arrays.toString(saved) + " but this block is " + java.util.Arrays.toString(mine) + " ("
                    + rhoIn.name() + " -> " + rhoOut.name() + " of " + rhoIn.group().name() + ")");
        }
    }

    @Override
    public String toString() {
        return "EquivariantLinear(" + rhoIn.group().name() + ": " + rhoIn.name() + " [" + dIn + "] -> " + rhoOut.name()
                + " [" + dOut + "], basis " + numBasis + ", bias " + numBiasBasis + ")";
    }

    /**
     * Builder for {@link EquivariantLinear}.
     *
     * @param <E> the group's element type
     */
    public static final class Builder<E extends GroupElement> {
        private final Representation<E> rhoIn;
        private final Representation<E> rhoOut;
        private boolean bias = true;
        private Long seed;

        private Builder(Representation<E> rhoIn, Representation<E> rhoOut) {
            this.rhoIn = Objects.requireNonNull(rhoIn, "rhoIn");
            this.rhoOut = Objects.requireNonNull(rhoOut, "rhoOut");
            if (!rhoIn.group().equals(rhoOut.group())) {
                throw new IllegalArgumentException("EquivariantLinear needs two representations of the same group, got "
                        + rhoIn + " and " + rhoOut);
            }
        }

        /** Whether to learn a bias in the invariant subspace of ρ_out (default true; see the class doc). */
        public Builder<E> optBias(boolean bias) {
            this.bias = bias;
            return this;
        }

        /** Draw the initial coefficients from a Java generator with this seed instead of the engine's generator. */
        public Builder<E> optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Builds the layer, computing the intertwiner bases.
         *
         * @throws IllegalArgumentException when ρ_in and ρ_out share no irrep (only the zero map is equivariant)
         */
        public EquivariantLinear<E> build() {
            List<double[][]> basis = Intertwiners.basis(rhoIn, rhoOut);
            if (basis.isEmpty()) {
                throw new IllegalArgumentException("no nonzero equivariant linear map exists from " + rhoIn + " to " + rhoOut
                        + ": they share no irrep (in: " + irrepNames(rhoIn) + "; out: " + irrepNames(rhoOut) + ")");
            }
            List<double[][]> biasVectors = bias
                    ? Intertwiners.basis(rhoOut.group().trivialIrrep(), rhoOut)
                    : new ArrayList<>();
            return new EquivariantLinear<>(this, basis, biasVectors);
        }

        private static String irrepNames(Representation<?> rho) {
            List<String> names = new ArrayList<>();
            for (Irrep<?> psi : rho.irreps()) {
                names.add(psi.name());
            }
            return String.join(" + ", names);
        }
    }
}
