package org.equivariant4j.nn.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.equivariant4j.kernel.SampledKernelBasis;

/**
 * The one basis expansion of the library: learned coefficients times constant sampled bases give the weight of a layer
 * between two typed feature spaces, W [C_out, C_in, P] (P sample points: k² pixels of a convolution, 1 for a linear map).
 *
 * <h2>Blocks</h2>
 * Both sides are lists of fields, each field of one of a few types (a representation); a field of type a has size
 * d_a. For every pair (out type b, in type a) with a non-empty basis B_ba [K_ba, d_b, d_a, P] (the same for all
 * n_b·n_a field pairs of those types), the coefficients c_ba [n_b, n_a, K_ba] expand to
 * <pre>
 *   W[field f of type b, field g of type a] = Σ_k c_ba[f, g, k] · B_ba[k]      (d_b × d_a × P)
 * </pre>
 * in ONE matMul per block: c_ba [n_b·n_a, K] · B_ba [K, d_b·d_a·P], then a transpose to [n_b·d_b, n_a·d_a, P]. Blocks
 * are assembled in type-sorted order and, only when the fields of a type are not already contiguous and in that order,
 * permuted into the field order with one index selection per axis. A pair of types without a basis is zero.
 * The coefficient vector is the concatenation of the blocks' c_ba (row-major), in the order out type, then in type.
 *
 * <h2>Bias</h2>
 * A bias must be invariant: per output field of type b it lives in Hom_G(trivial, ρ_b), spanned by the invariant vectors
 * v_1 … v_m of ρ_b. {@link #expandBias} maps the coefficients [Σ_fields m] to b [C_out] with one matMul.
 *
 * <h2>Initialisation</h2>
 * {@link #coefficientStd(double)} gives the standard deviation of each coefficient such that, for inputs with i.i.d.
 * unit-variance components, the expected squared output averaged over the components of every output field is the gain
 * (1 preserves the variance): for out type b, σ_b² = gain · d_b / Σ_a n_a Σ_k ‖B_ba[k]‖².
 *
 * <p>Immutable; the engine arrays (bases, bias vectors, index arrays) are {@link DeviceConstants}, built per device and
 * dtype on first use.
 */
public final class BasisExpansion {
    /**
     * One side's fields.
     *
     * @param typeOfField the type index of every field, in field order
     * @param typeSizes   d_a of every type
     */
    public record Fields(int[] typeOfField, int[] typeSizes) {
        public Fields {
            typeOfField = typeOfField.clone();
            typeSizes = typeSizes.clone();
            for (int t : typeOfField) {
                if (t < 0 || t >= typeSizes.length) {
                    throw new IllegalArgumentException("field type " + t + " outside [0, " + typeSizes.length + ")");
                }
            }
            for (int d : typeSizes) {
                if (d < 1) {
                    throw new IllegalArgumentException("field sizes must be >= 1, got " + d);
                }
            }
        }

        /** The number of channels Σ d. */
        public int channels() {
            int c = 0;
            for (int t : typeOfField) {
                c += typeSizes[t];
            }
            return c;
        }

        /** How many fields have type t. */
        public int count(int type) {
            int n = 0;
            for (int t : typeOfField) {
                n += t == type ? 1 : 0;
            }
            return n;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Fields f && Arrays.equals(typeOfField, f.typeOfField) && Arrays.equals(typeSizes, f.typeSizes);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(typeOfField) + Arrays.hashCode(typeSizes);
        }

        @Override
        public String toString() {
            return "Fields(types " + Arrays.toString(typeOfField) + ", sizes " + Arrays.toString(typeSizes) + ")";
        }
    }

    /** The sampled basis between an input type and an output type, or null when only zero maps exist. */
    @FunctionalInterface
    public interface BlockBases {
        /** B_ba, or null. */
        SampledKernelBasis basis(int outType, int inType);

        /**
         * Engine copies of B_ba (one array [K, o·i·P], built by {@link #engineBasis}) shared with other expansions of the
         * same basis, e.g. by the GSpace that memoises it; null (the default) gives this expansion copies of its own.
         */
        default DeviceConstants sharedConstants(int outType, int inType) {
            return null;
        }
    }

    /** A block; {@code shared} holds its basis on the engine when other expansions share it, else null. */
    private record Block(int outType, int inType, int nOut, int nIn, SampledKernelBasis basis, int offset,
            DeviceConstants shared) {}

    private final Fields in;
    private final Fields out;
    private final int points;
    private final List<Block> blocks;
    private final int numCoefficients;
    private final int numBiasCoefficients;
    /** Row-major [numBias, C_out]: bias coefficient j's invariant vector, placed at its field. */
    private final double[] biasVectors;
    /** Field order → type-sorted order, per side (null when already sorted). */
    private final long[] outPermutation;
    private final long[] inPermutation;
    private final DeviceConstants constants;

    private BasisExpansion(Fields in, Fields out, BlockBases bases, int points, List<double[][]> invariantVectors) {
        this.in = Objects.requireNonNull(in, "in");
        this.out = Objects.requireNonNull(out, "out");
        if (points < 1) {
            throw new IllegalArgumentException("a basis expansion needs at least one sample point, got " + points);
        }
        this.points = points;
        List<Block> list = new ArrayList<>();
        int offset = 0;
        for (int b = 0; b < out.typeSizes().length; b++) {
            int nOut = out.count(b);
            if (nOut == 0) {
                continue;
            }
            for (int a = 0; a < in.typeSizes().length; a++) {
                int nIn = in.count(a);
                if (nIn == 0) {
                    continue;
                }
                SampledKernelBasis basis = bases.basis(b, a);
                if (basis == null || basis.size() == 0) {
                    continue;
                }
                if (basis.outSize() != out.typeSizes()[b] || basis.inSize() != in.typeSizes()[a] || basis.points() != points) {
                    throw new IllegalArgumentException("the basis for out type " + b + " and in type " + a + " has shape ("
                            + basis.outSize() + ", " + basis.inSize() + ", " + basis.points() + "), expected ("
                            + out.typeSizes()[b] + ", " + in.typeSizes()[a] + ", " + points + ")");
                }
                list.add(new Block(b, a, nOut, nIn, basis, offset, bases.sharedConstants(b, a)));
                offset += nOut * nIn * basis.size();
            }
        }
        this.blocks = List.copyOf(list);
        this.numCoefficients = offset;
        this.outPermutation = sortingPermutation(out);
        this.inPermutation = sortingPermutation(in);
        if (invariantVectors == null) {
            this.numBiasCoefficients = 0;
            this.biasVectors = new double[0];
        } else {
            if (invariantVectors.size() != out.typeSizes().length) {
                throw new IllegalArgumentException("expected invariant vectors for " + out.typeSizes().length + " output types, got "
                        + invariantVectors.size());
            }
            int cOut = out.channels();
            List<double[]> rows = new ArrayList<>();
            int channel = 0;
            for (int t : out.typeOfField()) {
                for (double[] v : invariantVectors.get(t)) {
                    double[] row = new double[cOut];
                    System.arraycopy(v, 0, row, channel, v.length);
                    rows.add(row);
                }
                channel += out.typeSizes()[t];
            }
            this.numBiasCoefficients = rows.size();
            this.biasVectors = new double[rows.size() * cOut];
            for (int j = 0; j < rows.size(); j++) {
                System.arraycopy(rows.get(j), 0, biasVectors, j * cOut, cOut);
            }
        }
        this.constants = new DeviceConstants("BasisExpansion constants", this::buildConstants);
    }

    /**
     * An expansion without bias.
     *
     * @param in     the input fields
     * @param out    the output fields
     * @param bases  the sampled basis per (out type, in type)
     * @param points P, the sample points of every basis
     */
    public static BasisExpansion of(Fields in, Fields out, BlockBases bases, int points) {
        return new BasisExpansion(in, out, bases, points, null);
    }

    /**
     * An expansion with a bias: {@code invariantVectors.get(b)} are the orthonormal invariant vectors of output type b
     * (each of length d_b; none for a type without a trivial irrep).
     */
    public static BasisExpansion withBias(Fields in, Fields out, BlockBases bases, int points, List<double[][]> invariantVectors) {
        return new BasisExpansion(in, out, bases, points, Objects.requireNonNull(invariantVectors, "invariantVectors"));
    }

    private static long[] sortingPermutation(Fields f) {
        int n = f.typeOfField().length;
        int[] starts = new int[n];
        int c = 0;
        for (int i = 0; i < n; i++) {
            starts[i] = c;
            c += f.typeSizes()[f.typeOfField()[i]];
        }
        long[] perm = new long[c];
        int at = 0;
        boolean identity = true;
        for (int t = 0; t < f.typeSizes().length; t++) {
            for (int i = 0; i < n; i++) {
                if (f.typeOfField()[i] != t) {
                    continue;
                }
                for (int j = 0; j < f.typeSizes()[t]; j++) {
                    perm[at] = starts[i] + j;
                    identity &= perm[at] == at;
                    at++;
                }
            }
        }
        if (identity) {
            return null;
        }
        // sorted position of each channel in field order: the inverse permutation
        long[] inverse = new long[c];
        for (int s = 0; s < c; s++) {
            inverse[(int) perm[s]] = s;
        }
        return inverse;
    }

    /** The number of learned weight coefficients, Σ_blocks n_b·n_a·K_ba. */
    public int numCoefficients() {
        return numCoefficients;
    }

    /** The number of learned bias coefficients (0 without a bias, or when no output field has an invariant vector). */
    public int numBiasCoefficients() {
        return numBiasCoefficients;
    }

    /** C_out. */
    public int outChannels() {
        return out.channels();
    }

    /** C_in. */
    public int inChannels() {
        return in.channels();
    }

    /** P. */
    public int points() {
        return points;
    }

    /** The input fields. */
    public Fields in() {
        return in;
    }

    /** The output fields. */
    public Fields out() {
        return out;
    }

    /** The number of basis elements between out type b and in type a (0 when they have none). */
    public int blockSize(int outType, int inType) {
        for (Block bl : blocks) {
            if (bl.outType() == outType && bl.inType() == inType) {
                return bl.basis().size();
            }
        }
        return 0;
    }

    /** The standard deviation of every coefficient for the given gain (see the class doc), in coefficient order. */
    public double[] coefficientStd(double gain) {
        double[] energy = new double[out.typeSizes().length];
        for (Block bl : blocks) {
            double e = 0;
            for (int k = 0; k < bl.basis().size(); k++) {
                e += bl.basis().squaredNorm(k);
            }
            energy[bl.outType()] += bl.nIn() * e;
        }
        double[] std = new double[numCoefficients];
        for (Block bl : blocks) {
            double s = Math.sqrt(gain * out.typeSizes()[bl.outType()] / energy[bl.outType()]);
            Arrays.fill(std, bl.offset(), bl.offset() + bl.nOut() * bl.nIn() * bl.basis().size(), s);
        }
        return std;
    }

    private NDList buildConstants(NDManager manager, DataType dataType) {
        NDList list = new NDList();
        for (Block bl : blocks) {
            if (bl.shared() == null) {
                list.add(engineBasis(manager, bl.basis(), dataType));
            }
        }
        if (numBiasCoefficients > 0) {
            list.add(Tensors.fromFlat(manager, biasVectors, new Shape(numBiasCoefficients, out.channels()), dataType));
        }
        if (outPermutation != null) {
            list.add(manager.create(outPermutation));
        }
        if (inPermutation != null) {
            list.add(manager.create(inPermutation));
        }
        return list;
    }

    /**
     * B [K, o·i·P] on the engine, written by the basis straight into a native buffer of the engine's dtype (no double
     * array in between: the SO(3) fields of 35 channels have 393 × 35 × 35 × 125 values).
     */
    public static NDArray engineBasis(NDManager manager, SampledKernelBasis b, DataType dataType) {
        Shape shape = new Shape(b.size(), (long) b.outSize() * b.inSize() * b.points());
        int bytes = switch (dataType) {
            case FLOAT32 -> 4;
            case FLOAT64 -> 8;
            default -> throw new IllegalArgumentException("expected a floating type float32 or float64, got " + dataType);
        };
        if (shape.size() * bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the sampled basis " + shape + " needs " + shape.size() * bytes
                    + " bytes, more than one engine buffer holds (2 GiB): use fewer or smaller fields per layer");
        }
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocateDirect((int) (shape.size() * bytes))
                .order(java.nio.ByteOrder.nativeOrder());
        if (bytes == 4) {
            b.writeValues(buffer.asFloatBuffer());
        } else {
            b.writeValues(buffer.asDoubleBuffer());
        }
        return manager.create(buffer, shape, dataType);
    }

    /**
     * The weight W [C_out, C_in, P] from the coefficients [numCoefficients] (differentiable in them); the result and
     * all intermediates attach to {@code target}.
     */
    public NDArray expand(NDArray coefficients, NDManager target) {
        if (coefficients.getShape().dimension() != 1 || coefficients.getShape().get(0) != numCoefficients) {
            throw new IllegalArgumentException("expected " + numCoefficients + " coefficients, got shape " + coefficients.getShape());
        }
        DeviceConstants.Copy k = constants.get(coefficients.getDevice(), coefficients.getDataType(), coefficients.getManager());
        NDArray c = coefficients.reshape(numCoefficients);
        c.attach(target);
        int cOut = out.channels();
        int cIn = in.channels();
        if (blocks.isEmpty()) {
            return target.zeros(new Shape(cOut, cIn, points), coefficients.getDataType(), coefficients.getDevice());
        }
        // expanded blocks, keyed by (out type, in type)
        NDArray[][] expanded = new NDArray[out.typeSizes().length][in.typeSizes().length];
        int at = 0;
        for (Block bl : blocks) {
            NDArray basis = bl.shared() == null ? k.get(at++)
                    : bl.shared().get(coefficients.getDevice(), coefficients.getDataType(), coefficients.getManager()).get(0);
            int kk = bl.basis().size();
            int dOut = bl.basis().outSize();
            int dIn = bl.basis().inSize();
            NDArray cb = c.get(new NDIndex(bl.offset() + ":" + (bl.offset() + (long) bl.nOut() * bl.nIn() * kk)))
                    .reshape((long) bl.nOut() * bl.nIn(), kk);
            expanded[bl.outType()][bl.inType()] = cb.matMul(basis)
                    .reshape(bl.nOut(), bl.nIn(), dOut, dIn, points)
                    .transpose(0, 2, 1, 3, 4)
                    .reshape((long) bl.nOut() * dOut, (long) bl.nIn() * dIn, points);
        }
        NDArray w;
        if (blocks.size() == 1 && in.typeSizes().length == 1 && out.typeSizes().length == 1) {
            w = expanded[blocks.get(0).outType()][blocks.get(0).inType()];
        } else {
            NDList rows = new NDList();
            for (int b = 0; b < out.typeSizes().length; b++) {
                int nOut = out.count(b);
                if (nOut == 0) {
                    continue;
                }
                NDList cols = new NDList();
                for (int a = 0; a < in.typeSizes().length; a++) {
                    int nIn = in.count(a);
                    if (nIn == 0) {
                        continue;
                    }
                    NDArray e = expanded[b][a];
                    cols.add(e != null ? e : target.zeros(new Shape((long) nOut * out.typeSizes()[b],
                            (long) nIn * in.typeSizes()[a], points), coefficients.getDataType(), coefficients.getDevice()));
                }
                rows.add(cols.size() == 1 ? cols.get(0) : NDArrays.concat(cols, 1));
            }
            w = rows.size() == 1 ? rows.get(0) : NDArrays.concat(rows, 0);
        }
        at += numBiasCoefficients > 0 ? 1 : 0;
        if (outPermutation != null) {
            w = w.get(new NDIndex("{}", k.get(at++)));
        }
        if (inPermutation != null) {
            w = w.get(new NDIndex(":, {}", k.get(at)));
        }
        return w;
    }

    /** The bias b [C_out] from its coefficients [numBiasCoefficients] (differentiable), attached to {@code target}. */
    public NDArray expandBias(NDArray biasCoefficients, NDManager target) {
        if (numBiasCoefficients == 0) {
            throw new IllegalStateException("this expansion has no bias coefficients");
        }
        if (biasCoefficients.getShape().dimension() != 1 || biasCoefficients.getShape().get(0) != numBiasCoefficients) {
            throw new IllegalArgumentException("expected " + numBiasCoefficients + " bias coefficients, got shape "
                    + biasCoefficients.getShape());
        }
        DeviceConstants.Copy k = constants.get(biasCoefficients.getDevice(), biasCoefficients.getDataType(),
                biasCoefficients.getManager());
        NDArray beta = biasCoefficients.reshape(1, numBiasCoefficients);
        beta.attach(target);
        return beta.matMul(k.get(ownBases())).reshape(out.channels());
    }

    /** How many blocks keep their basis among this expansion's own constants (the others share theirs). */
    private int ownBases() {
        return (int) blocks.stream().filter(bl -> bl.shared() == null).count();
    }

    /**
     * Drops the engine copies of this expansion's own constants built under {@code manager}'s device and rebuilds them
     * there; shared bases are only built if missing or unusable (another expansion may be using them).
     */
    public void rebuildConstants(NDManager manager, DataType dataType) {
        constants.rebuild(manager, dataType);
        for (Block bl : blocks) {
            if (bl.shared() != null) {
                bl.shared().get(manager.getDevice(), dataType, manager);
            }
        }
    }
}
