package org.equivariant4j.kernel;

/**
 * The largest angular frequency a kernel basis keeps on a ring of radius r: harmonics of higher frequency alias on the
 * pixels of a small ring. A basis element of frequency f on ring r is kept when f ≤ cutoff(r).
 */
@FunctionalInterface
public interface FrequencyCutoff {
    /** The largest frequency kept at radius r. */
    double maxFrequency(double radius);

    /**
     * escnn's default for a k×k kernel (its "manual" cut-off): with R = ⌊k/2⌋, 0 at r = 0, otherwise
     * min(2r, 2 if r = R else 2r − (r + 1) mod 2). For k = 3, 5, 7, 9 the largest frequencies are 2, 2, 3, 6.
     */
    static FrequencyCutoff defaults(int kernelSize) {
        return new Defaults(kernelSize);
    }

    /**
     * escnn's default for a k×k×k kernel (R3Conv's "default1"): with R = ⌊k/2⌋, min(2r, R − r + 2). For k = 3, 5, 7 the
     * largest degrees are 2, 2, 3.
     */
    static FrequencyCutoff volumetricDefaults(int kernelSize) {
        return new VolumetricDefaults(kernelSize);
    }

    /** cutoff(r) = factor·r (escnn's float argument). */
    static FrequencyCutoff proportional(double factor) {
        return new Proportional(factor);
    }

    /**
     * escnn's default cut-off for a k×k kernel (a value: equal for equal k).
     *
     * @param kernelSize k
     */
    record Defaults(int kernelSize) implements FrequencyCutoff {
        @Override
        public double maxFrequency(double r) {
            if (r == 0) {
                return 0;
            }
            int outer = kernelSize / 2;
            double inner = r == outer ? 2 : 2 * r - (r + 1) % 2;
            return Math.min(2 * r, inner);
        }
    }

    /**
     * escnn's default cut-off for a k×k×k kernel (a value: equal for equal k).
     *
     * @param kernelSize k
     */
    record VolumetricDefaults(int kernelSize) implements FrequencyCutoff {
        @Override
        public double maxFrequency(double r) {
            return Math.min(2 * r, kernelSize / 2 - r + 2);
        }
    }

    /**
     * cutoff(r) = factor·r (a value: equal for equal factors).
     *
     * @param factor the proportionality factor, finite and ≥ 0
     */
    record Proportional(double factor) implements FrequencyCutoff {
        public Proportional {
            if (!(factor >= 0) || !Double.isFinite(factor)) {
                throw new IllegalArgumentException("a frequency cut-off factor must be finite and >= 0, got " + factor);
            }
        }

        @Override
        public double maxFrequency(double r) {
            return factor * r;
        }
    }

    /** The largest integer frequency kept on any of the rings. */
    default int maxFrequency(GaussianRadialProfile rings) {
        double m = 0;
        for (int i = 0; i < rings.size(); i++) {
            m = Math.max(m, maxFrequency(rings.radius(i)));
        }
        return (int) Math.floor(m);
    }
}
