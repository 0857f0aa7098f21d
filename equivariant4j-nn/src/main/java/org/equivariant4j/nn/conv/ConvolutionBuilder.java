package org.equivariant4j.nn.conv;

/**
 * The options every convolution builder of the library takes: kernel size, zero padding, stride, dilation, whether to
 * learn a bias, and an optional seed for the initial weights. Each is checked when it is set.
 *
 * @param <B> the concrete builder
 */
public abstract class ConvolutionBuilder<B extends ConvolutionBuilder<B>> {
    int kernelSize = 3;
    int padding;
    int stride = 1;
    int dilation = 1;
    boolean bias = true;
    Long seed;

    ConvolutionBuilder() {}

    abstract B self();

    /** k (default 3). */
    public B kernelSize(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("the kernel size must be >= 1, got " + k);
        }
        this.kernelSize = k;
        return self();
    }

    /** Zero padding on each side (default 0). */
    public B padding(int p) {
        if (p < 0) {
            throw new IllegalArgumentException("padding must be >= 0, got " + p);
        }
        this.padding = p;
        return self();
    }

    /** Stride (default 1). */
    public B stride(int s) {
        if (s < 1) {
            throw new IllegalArgumentException("stride must be >= 1, got " + s);
        }
        this.stride = s;
        return self();
    }

    /** Dilation (default 1). */
    public B dilation(int d) {
        if (d < 1) {
            throw new IllegalArgumentException("dilation must be >= 1, got " + d);
        }
        this.dilation = d;
        return self();
    }

    /** Whether to learn a bias (default true; where only some directions may carry one, only those do). */
    public B optBias(boolean bias) {
        this.bias = bias;
        return self();
    }

    /** Draw the initial weights from a Java generator with this seed instead of the engine's generator. */
    public B optSeed(long seed) {
        this.seed = seed;
        return self();
    }
}
