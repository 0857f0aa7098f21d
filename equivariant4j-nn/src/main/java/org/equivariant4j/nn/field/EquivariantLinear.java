package org.equivariant4j.nn.field;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.equivariant4j.nn.ops.BasisExpansion;
import org.equivariant4j.nn.ops.BlockInputs;
import org.equivariant4j.nn.ops.InferenceCache;
import org.equivariant4j.nn.ops.Initializers;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.Representation;

/**
 * The most general G-equivariant linear map between two field types (escnn's {@code Linear}):
 * y = W x + b with W ρ_in(g) = ρ_out(g) W and ρ_out(g) b = b for every g, on the last axis of the input.
 *
 * <h2>Parameterisation</h2>
 * W is expanded from learned coefficients in the intertwiner basis of every pair of field types (Hom_G per irrep pair,
 * {@link org.equivariant4j.repr.Intertwiners}) by the library's one {@link BasisExpansion}; for two single fields the
 * number of coefficients is K = Σ_ψ m_in(ψ)·m_out(ψ)·dim End(ψ) over the irreps ψ both share. The bias lives in the
 * invariant directions of each output field (parameter "biasCoefficients", zero at first); an output field without a
 * trivial irrep has no bias, which is the constraint, not a dropped option. Bases are constants rebuilt from the
 * configuration and never saved; only the coefficients are.
 *
 * <h2>Initialisation</h2>
 * The coefficients' variance is chosen per output field type so that inputs with i.i.d. unit-variance components give
 * outputs whose second moment, averaged over each output field's components, is 1 ({@link BasisExpansion#coefficientStd}).
 * Draws come from the engine's generator, or with {@code optSeed} from a Java generator (reproducible across engines).
 *
 * <h2>Zero maps</h2>
 * When the types share no irrep only the zero map is equivariant; {@link Builder#build()} refuses that with an
 * {@link IllegalArgumentException} naming the irreps of both (an input-independent layer is almost certainly a wiring
 * mistake).
 *
 * <h2>Forward</h2>
 * Input [..., C_in] (any leading axes; a {@link GeometricTensor} [batch, C_in] of a GSpace without base space), output
 * [..., C_out]: one matMul with the expanded Wᵀ. In inference the expanded W and b are cached ({@link InferenceCache}).
 * The input's dtype must be the parameters'.
 */
public final class EquivariantLinear extends AbstractBlock implements EquivariantBlock {
    private static final byte VERSION = 2;

    private final FieldType inType;
    private final FieldType outType;
    private final BasisExpansion expansion;
    private final Parameter coefficients;
    private final Parameter biasCoefficients;
    private final InferenceCache cache = new InferenceCache("EquivariantLinear inference cache");

    private EquivariantLinear(Builder b, BasisExpansion expansion) {
        super(VERSION);
        this.inType = b.inType;
        this.outType = b.outType;
        this.expansion = expansion;
        this.coefficients = addParameter(Parameter.builder()
                .setName("coefficients")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(expansion.numCoefficients()))
                .optInitializer(Initializers.gaussian(b.seed, expansion.coefficientStd(1.0)))
                .build());
        this.biasCoefficients = expansion.numBiasCoefficients() == 0 ? null : addParameter(Parameter.builder()
                .setName("biasCoefficients")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(expansion.numBiasCoefficients()))
                .optInitializer(Initializer.ZEROS)
                .build());
    }

    /** A layer between two field types of the same GSpace. */
    public static Builder builder(FieldType in, FieldType out) {
        return new Builder(in, out);
    }

    /** A layer between two representations of the same group: one field each, without a base space. */
    public static Builder builder(Representation<?> in, Representation<?> out) {
        if (!in.group().equals(out.group())) {
            throw new IllegalArgumentException("EquivariantLinear needs two representations of the same group, got " + in
                    + " and " + out);
        }
        GSpace space = GSpaces.noBaseSpace(in.group());
        return new Builder(FieldType.of(space, 1, in), FieldType.of(space, 1, out));
    }

    @Override
    public FieldType inType() {
        return inType;
    }

    @Override
    public FieldType outType() {
        return outType;
    }

    /** The number of learned weight coefficients (K for two single fields). */
    public int numBasis() {
        return expansion.numCoefficients();
    }

    /** The number of learned bias coefficients (invariant directions of the output fields; 0 without a bias). */
    public int numBiasBasis() {
        return biasCoefficients == null ? 0 : expansion.numBiasCoefficients();
    }

    /** Whether the layer has a bias. */
    public boolean hasBias() {
        return biasCoefficients != null;
    }

    /** The learned weight coefficients [numBasis]. */
    public Parameter coefficients() {
        return coefficients;
    }

    /** The learned bias coefficients [numBiasBasis], or null. */
    public Parameter biasCoefficients() {
        return biasCoefficients;
    }

    /** The standard deviation of each coefficient's default initialisation (see the class doc). */
    public double[] initStd() {
        return expansion.coefficientStd(1.0);
    }

    /** Basis element k as used by the layer (W for the k-th unit coefficient vector), C_out × C_in. */
    public double[][] basisElement(int k) {
        Objects.checkIndex(k, numBasis());
        double[] c = new double[numBasis()];
        c[k] = 1;
        return weightOf(c);
    }

    /** The current weight W (C_out × C_in) from the parameter values, for inspection and tests. */
    public double[][] weightMatrix() {
        return weightOf(Tensors.toDoubles(requireInitialized()));
    }

    private double[][] weightOf(double[] c) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = expansion.expand(m.create(c), m);
            int o = outType.size();
            int i = inType.size();
            double[] flat = w.toDoubleArray();
            double[][] out = new double[o][i];
            for (int r = 0; r < o; r++) {
                System.arraycopy(flat, r * i, out[r], 0, i);
            }
            return out;
        }
    }

    private NDArray requireInitialized() {
        if (!coefficients.isInitialized()) {
            throw new IllegalStateException(describe() + " is not initialized: call initialize(manager, dataType, inputShape) or"
                    + " load parameters first");
        }
        return coefficients.getArray();
    }

    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        super.initialize(manager, dataType, inputShapes);
        expansion.rebuildConstants(manager, coefficients.getArray().getDataType());
        cache.invalidate();
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        checkInputShape(BlockInputs.singleShape(describe(), inputShapes));
    }

    private String describe() {
        return "EquivariantLinear " + inType + " -> " + outType;
    }

    /** Wᵀ [C_in, C_out] and b [C_out] (b only with a bias), attached to {@code target}. */
    private NDList expand(NDArray c, NDArray beta, NDManager target) {
        NDList l = new NDList(expansion.expand(c, target).reshape(outType.size(), inType.size()).transpose());
        if (beta != null) {
            l.add(expansion.expandBias(beta, target));
        }
        return l;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = BlockInputs.single(describe(), inputs);
        checkInputShape(x.getShape());
        NDArray c = ps.getValue(coefficients, x.getDevice(), training);
        BlockInputs.requireParameterDataType(describe(), x, c);
        NDArray beta = biasCoefficients == null ? null : ps.getValue(biasCoefficients, x.getDevice(), training);
        NDList wb;
        if (training) {
            cache.invalidate();
            wb = expand(c, beta, x.getManager());
        } else {
            wb = cache.get(beta == null ? List.of(c) : List.of(c, beta), m -> expand(c, beta, m));
        }
        NDArray y = x.matMul(wb.get(0));
        return new NDList(beta == null ? y : y.add(wb.get(1)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = BlockInputs.singleShape(describe(), inputShapes);
        checkInputShape(s);
        long[] out = s.getShape().clone();
        out[out.length - 1] = outType.size();
        return new Shape[] {new Shape(out)};
    }

    private void checkInputShape(Shape s) {
        if (s.dimension() < 1 || s.get(s.dimension() - 1) != inType.size()) {
            throw new IllegalArgumentException(describe() + " expects an input of shape (..., " + inType.size()
                    + ") (last axis = the " + inType.size() + " channels of the input type), got " + s);
        }
    }

    /** A DJL {@link Linear} (units C_out) with the current W and b. */
    @Override
    public Block export() {
        NDArray c = requireInitialized();
        Linear linear = Linear.builder().setUnits(outType.size()).optBias(true).build();
        NDManager m = c.getManager();
        linear.initialize(m, c.getDataType(), new Shape(1, inType.size()));
        try (NDManager tmp = m.newSubManager()) {
            NDList wb = expand(c, biasCoefficients == null ? null : biasCoefficients.getArray(), tmp);
            linear.getParameters().get("weight").getArray().set(new NDIndex(":"), wb.get(0).transpose());
            NDArray bias = linear.getParameters().get("bias").getArray();
            bias.set(new NDIndex(":"), wb.size() > 1 ? wb.get(1) : bias.zerosLike());
        }
        return linear;
    }

    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        super.saveMetadata(os);
        for (int v : config()) {
            os.writeInt(v);
        }
    }

    @Override
    protected void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        super.loadMetadata(loadVersion, is);
        int[] mine = config();
        int[] saved = new int[mine.length];
        for (int i = 0; i < saved.length; i++) {
            saved[i] = is.readInt();
        }
        if (!java.util.Arrays.equals(saved, mine)) {
            throw new MalformedModelException("EquivariantLinear parameters were saved for (C_in, C_out, coefficients, bias) = "
                    + java.util.Arrays.toString(saved) + " but this block is " + java.util.Arrays.toString(mine) + " ("
                    + describe() + ")");
        }
        cache.invalidate();
    }

    private int[] config() {
        return new int[] {inType.size(), outType.size(), numBasis(), numBiasBasis()};
    }

    @Override
    public String toString() {
        return "EquivariantLinear(" + inType + " -> " + outType + ", " + numBasis() + " coefficients, bias " + numBiasBasis()
                + ")";
    }

    /** Builder for {@link EquivariantLinear}. */
    public static final class Builder {
        private final FieldType inType;
        private final FieldType outType;
        private boolean bias = true;
        private Long seed;

        private Builder(FieldType inType, FieldType outType) {
            this.inType = Objects.requireNonNull(inType, "inType");
            this.outType = Objects.requireNonNull(outType, "outType");
            inType.requireSameGSpace(outType, "connect");
        }

        /** Whether to learn a bias in the invariant directions of the output fields (default true). */
        public Builder optBias(boolean bias) {
            this.bias = bias;
            return this;
        }

        /** Draw the initial coefficients from a Java generator with this seed instead of the engine's generator. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Builds the layer (intertwiner bases per pair of field types, reused from the GSpace).
         *
         * @throws IllegalArgumentException when the types share no irrep (only the zero map is equivariant)
         */
        public EquivariantLinear build() {
            GSpace space = inType.gspace();
            List<Representation<?>> ins = inType.distinctRepresentations();
            List<Representation<?>> outs = outType.distinctRepresentations();
            BasisExpansion.BlockBases bases = (o, i) -> space.linearBasis(ins.get(i), outs.get(o));
            List<double[][]> invariants = new ArrayList<>();
            for (Representation<?> r : outs) {
                invariants.add(bias ? space.invariantVectors(r) : new double[0][]);
            }
            BasisExpansion expansion = BasisExpansion.withBias(inType.types(), outType.types(), bases, 1, invariants);
            if (expansion.numCoefficients() == 0) {
                throw new IllegalArgumentException("no nonzero equivariant linear map exists from " + inType + " to " + outType
                        + ": they share no irrep (in: " + irrepNames(ins) + "; out: " + irrepNames(outs) + ")");
            }
            return new EquivariantLinear(this, expansion);
        }

        private static String irrepNames(List<Representation<?>> reps) {
            List<String> names = new ArrayList<>();
            for (Representation<?> rho : reps) {
                for (Irrep<?> psi : rho.irreps()) {
                    if (!names.contains(psi.name())) {
                        names.add(psi.name());
                    }
                }
            }
            return String.join(" + ", names);
        }
    }
}
