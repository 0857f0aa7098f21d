package org.equivariant4j.nn.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import org.equivariant4j.nn.ops.Tensors;

/** Test helpers for saving and loading a block's parameters. */
public final class SaveLoadChecks {
    private SaveLoadChecks() {}

    /**
     * Checks that the parameters of the initialised block {@code original} survive both round trips bit-exactly, with
     * the same inference output on {@code x}:
     * <ol>
     *   <li>{@code saveParameters} / {@code loadParameters} into {@code streamCopy}, with no {@code initialize}
     *       afterwards (constants are rebuilt on first use);</li>
     *   <li>{@code Model.save} / {@code Model.load} into {@code modelCopy} under {@code dir}, then
     *       {@code initialize} as DJL recommends for constant buffers.</li>
     * </ol>
     * Copies are built with other seeds than the original. Returns the bytes of step 1, for checks of other
     * configurations with {@link #load}.
     */
    public static byte[] assertRoundTripsExact(Block original, Block streamCopy, Block modelCopy, NDArray x,
            NDManager parent, Path dir, String name) throws IOException, MalformedModelException {
        double[] expected = output(original, x.getManager(), x);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        original.saveParameters(new DataOutputStream(bytes));
        try (NDManager m = parent.newSubManager()) {
            load(streamCopy, m, bytes.toByteArray());
            assertParametersEqual(original, streamCopy);
            assertArrayEquals(expected, output(streamCopy, m, x), 0.0);
        }
        try (Model model = Model.newInstance(name)) {
            model.setBlock(original);
            model.save(dir, name);
        }
        try (Model model = Model.newInstance(name)) {
            model.setBlock(modelCopy);
            model.load(dir, name);
            modelCopy.initialize(model.getNDManager(), x.getDataType(), x.getShape());
            assertParametersEqual(original, modelCopy);
            assertArrayEquals(expected, output(modelCopy, model.getNDManager(), x), 0.0);
        }
        return bytes.toByteArray();
    }

    /** {@code block.loadParameters} from saved bytes. */
    public static void load(Block block, NDManager manager, byte[] bytes) throws IOException, MalformedModelException {
        block.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes)));
    }

    private static double[] output(Block block, NDManager manager, NDArray x) {
        return Tensors.toDoubles(block.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow());
    }

    private static void assertParametersEqual(Block a, Block b) {
        PairList<String, Parameter> pa = a.getParameters();
        PairList<String, Parameter> pb = b.getParameters();
        assertEquals(pa.keys(), pb.keys());
        for (int i = 0; i < pa.size(); i++) {
            Pair<String, Parameter> p = pa.get(i);
            assertArrayEquals(Tensors.toDoubles(p.getValue().getArray()), Tensors.toDoubles(pb.get(i).getValue().getArray()), 0.0,
                    p.getKey());
        }
    }
}
