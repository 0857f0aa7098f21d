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

    /**
     * Entry i drawn from N(0, std[i]²) (row-major): from the engine's generator when {@code seed} is null, else from a
     * Java {@link SplittableRandom} with that seed.
     */
    public static Initializer gaussian(Long seed, double[] std) {
        double[] s = std.clone();
        return (manager, shape, dataType) -> {
            if (shape.size() != s.length) {
                throw new IllegalArgumentException("an initializer for " + s.length + " values was asked for shape " + shape);
            }
            if (seed == null) {
                return manager.randomNormal(shape, dataType).mul(Tensors.fromFlat(manager, s, shape, dataType));
            }
            SplittableRandom rng = new SplittableRandom(seed);
            double[] values = new double[s.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = s[i] * rng.nextGaussian();
            }
            return Tensors.fromFlat(manager, values, shape, dataType);
        };
    }
}
