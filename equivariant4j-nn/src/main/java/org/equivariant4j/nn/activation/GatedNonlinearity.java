package org.equivariant4j.nn.activation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.equivariant4j.nn.field.AbstractEquivariantBlock;
import org.equivariant4j.nn.field.FieldRuns;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.ops.DeviceConstants;
import org.equivariant4j.repr.Representation;

/**
 * Gated nonlinearities (escnn's GatedNonLinearity1): some fields of the input are gates (trivial fields), the others
 * are gated fields of any representation; the i-th gated field is multiplied by σ(s_i − b_i), s_i the i-th gate (in
 * field order) and b_i a learned bias (parameter "bias", one per gate, zeros).
 *
 * <p>Output: the gated fields in their order ({@code dropGates}, the default), or the input type with each gate
 * replaced by σ(s_i − b_i). Gates and gated fields held in two tensors (escnn's GatedNonLinearity2) are one
 * {@code GeometricTensor.concat} away from this block.
 *
 * <h2>Equivariance</h2>
 * The gates are invariant scalars, and multiplying a field by an invariant scalar commutes with ρ(g) for every
 * representation: exact for every element.
 */
public final class GatedNonlinearity extends AbstractEquivariantBlock {
    private final int[] gateFields;
    private final boolean dropGates;
    private final long[] gateChannels;
    private final long[] gatedChannels;
    /** With the gates kept: output channel c comes from channel order[c] of [σ(gates), gated outputs]. */
    private final long[] outputOrder;
    private final FieldRuns gatedRuns;
    private final Parameter bias;
    private final DeviceConstants indices;

    private GatedNonlinearity(FieldType in, boolean[] isGate, boolean dropGates) {
        super(in, dropGates ? select(in, isGate, false) : in);
        this.dropGates = dropGates;
        List<Integer> gates = new ArrayList<>();
        List<Long> gateCh = new ArrayList<>();
        List<Long> gatedCh = new ArrayList<>();
        long[] order = new long[in.size()];
        int gatedSoFar = 0;
        int gatesTotal = 0;
        for (boolean g : isGate) {
            gatesTotal += g ? 1 : 0;
        }
        for (int f = 0; f < in.fields(); f++) {
            int start = in.fieldStart(f);
            if (isGate[f]) {
                requireTrivialGate(in, f);
                order[start] = gates.size();
                gates.add(f);
                gateCh.add((long) start);
            } else {
                for (int c = 0; c < in.fieldSize(f); c++) {
                    order[start + c] = gatesTotal + gatedSoFar++;
                    gatedCh.add((long) start + c);
                }
            }
        }
        int gated = in.fields() - gates.size();
        if (gates.size() != gated) {
            throw new IllegalArgumentException("GatedNonlinearity needs one gate per gated field; " + in + " has " + gates.size()
                    + " gates and " + gated + " gated fields (gates at fields " + gates + ")");
        }
        this.gateFields = gates.stream().mapToInt(Integer::intValue).toArray();
        this.gateChannels = gateCh.stream().mapToLong(Long::longValue).toArray();
        this.gatedChannels = gatedCh.stream().mapToLong(Long::longValue).toArray();
        this.outputOrder = order;
        this.gatedRuns = FieldRuns.of(select(in, isGate, false));
        this.bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(gates.size())).optInitializer(Initializer.ZEROS).build());
        this.indices = addConstants("indices", this::buildIndices);
    }

    /** The first half of the fields gate the second half (escnn's default), gates dropped. */
    public static GatedNonlinearity of(FieldType type) {
        if (type.fields() % 2 != 0) {
            throw new IllegalArgumentException("GatedNonlinearity.of(type) takes the first half of the fields as gates and needs"
                    + " an even number of fields; " + type + " has " + type.fields());
        }
        int[] gates = new int[type.fields() / 2];
        Arrays.setAll(gates, i -> i);
        return of(type, gates, true);
    }

    /** The fields listed in {@code gateFields} are gates, the others gated fields, in order. */
    public static GatedNonlinearity of(FieldType type, int[] gateFields, boolean dropGates) {
        boolean[] isGate = new boolean[type.fields()];
        for (int f : gateFields) {
            if (f < 0 || f >= type.fields() || isGate[f]) {
                throw new IllegalArgumentException("gate fields must be distinct field indices in [0, " + type.fields() + ") of "
                        + type + ", got " + Arrays.toString(gateFields));
            }
            isGate[f] = true;
        }
        return new GatedNonlinearity(type, isGate, dropGates);
    }

    private static FieldType select(FieldType type, boolean[] isGate, boolean gates) {
        List<Representation<?>> reps = new ArrayList<>();
        for (int f = 0; f < type.fields(); f++) {
            if (isGate[f] == gates) {
                reps.add(type.representations().get(f));
            }
        }
        if (reps.isEmpty()) {
            throw new IllegalArgumentException("GatedNonlinearity needs gates and gated fields; " + type + " has "
                    + (gates ? "no gates" : "no gated fields"));
        }
        return FieldType.of(type.gspace(), reps);
    }

    private static void requireTrivialGate(FieldType type, int field) {
        if (!type.select(field, field + 1).isTrivial()) {
            throw new IllegalArgumentException("GatedNonlinearity: a gate must be a trivial field, but field " + field + " of "
                    + type + " is " + type.representations().get(field));
        }
    }

    /** The gate fields of the input type. */
    public int[] gateFields() {
        return gateFields.clone();
    }

    /** Whether the gates are left out of the output. */
    public boolean dropsGates() {
        return dropGates;
    }

    /** b, one per gate. */
    public Parameter bias() {
        return bias;
    }

    /** The index arrays (int64 whatever the dtype asked for). */
    private NDList buildIndices(NDManager manager, DataType ignored) {
        return new NDList(manager.create(gateChannels), manager.create(gatedChannels), manager.create(outputOrder));
    }

    @Override
    protected NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        return apply(x, alongAxis1(ps.getValue(bias, x.getDevice(), training)), indices);
    }

    private NDArray apply(NDArray x, NDArray b, DeviceConstants index) {
        DeviceConstants.Copy k = constantsFor(index, x);
        NDArray gates = Activation.sigmoid(x.get(new NDIndex(":, {}", k.get(0))).sub(b));
        NDArray gated = gatedRuns.scale(x.get(new NDIndex(":, {}", k.get(1))), gates);
        if (dropGates) {
            return gated;
        }
        return NDArrays.concat(new NDList(gates, gated), 1).get(new NDIndex(":, {}", k.get(2)));
    }

    /** A plain block with a copy of the current bias. */
    @Override
    public Block export() {
        NDArray b = alongAxis1(bias.getArray().stopGradient().duplicate());
        DeviceConstants index = new DeviceConstants("exported GatedNonlinearity indices", this::buildIndices);
        return exportFunction(x -> apply(x, b.toDevice(x.getDevice(), false), index));
    }

    @Override
    protected int[] config() {
        int[] c = Arrays.copyOf(gateFields, gateFields.length + 3);
        c[gateFields.length] = inType().size();
        c[gateFields.length + 1] = outType().size();
        c[gateFields.length + 2] = dropGates ? 1 : 0;
        return c;
    }

    @Override
    public String toString() {
        return "GatedNonlinearity(" + inType() + " -> " + outType() + ", gates " + Arrays.toString(gateFields) + ")";
    }
}
