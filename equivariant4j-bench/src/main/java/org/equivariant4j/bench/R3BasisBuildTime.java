package org.equivariant4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.equivariant4j.nn.conv.R3Conv;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.GSpace;
import org.equivariant4j.nn.field.GSpaces;

/**
 * How long a fresh JVM takes to build every kernel basis of a four-layer SO(3) model with fields up to l = 2 and
 * kernel 5 (the target: under 1 s): one trivial field → 8 fields of the band-limited regular representation
 * ⊕_{l≤2} (2l+1)ψ_l (35 channels each) → 8 → 8 → 16 trivial fields, four {@link R3Conv} with k = 5; the time from the
 * start of {@code main} until the layers exist, class loading and JIT included. Then, separately, the first forward pass
 * of the four layers on a single voxel (1 × 1 × 1³, so that the convolutions cost nothing) after the engine has started (and compiled its convolution): it puts the
 * bases' constants on the engine and expands the weights once. Run it as its own process:
 * {@code java -cp ... org.equivariant4j.bench.R3BasisBuildTime}.
 */
public final class R3BasisBuildTime {
    private R3BasisBuildTime() {}

    /** Builds the model's layers and prints the time and the coefficient counts. */
    public static void main(String[] args) {
        long t0 = System.nanoTime();
        GSpace so3 = GSpaces.rot3dOnR3(2);
        FieldType in = FieldType.of(so3, 1, so3.trivialRepr());
        FieldType hidden = FieldType.of(so3, 8, so3.bandLimitedRegularRepr(2));
        FieldType out = FieldType.of(so3, 16, so3.trivialRepr());
        List<R3Conv> layers = new ArrayList<>();
        FieldType[] types = {in, hidden, hidden, hidden, out};
        double[] perLayer = new double[4];
        for (int l = 0; l < 4; l++) {
            long t = System.nanoTime();
            layers.add(R3Conv.builder(types[l], types[l + 1]).kernelSize(5).padding(2).build());
            perLayer[l] = (System.nanoTime() - t) / 1e9;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long coefficients = layers.stream().mapToLong(R3Conv::numCoefficients).sum();
        double firstForward;
        try (NDManager manager = NDManager.newBaseManager()) {
            // start the engine and compile the convolution's TorchScript outside the timing, on a one-channel layer
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.ones(new Shape(1, 1, 1, 1, 1));
            R3Conv warmUp = R3Conv.builder(in, in).kernelSize(1).build();
            warmUp.initialize(manager, DataType.FLOAT32, x.getShape());
            warmUp.forward(store, new ai.djl.ndarray.NDList(x), false).singletonOrThrow().toFloatArray();
            long t = System.nanoTime();
            for (R3Conv layer : layers) {
                layer.initialize(manager, DataType.FLOAT32, x.getShape());
                x = layer.forward(store, new ai.djl.ndarray.NDList(x), false).singletonOrThrow();
            }
            x.toFloatArray();
            firstForward = (System.nanoTime() - t) / 1e9;
        }
        System.out.printf(Locale.ROOT, "four-layer SO(3) model (1 scalar -> 8 x rho_2 (35 channels) x3 -> 16 scalars, k = 5):"
                + " bases built in %.3f s in a fresh JVM (per layer %s s), %d coefficients; first forward (constants on the"
                + " engine) %.3f s%n", seconds,
                java.util.Arrays.toString(java.util.Arrays.stream(perLayer).map(t -> Math.round(t * 1000) / 1000.0).toArray()),
                coefficients, firstForward);
    }
}
