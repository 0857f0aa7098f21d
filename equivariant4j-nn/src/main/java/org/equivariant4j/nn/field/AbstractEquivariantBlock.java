package org.equivariant4j.nn.field;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.linalg.Matrices;
import org.equivariant4j.nn.ops.BlockInputs;
import org.equivariant4j.nn.ops.DeviceConstants;
import org.equivariant4j.repr.Representation;

/**
 * What the one-input blocks on typed feature fields share (nonlinearities, batch norms, pooling, resampling): the input
 * and output {@link FieldType}, the input check, the output shape and a configuration check when parameters are loaded.
 *
 * <p>Inputs are [batch, C_in, spatial…] with as many spatial axes as the GSpace's base space has dimensions (two on the
 * plane, none without a base space) and C_in = inType().size(); anything else is refused with an
 * {@link IllegalArgumentException} naming the type and both shapes. Subclasses compute {@link #forward(ParameterStore,
 * NDArray, boolean)} and {@link #outputShape(Shape)} on checked inputs.
 *
 * <p>Saved parameters carry the configuration {@link #config()}; loading parameters saved for another configuration is
 * refused with a {@link MalformedModelException} naming both.
 */
public abstract class AbstractEquivariantBlock extends AbstractBlock implements EquivariantBlock {
    private static final byte VERSION = 1;

    private final FieldType inType;
    private final FieldType outType;
    private final List<DeviceConstants> constants = new ArrayList<>();

    /** A block from {@code inType} to {@code outType} (the same GSpace dimension). */
    protected AbstractEquivariantBlock(FieldType inType, FieldType outType) {
        super(VERSION);
        this.inType = Objects.requireNonNull(inType, "inType");
        this.outType = Objects.requireNonNull(outType, "outType");
    }

    @Override
    public final FieldType inType() {
        return inType;
    }

    @Override
    public final FieldType outType() {
        return outType;
    }

    /**
     * Registers constant arrays of this block (filters, matrices, index arrays): rebuilt on {@link #initialize} in the
     * model's manager and dtype, otherwise built on first use under the input's manager.
     */
    protected final DeviceConstants addConstants(String name, DeviceConstants.Factory factory) {
        DeviceConstants c = new DeviceConstants(getClass().getSimpleName() + " " + name, factory);
        constants.add(c);
        return c;
    }

    /** The copy of registered (or exported) constants for x's device and dtype. */
    protected static DeviceConstants.Copy constantsFor(DeviceConstants c, NDArray x) {
        return c.get(x.getDevice(), x.getDataType(), x.getManager());
    }

    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        super.initialize(manager, dataType, inputShapes);
        for (DeviceConstants c : constants) {
            c.rebuild(manager, dataType);
        }
    }

    /** The number of spatial axes of inputs: the dimension of the base space. */
    protected final int spatialDims() {
        return inType.gspace().dimension();
    }

    /** y = f(x) for a checked input x [batch, C_in, spatial…]. */
    protected abstract NDArray forward(ParameterStore parameterStore, NDArray x, boolean training);

    /**
     * The output shape for a checked input shape; by default the input's with C_out channels (blocks that keep the
     * positions).
     */
    protected Shape outputShape(Shape input) {
        long[] dims = input.getShape().clone();
        dims[1] = outType.size();
        return new Shape(dims);
    }

    @Override
    protected final NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = BlockInputs.single(this, inputs);
        checkInput(x.getShape());
        return new NDList(forward(ps, x, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = BlockInputs.singleShape(this, inputShapes);
        checkInput(s);
        return new Shape[] {outputShape(s)};
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        getOutputShapes(inputShapes);
    }

    /** Checks [batch, C_in, spatial…]. */
    protected void checkInput(Shape s) {
        int rank = 2 + spatialDims();
        if (s.dimension() != rank || s.get(1) != inType.size()) {
            throw new IllegalArgumentException(this + " expects an input of shape (batch, " + inType.size()
                    + (rank == 2 ? "" : rank == 4 ? ", height, width" : rank == 5 ? ", depth, height, width"
                    : ", spatial x" + spatialDims()) + ") for the type "
                    + inType + ", got " + s);
        }
    }

    /** A vector v [n] as [1, n, 1…] (one 1 per spatial axis), to broadcast along axis 1 of the inputs. */
    protected final NDArray alongAxis1(NDArray v) {
        long[] dims = new long[2 + spatialDims()];
        Arrays.fill(dims, 1);
        dims[1] = v.getShape().size();
        return v.reshape(new Shape(dims));
    }

    /**
     * A plain block computing {@code f} on the single input array, for exports of blocks DJL has no counterpart for.
     * {@code f} must not read this block's parameters (capture copies).
     */
    protected final Block exportFunction(UnaryOperator<NDArray> f) {
        return new LambdaBlock(list -> new NDList(f.apply(list.singletonOrThrow())), "export of " + getClass().getSimpleName());
    }

    /** The values that must agree between saved parameters and this block; by default the sizes of both types. */
    protected int[] config() {
        return new int[] {inType.size(), inType.fields(), outType.size(), outType.fields()};
    }

    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        super.saveMetadata(os);
        int[] c = config();
        os.writeInt(c.length);
        for (int v : c) {
            os.writeInt(v);
        }
    }

    @Override
    protected void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        super.loadMetadata(loadVersion, is);
        int n = is.readInt();
        int[] mine = config();
        int[] saved = new int[n];
        for (int i = 0; i < n; i++) {
            saved[i] = is.readInt();
        }
        if (!Arrays.equals(saved, mine)) {
            throw new MalformedModelException(getClass().getSimpleName() + " parameters were saved for the configuration "
                    + Arrays.toString(saved) + " but this block is " + Arrays.toString(mine) + " (" + this + ")");
        }
    }

    /**
     * Refuses a type whose fields are not all permutation representations (trivial, regular, quotient of a finite
     * group), naming the block, the type and the offending fields.
     */
    protected static void requirePointwise(String block, FieldType type) {
        if (!type.isPointwiseCompatible()) {
            throw new IllegalArgumentException(block + " acts channel by channel and needs fields whose representations permute"
                    + " the channels (trivial, regular or quotient representations of a finite group); " + type + " has "
                    + type.distinctRepresentations().stream().map(r -> r.name()).toList());
        }
    }

    /**
     * Refuses a type with a field whose representation is not orthogonal (checked on the group's generators): norms of
     * such fields are not invariant.
     */
    protected static void requireOrthogonal(String block, FieldType type) {
        for (Representation<?> r : type.distinctRepresentations()) {
            for (GroupElement g : r.group().generators()) {
                if (!Matrices.isOrthogonal(GSpace.matrix(r, g), 1e-9)) {
                    throw new IllegalArgumentException(block + " uses the norms of fields and needs orthogonal representations;"
                            + " in " + type + ", " + r + " is not orthogonal at " + g);
                }
            }
        }
    }

    /** Refuses a type without a planar base space. */
    protected static void requirePlanar(String block, FieldType type) {
        requireBaseSpace(block, type, 2);
    }

    /** Refuses a type whose base space is not R^d (d = 2: images, d = 3: volumes); returns the type. */
    protected static FieldType requireBaseSpace(String block, FieldType type, int dimension) {
        if (type.gspace().dimension() != dimension) {
            throw new IllegalArgumentException(block + " works on " + (dimension == 2 ? "images and needs a type on the plane"
                    : "volumes and needs a type on R3") + ", got " + type + " with a " + type.gspace().dimension()
                    + "-dimensional base space");
        }
        return type;
    }

    /** Refuses a type without a base space (images or volumes). */
    protected static void requireSpatial(String block, FieldType type) {
        if (type.gspace().dimension() == 0) {
            throw new IllegalArgumentException(block + " works on images or volumes and needs a type with a base space, got "
                    + type);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + inType + (inType.equals(outType) ? "" : " -> " + outType) + ")";
    }
}
