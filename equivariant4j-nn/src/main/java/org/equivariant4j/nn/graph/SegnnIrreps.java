package org.equivariant4j.nn.graph;

import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.nn.ops.TorchGenerator;
import org.equivariant4j.o3.Irrep;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.MulIrrep;
import org.equivariant4j.o3.TensorProductSpec;

/**
 * How SEGNN chooses its hidden irreps from a feature budget N and a degree L (the reference's
 * {@code balanced_irreps.py}):
 * <ul>
 *   <li>{@link #weightBalanced}: n copies of each spherical-harmonic irrep 0e, 1o, 2e, … up to L, with the smallest n
 *       for which the steerable layer {@code hidden ⊗ attributes → hidden} has at least as many weights as a plain
 *       N → N linear layer (N²); e.g. N = 64, attributes Y(l ≤ 1), L = 1 gives {@code 32x0e+32x1o};</li>
 *   <li>{@link #balanced}: about N/(L+1) components per degree, ⌊N/((2l+1)(L+1))⌋ copies of each l, the remainder as
 *       scalars; e.g. (L = 1, N = 64) gives {@code 34x0e+10x1o}.</li>
 * </ul>
 */
public final class SegnnIrreps {
    private SegnnIrreps() {}

    /** The weight-balanced hidden irreps for N scalar features, attributes {@code attributes} and degree L. */
    public static Irreps weightBalanced(int features, Irreps attributes, int lmax) {
        return weightBalanced(features, attributes, lmax, null);
    }

    /**
     * Advances a PyTorch generator as the reference's {@code WeightBalancedIrreps} does while it searches: e3nn draws
     * {@code torch.randn(weight_numel)} for every tensor product it builds to count weights, {@code hidden_n ⊗ attributes
     * → hidden_n} for n = 1, 2, … and, after the first, the N → N scalar layer. A model drawn like the reference
     * ({@link SegnnModel.Builder#referenceDraws}) starts from the generator in this state.
     *
     * @return the weight-balanced hidden irreps, as {@link #weightBalanced(int, Irreps, int)}
     */
    public static Irreps weightBalanced(int features, Irreps attributes, int lmax, TorchGenerator generator) {
        if (features < 1 || lmax < 0) {
            throw new IllegalArgumentException("weight-balanced irreps need features >= 1 and lmax >= 0, got " + features
                    + " and " + lmax);
        }
        long target = (long) features * features;
        for (int n = 1;; n++) {
            Irreps h = copies(n, lmax);
            long weights = TensorProductSpec.fullyConnected(h, attributes, h).weightNumel();
            if (generator != null) {
                generator.skipRandnFloat32(weights);
                if (n == 1) {
                    generator.skipRandnFloat32(target);
                }
            }
            if (weights >= target) {
                return h;
            }
            if (n > features * features) {
                throw new IllegalArgumentException("no weight-balanced irreps for " + features + " features with attributes \""
                        + attributes + "\" (they couple to nothing)");
            }
        }
    }

    /** The balanced hidden irreps: about N/(L+1) components per degree. */
    public static Irreps balanced(int lmax, int features) {
        if (features < 1 || lmax < 0) {
            throw new IllegalArgumentException("balanced irreps need features >= 1 and lmax >= 0, got " + features + " and "
                    + lmax);
        }
        List<MulIrrep> list = new ArrayList<>();
        int used = 0;
        for (int l = 0; l <= lmax; l++) {
            int d = 2 * l + 1;
            int n = (int) (features * (1.0 / d) / (lmax + 1));
            list.add(new MulIrrep(n, sphericalHarmonic(l)));
            used += n * d;
        }
        list.set(0, new MulIrrep(list.get(0).mul() + features - used, Irrep.SCALAR));
        return Irreps.of(list);
    }

    private static Irreps copies(int n, int lmax) {
        List<MulIrrep> list = new ArrayList<>();
        for (int l = 0; l <= lmax; l++) {
            list.add(new MulIrrep(n, sphericalHarmonic(l)));
        }
        return Irreps.of(list);
    }

    private static Irrep sphericalHarmonic(int l) {
        return new Irrep(l, l % 2 == 0 ? 1 : -1);
    }
}
