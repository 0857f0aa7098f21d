package org.equivariant4j.nn.ops;

import ai.djl.training.initializer.Initializer;
import java.util.SplittableRandom;

/** Parameter initialisers shared by the equivariant blocks. */
public final class Initializers {
    private Initializers() {}

    /**
     * N(0, std²): from the engine's generator when {@code seed} is null, else from a Java {@link SplittableRandom} with
     * that seed (the same values on every engine and device, in row-major order).
     */
    public static Initializer gaussian(Long seed, double std) {
        if (seed == null) {
            return (manager, shape, dataType) -> manager.randomNormal(0f, (float) std, shape, dataType);
        }
        long s = seed;
        return (manager, shape, dataType) -> {
            SplittableRandom rng = new SplittableRandom(s);
            double[] values = new double[Math.toIntExact(shape.size())];
            for (int i = 0; i < values.length; i++) {
                values[i] = std * rng.nextGaussian();
            }
            return Tensors.fromFlat(manager, values, shape, dataType);
        };
    }
}
