package org.equivariant4j.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A copy of every parameter of a block (running statistics included), kept on the engine, that can be written back
 * into the block's own arrays — in place, so optimisers and data-parallel replicas that hold those arrays stay valid —
 * and written to or read from a stream. The values travel bit for bit (NaN payloads and signed zeros included).
 */
final class ParameterSnapshot implements AutoCloseable {
    private final NDManager manager;
    private final List<String> names;
    private final List<NDArray> arrays;

    private ParameterSnapshot(NDManager manager, List<String> names, List<NDArray> arrays) {
        this.manager = manager;
        this.names = names;
        this.arrays = arrays;
    }

    /** The block's current parameters, copied onto a new sub-manager of {@code parent}. */
    static ParameterSnapshot of(Block block, NDManager parent) {
        NDManager m = parent.newSubManager();
        List<String> names = new ArrayList<>();
        List<NDArray> arrays = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray copy = p.getValue().getArray().duplicate();
            NDScope.unregister(copy);
            copy.attach(m);
            names.add(p.getKey());
            arrays.add(copy);
        }
        return new ParameterSnapshot(m, names, arrays);
    }

    /** Writes the values back into the block's parameter arrays, in place. */
    void restoreInto(Block block) {
        ai.djl.nn.ParameterList ps = block.getParameters();
        if (ps.size() != arrays.size()) {
            throw new IllegalArgumentException("the snapshot holds " + arrays.size() + " parameters, the block has " + ps.size());
        }
        for (int i = 0; i < ps.size(); i++) {
            NDArray target = ps.get(i).getValue().getArray();
            NDArray source = arrays.get(i);
            if (!ps.get(i).getKey().equals(names.get(i)) || !target.getShape().equals(source.getShape())
                    || target.getDataType() != source.getDataType()) {
                throw new IllegalArgumentException("parameter " + i + " is " + ps.get(i).getKey() + " " + target.getDataType()
                        + " " + target.getShape() + " in the block but " + names.get(i) + " " + source.getDataType() + " "
                        + source.getShape() + " in the snapshot");
            }
            target.set(new NDIndex("..."), source);
        }
    }

    /** Names and values, in the block's parameter order. */
    void write(DataOutputStream out) throws IOException {
        out.writeInt(arrays.size());
        for (int i = 0; i < arrays.size(); i++) {
            out.writeUTF(names.get(i));
            byte[] bytes = arrays.get(i).encode();
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    /** Reads what {@link #write} wrote onto a new sub-manager of {@code parent}. */
    static ParameterSnapshot read(DataInputStream in, NDManager parent) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1_000_000) {
            throw new IOException("implausible parameter count " + n);
        }
        NDManager m = parent.newSubManager();
        List<String> names = new ArrayList<>();
        List<NDArray> arrays = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                names.add(in.readUTF());
                int len = in.readInt();
                if (len < 0) {
                    throw new IOException("negative array length");
                }
                NDArray a = NDArray.decode(m, in.readNBytes(len));
                NDScope.unregister(a);
                arrays.add(a);
            }
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
        return new ParameterSnapshot(m, names, arrays);
    }

    @Override
    public void close() {
        manager.close();
    }
}
