package org.equivariant4j.nn.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A TorchScript module compiled from source text written in Java: the library's escape hatch to ATen
 * operators that DJL does not bind, and to running a whole multi-op function in one engine call
 * (one JNI crossing instead of one per op; the ops' backward nodes join DJL's autograd graph).
 *
 * <p>The source is the body of a TorchScript class as it appears in a serialised archive's
 * {@code code/__torch__.py}: methods with fully annotated signatures, {@code torch.*} operators,
 * no parameters or buffers of its own. Everything learnable comes in as arguments, so parameters,
 * optimisers and saving stay with DJL blocks. Example:
 *
 * <pre>{@code
 * ScriptModule ops = ScriptModule.compile(manager, String.join("\n",
 *     "def axpy(self, a: Tensor, x: Tensor, y: Tensor) -> Tensor:",
 *     "  return torch.add(torch.mul(a, x), y)"));
 * NDArray z = ops.call("axpy", true, a, x, y).singletonOrThrow();   // differentiable in a, x, y
 * }</pre>
 *
 * <p>Methods returning a Tensor give a one-element list; a tuple of tensors gives its elements in order.
 * Results are attached to the first input's manager (and registered with an open
 * {@link ai.djl.ndarray.NDScope}). Calls are thread-safe as far as TorchScript's method calls are. Methods run
 * in TorchScript's interpreter without the profiling graph executor's rewrites (their autodiff subgraphs
 * made backward passes slower here); gradients come from ordinary autograd nodes.
 *
 * <p>How: libtorch compiles the source of a TorchScript archive when it loads it, so a four-file zip
 * (a tiny pickle of the module object, an empty constants table, the source, a version) written here
 * loads through {@link JniUtils#loadModule}; a method other than {@code forward} is selected by DJL's
 * {@code module_method:<name>} marker array (see shared/reference/djl.md §2b).
 */
public final class ScriptModule implements AutoCloseable {
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** Input names DJL's IValue conversion would read as list / tuple / dict markers. */
    private static final Pattern SPECIAL_NAME = Pattern.compile("(.*\\..*)|(\\w+\\[])|(\\w+\\(\\))|(module_method:.*)");

    private final PtSymbolBlock block;
    private final NDManager manager;
    private final Map<String, NDArray> methodMarkers = new ConcurrentHashMap<>();

    private ScriptModule(PtSymbolBlock block, NDManager manager) {
        this.block = block;
        this.manager = manager;
    }

    /**
     * Compiles the methods in {@code methods} (TorchScript source, each method indented by two spaces
     * under no class header: the header is added here).
     *
     * @param manager manager of the native module (a PyTorch engine manager); the module lives until
     *     {@link #close()} or until the manager closes
     * @param methods method definitions, e.g. {@code "def f(self, x: Tensor) -> Tensor:\n  return x"}
     * @throws IllegalArgumentException when TorchScript rejects the source (the message has the compiler's)
     */
    public static ScriptModule compile(NDManager manager, String methods) {
        if (!(manager instanceof PtNDManager)) {
            throw new IllegalArgumentException("ScriptModule needs the PyTorch engine, got a manager of "
                    + manager.getEngine().getEngineName());
        }
        String source = classSource("Ops", methods);
        Path file = null;
        try {
            file = Files.createTempFile("equivariant4j-script", ".pt");
            write(file, "Ops", source);
            PtSymbolBlock block = JniUtils.loadModule((PtNDManager) manager, file, true, new String[0], new String[0],
                    false);
            return new ScriptModule(block, manager);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the TorchScript archive", e);
        } catch (ai.djl.engine.EngineException e) {
            throw new IllegalArgumentException("TorchScript rejected the source:\n" + e.getMessage() + "\n--- source ---\n"
                    + source, e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a temporary file; nothing to do
                }
            }
        }
    }

    /**
     * Runs a method on tensors.
     *
     * @param method the method's name
     * @param grad whether to record autograd (gradients then flow to every input that requires them, as
     *     for any DJL op, when a {@link ai.djl.training.GradientCollector} is open); false runs under no-grad
     * @param inputs the method's tensor arguments, in order (at least one)
     * @return the returned tensor, or the tensors of a returned tuple
     */
    public NDList call(String method, boolean grad, NDArray... inputs) {
        if (inputs.length == 0) {
            throw new IllegalArgumentException("a script method call needs at least one tensor argument");
        }
        NDList list = new NDList(inputs.length + 1);
        for (NDArray a : inputs) {
            String name = a.getName();
            // DJL reads names like "a.b", "l[]", "t()" as containers: pass such arrays as an unnamed view
            list.add(name != null && SPECIAL_NAME.matcher(name).matches() ? a.reshape(a.getShape()) : a);
        }
        if (!"forward".equals(method)) {
            list.add(marker(method));
        }
        // The profiling graph executor (libtorch's default, a thread-local switch) rewrites differentiable
        // methods into autodiff subgraphs; for EGNN that made the backward ~50% slower than plain autograd
        // (measured, 1 thread). Run without it and restore DJL's setting for this thread afterwards.
        JniUtils.setGraphExecutorOptimize(false);
        try {
            return IValueUtils.forward(block, list, grad);
        } finally {
            JniUtils.setGraphExecutorOptimize(djlGraphOptimizer());
        }
    }

    /** The thread's graph-optimizer setting as DJL leaves it: the system property if set, else libtorch's default (on). */
    private static boolean djlGraphOptimizer() {
        String p = System.getProperty("ai.djl.pytorch.graph_optimizer");
        return p == null || Boolean.parseBoolean(p);
    }

    private NDArray marker(String method) {
        return methodMarkers.computeIfAbsent(method, k -> {
            if (!PLAIN_NAME.matcher(k).matches()) {
                throw new IllegalArgumentException("not a method name: '" + k + "'");
            }
            NDArray a = manager.create(0f);
            ai.djl.ndarray.NDScope.unregister(a);
            a.setName("module_method:" + k);
            return a;
        });
    }

    @Override
    public void close() {
        block.close();
        methodMarkers.values().forEach(NDArray::close);
        methodMarkers.clear();
    }

    /** The class text: header, the declarations a scripted module needs, the methods. */
    static String classSource(String className, String methods) {
        StringBuilder s = new StringBuilder();
        s.append("class ").append(className).append("(Module):\n");
        s.append("  __parameters__ = []\n  __buffers__ = []\n  training : bool\n");
        for (String line : methods.split("\n", -1)) {
            s.append(line.isEmpty() ? "" : "  ").append(line).append('\n');
        }
        return s.toString();
    }

    /** Writes a minimal TorchScript archive (STORED zip) whose module is an instance of {@code __torch__.<className>}. */
    static void write(Path file, String className, String source) throws IOException {
        byte[] cls = ("__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII);
        // pickle protocol 2: GLOBAL __torch__.<class>, EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, "training": True, BUILD, STOP
        byte[] head = {(byte) 0x80, 2, 'c'};
        byte[] tail = {')', (byte) 0x81, '}', 'X', 8, 0, 0, 0, 't', 'r', 'a', 'i', 'n', 'i', 'n', 'g', (byte) 0x88, 's',
            'b', '.'};
        byte[] data = new byte[head.length + cls.length + tail.length];
        System.arraycopy(head, 0, data, 0, head.length);
        System.arraycopy(cls, 0, data, head.length, cls.length);
        System.arraycopy(tail, 0, data, head.length + cls.length, tail.length);
        byte[] consts = {(byte) 0x80, 2, ')', '.'};
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(os)) {
            put(z, "ops/data.pkl", data);
            put(z, "ops/constants.pkl", consts);
            put(z, "ops/code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
            put(z, "ops/version", "3\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void put(ZipOutputStream z, String name, byte[] b) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(b.length);
        CRC32 c = new CRC32();
        c.update(b);
        e.setCrc(c.getValue());
        z.putNextEntry(e);
        z.write(b);
        z.closeEntry();
    }
}
