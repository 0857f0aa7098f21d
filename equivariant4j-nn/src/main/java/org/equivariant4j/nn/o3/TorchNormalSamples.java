package org.equivariant4j.nn.o3;

/**
 * The standard-normal samples of {@code torch.randn(n, generator=torch.Generator().manual_seed(seed),
 * dtype=torch.float64)} on the CPU, bit for bit: PyTorch's mt19937 (seeded as {@code std::mt19937}), 53-bit uniforms
 * from two 32-bit draws (high word first), and the Box–Muller transform applied to blocks of 16 uniforms
 * ({@code normal_fill}: u1 from the first 8, u2 from the last 8), the last 16 redrawn when n is not a multiple of 16.
 * Used to reproduce e3nn's second-moment constants, which are Monte-Carlo estimates over these samples.
 */
final class TorchNormalSamples {
    private final int[] state = new int[624];
    private int next = 624;

    private TorchNormalSamples(int seed) {
        state[0] = seed;
        for (int j = 1; j < 624; j++) {
            state[j] = 1812433253 * (state[j - 1] ^ (state[j - 1] >>> 30)) + j;
        }
    }

    /** The first n samples of the generator seeded with {@code seed} (n ≥ 16). */
    static double[] randn(int n, int seed) {
        if (n < 16) {
            throw new IllegalArgumentException("expected at least 16 samples (torch's vectorised fill), got " + n);
        }
        TorchNormalSamples g = new TorchNormalSamples(seed);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = g.uniform();
        }
        for (int i = 0; i + 16 <= n; i += 16) {
            boxMuller(d, i);
        }
        if (n % 16 != 0) {
            for (int i = n - 16; i < n; i++) {
                d[i] = g.uniform();
            }
            boxMuller(d, n - 16);
        }
        return d;
    }

    private static void boxMuller(double[] d, int at) {
        for (int j = 0; j < 8; j++) {
            double u1 = 1 - d[at + j];
            double u2 = d[at + j + 8];
            double radius = Math.sqrt(-2 * Math.log(u1));
            double theta = 2.0 * Math.PI * u2;
            d[at + j] = radius * Math.cos(theta);
            d[at + j + 8] = radius * Math.sin(theta);
        }
    }

    private double uniform() {
        long hi = nextInt() & 0xffffffffL;
        long lo = nextInt() & 0xffffffffL;
        return (((hi << 32) | lo) & ((1L << 53) - 1)) * 0x1.0p-53;
    }

    private int nextInt() {
        if (next >= 624) {
            for (int k = 0; k < 624; k++) {
                int y = (state[k] & 0x80000000) | (state[(k + 1) % 624] & 0x7fffffff);
                state[k] = state[(k + 397) % 624] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            }
            next = 0;
        }
        int y = state[next++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }
}
