package org.equivariant4j.nn.ops;

/**
 * The 32-bit Mersenne Twister MT19937 (Matsumoto and Nishimura 1998) with the reference {@code init_genrand} seeding,
 * as {@code std::mt19937}, numpy's legacy {@code RandomState} and PyTorch's CPU generator use it: the raw stream under
 * {@link TorchGenerator} and the apps' numpy port. Mutable and not thread-safe; {@link #copy} forks it. Serializable,
 * so a stream can continue on another machine.
 */
public final class Mt19937 implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;

    private final int[] mt = new int[N];
    private int pos;

    /** The generator after {@code init_genrand(seed)} (the low 32 bits of the seed). */
    public Mt19937(long seed) {
        int s = (int) seed;
        mt[0] = s;
        for (int i = 1; i < N; i++) {
            s = 1812433253 * (s ^ (s >>> 30)) + i;
            mt[i] = s;
        }
        pos = N;
    }

    private Mt19937(Mt19937 other) {
        System.arraycopy(other.mt, 0, mt, 0, N);
        pos = other.pos;
    }

    /** An independent generator in this one's state. */
    public Mt19937 copy() {
        return new Mt19937(this);
    }

    /** The next 32-bit word (the bits of an unsigned value). */
    public int next() {
        if (pos == N) {
            twist();
        }
        int y = mt[pos++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    private void twist() {
        int k = 0;
        for (; k < N - M; k++) {
            mt[k] = mt[k + M] ^ mix(mt[k], mt[k + 1]);
        }
        for (; k < N - 1; k++) {
            mt[k] = mt[k + (M - N)] ^ mix(mt[k], mt[k + 1]);
        }
        mt[N - 1] = mt[M - 1] ^ mix(mt[N - 1], mt[0]);
        pos = 0;
    }

    private static int mix(int upper, int lower) {
        int y = (upper & UPPER_MASK) | (lower & LOWER_MASK);
        return (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
}
