package org.equivariant4j.nn.conv;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.equivariant4j.kernel.ScaleKernelBasis;
import org.equivariant4j.nn.ops.Tensors;

/** Shared plumbing of the scale convolutions: the constant basis on each device, initialisers, shape checks. */
final class ScaleConvSupport {
    private ScaleConvSupport() {}

    /**
     * The basis of the first {@code numScales} scales as a constant [numBasis, numScales·k·k] matrix (basis function
     * index first, so that weights [..., numBasis] matMul it), one copy per (device, dtype) on a dedicated sub-manager,
     * never saved and rebuilt from the configuration when missing or closed.
     */
    static final class BasisConstants {
        private record Key(Device device, DataType dataType) {}

        private record Entry(NDManager manager, NDArray basis) {
            boolean usable() {
                return manager.isOpen() && !basis.isReleased();
            }
        }

        private final String owner;
        private final double[] transposed;
        private final Shape shape;
        private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

        BasisConstants(String owner, ScaleKernelBasis basis, int numScales) {
            this.owner = owner;
            int nb = basis.numBasis();
            int kk = basis.kernelSize() * basis.kernelSize();
            double[] flat = basis.flat(); // [S, nb, k, k]
            this.transposed = new double[nb * numScales * kk];
            for (int i = 0; i < numScales; i++) {
                for (int b = 0; b < nb; b++) {
                    System.arraycopy(flat, (i * nb + b) * kk, transposed, (b * numScales + i) * kk, kk);
                }
            }
            this.shape = new Shape(nb, (long) numScales * kk);
        }

        /** Drops any copy for this device and dtype and builds a fresh one under {@code parent}. */
        void rebuild(NDManager parent, DataType dataType) {
            Key key = new Key(parent.getDevice(), dataType);
            Entry old = entries.remove(key);
            if (old != null) {
                old.manager().close();
            }
            entries.put(key, build(parent, key));
        }

        /** The basis on {@code device} in {@code dataType}, built under {@code parent} if missing. */
        NDArray get(Device device, DataType dataType, NDManager parent) {
            Key key = new Key(device, dataType);
            Entry e = entries.get(key);
            if (e != null && e.usable()) {
                return e.basis();
            }
            synchronized (entries) {
                e = entries.get(key);
                if (e == null || !e.usable()) {
                    e = build(parent, key);
                    entries.put(key, e);
                }
                return e.basis();
            }
        }

        private Entry build(NDManager parent, Key key) {
            NDManager m = parent.newSubManager(key.device());
            m.setName(owner + " basis");
            NDArray b = Tensors.fromFlat(m, transposed, shape, key.dataType());
            // constants outlive any NDScope open while they are built
            NDScope.unregister(b);
            return new Entry(m, b);
        }
    }

    /** N(0, std²) from the engine's generator, or from a Java generator with the given seed. */
    static Initializer gaussianInitializer(Long seed, double std) {
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

    static void checkChannels(String what, int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException(what + " must be >= 1, got " + channels);
        }
    }

    /** The basis of a builder's settings; null means the basis default. */
    static ScaleKernelBasis buildBasis(String owner, int numScales, int scalesPerOctave, Integer kernelSize,
            Integer basisSize, Double sigma, Double maxTruncation) {
        if (numScales < 0) {
            throw new IllegalArgumentException(owner + ": the scales are not set, call scales(S, n) on the builder");
        }
        ScaleKernelBasis.Builder b = ScaleKernelBasis.builder(numScales, scalesPerOctave);
        if (basisSize != null) {
            b.basisSize(basisSize);
        }
        if (sigma != null) {
            b.sigma(sigma);
        }
        if (maxTruncation != null) {
            b.maxTruncation(maxTruncation);
        }
        if (kernelSize != null) {
            b.kernelSize(kernelSize);
        }
        return b.build();
    }
}
