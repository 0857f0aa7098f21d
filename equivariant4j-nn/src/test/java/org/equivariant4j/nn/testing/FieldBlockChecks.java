package org.equivariant4j.nn.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.nn.TestSupport;
import org.equivariant4j.nn.field.EquivariantBlock;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.ops.Tensors;

/**
 * Test helpers for blocks on field types: random inputs of a block's type, random parameters, the equivariance check
 * in float32 and float64 (grid elements on the plane and in space, the group's test elements without a base space) in inference
 * and training mode, and the comparison of a block with its export.
 */
public final class FieldBlockChecks {
    /** Grid elements in float32. */
    public static final double FLOAT32_TOLERANCE = 1e-5;
    /** Grid elements in float64. */
    public static final double FLOAT64_TOLERANCE = 1e-9;

    private FieldBlockChecks() {}

    /**
     * A standard-normal input of the block's type: [2, C, size, size] on the plane, [2, C, size, size, size] in space,
     * [8, C] without a base space.
     */
    public static NDArray input(FieldType type, NDManager m, DataType dt, int size, long seed) {
        int d = type.gspace().dimension();
        Shape s = d == 0 ? new Shape(8, type.size()) : d == 2 ? new Shape(2, type.size(), size, size)
                : new Shape(2, type.size(), size, size, size);
        return TestSupport.gaussian(m, s, dt, seed);
    }

    /** Initialises the block for x and moves every parameter away from its initial value (running variances stay > 0). */
    public static void initializeRandomly(Block block, NDArray x, long seed) {
        block.initialize(x.getManager(), x.getDataType(), x.getShape());
        SplittableRandom rng = new SplittableRandom(seed);
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray a = p.getValue().getArray();
            double[] v = Tensors.toDoubles(a);
            for (int i = 0; i < v.length; i++) {
                v[i] = p.getValue().getType() == Parameter.Type.RUNNING_VAR ? 0.5 + rng.nextDouble() : v[i] + 0.5 * rng.nextGaussian();
            }
            a.set(new NDIndex(":"), Tensors.fromFlat(a.getManager(), v, a.getShape(), a.getDataType()));
        }
    }

    /** The block in inference or training mode. */
    public static java.util.function.UnaryOperator<NDArray> function(Block block, NDManager m, boolean training) {
        ParameterStore ps = new ParameterStore(m, false);
        return x -> block.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    /** f(g·x) against g·f(x) over the grid elements (or the group's test elements without a base space). */
    public static Equivariance.Report check(EquivariantBlock block, NDArray x, boolean training) {
        FieldType in = block.inType();
        List<GroupElement> elements = in.gspace().dimension() == 0 ? in.gspace().testElements(16, 0x5eed)
                : in.gspace().gridElements();
        return Equivariance.check(function(block, x.getManager(), training), Equivariance.onFields(in),
                Equivariance.onFields(block.outType()), elements, x);
    }

    /**
     * Builds the block twice (float32 and float64), randomises its parameters and asserts equivariance below
     * {@link #FLOAT32_TOLERANCE} and {@link #FLOAT64_TOLERANCE}, in inference and, if asked, training mode.
     */
    public static void assertEquivariant(Supplier<? extends EquivariantBlock> factory, NDManager parent, int size,
            boolean training, long seed) {
        for (DataType dt : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
            double tolerance = dt == DataType.FLOAT32 ? FLOAT32_TOLERANCE : FLOAT64_TOLERANCE;
            try (NDManager m = parent.newSubManager()) {
                EquivariantBlock block = factory.get();
                NDArray x = input(block.inType(), m, dt, size, seed);
                initializeRandomly(block, x, seed + 1);
                for (boolean mode : training ? new boolean[] {false, true} : new boolean[] {false}) {
                    Equivariance.Report r = check(block, x, mode);
                    System.out.printf("%s %s %s: %s%n", block, dt, mode ? "training" : "inference", r);
                    assertTrue(r.passes(tolerance), block + " " + dt + (mode ? " training" : " inference") + ": " + r);
                }
            }
        }
    }

    /**
     * For an initialised float64 block: the autograd gradient of {@link GradientChecks#loss} in every trainable
     * parameter entry matches central finite differences.
     */
    public static void assertParameterGradients(Block block, NDArray x, long seed) {
        NDManager m = x.getManager();
        ParameterStore ps = new ParameterStore(m, false);
        NDArray probe = function(block, m, true).apply(x);
        NDArray r = TestSupport.gaussian(m, probe.getShape(), DataType.FLOAT64, seed);
        List<Parameter> params = block.getParameters().values().stream().filter(Parameter::requiresGradient).toList();
        assertTrue(!params.isEmpty(), block + " has trainable parameters");
        double[][] grads = new double[params.size()][];
        for (Parameter p : params) {
            ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) p.getArray());
        }
        try (ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
            gc.backward(GradientChecks.loss(block, ps, x, r));
            for (int i = 0; i < grads.length; i++) {
                grads[i] = params.get(i).getArray().getGradient().toDoubleArray();
            }
        }
        for (int i = 0; i < grads.length; i++) {
            GradientChecks.checkGradient(block + " " + params.get(i).getName(), block, ps, x, r, params.get(i).getArray(),
                    grads[i]);
        }
    }

    /** Asserts that the export gives the block's inference output on x within {@code tolerance}. */
    public static void assertExportMatches(EquivariantBlock block, NDArray x, double tolerance) {
        NDArray y = function(block, x.getManager(), false).apply(x);
        Block plain = block.export();
        NDArray z = function(plain, x.getManager(), false).apply(x);
        assertEquals(y.getShape(), z.getShape());
        double scale = Math.max(1, y.abs().max().toType(DataType.FLOAT64, false).getDouble());
        assertEquals(0.0, y.sub(z).abs().max().toType(DataType.FLOAT64, false).getDouble(), tolerance * scale,
                "export of " + block);
    }
}
