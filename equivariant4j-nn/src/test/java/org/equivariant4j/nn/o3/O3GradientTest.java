package org.equivariant4j.nn.o3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.DoubleBuffer;
import org.equivariant4j.harmonics.Normalization;
import org.equivariant4j.nn.TestSupport;
import org.equivariant4j.nn.ops.Gradients;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.TensorProductSpec;
import org.junit.jupiter.api.Test;

/**
 * Derivatives against central finite differences (float64): forces F = −∂E/∂r of an energy built from spherical
 * harmonics of edge vectors and a tensor product, the derivative of F·q (forces of forces: second derivatives through
 * both blocks), and the gradient of the weights: a uvu product (dense route) and a fully connected one (both routes).
 */
class O3GradientTest {
    private static final DataType F64 = DataType.FLOAT64;
    private static final double H = 1e-5;

    @Test
    void forcesAndForcesOfForcesMatchFiniteDifferences() {
        Irreps x = Irreps.parse("3x0e+2x1o+2x2e");
        Irreps sh = Irreps.sphericalHarmonics(2);
        SphericalHarmonics harmonics = SphericalHarmonics.of(2, true, Normalization.COMPONENT);
        TensorProductSpec conv = TensorProductSpec.convolution(x, sh, x);
        TensorProductSpec fc = TensorProductSpec.fullyConnected(Irreps.parse("2x0e+2x1o+2x2e"), sh, x);
        Object[][] cases = {{conv, TensorProductRoute.DENSE}, {fc, TensorProductRoute.DENSE}, {fc, TensorProductRoute.FUSED}};
        for (Object[] c0 : cases) {
            TensorProductSpec spec = (TensorProductSpec) c0[0];
            TensorProductRoute route = (TensorProductRoute) c0[1];
            TensorProduct tp = TensorProduct.builder(spec).weights(TensorProduct.Weights.PER_SAMPLE).route(route).build();
            try (NDManager m = NDManager.newBaseManager()) {
                int z = 4;
                NDArray r = TestSupport.gaussian(m, new Shape(z, 3), F64, 1);
                NDArray feats = TestSupport.gaussian(m, new Shape(z, spec.in1().dim()), F64, 2);
                NDArray w = TestSupport.gaussian(m, new Shape(z, spec.weightNumel()), F64, 3);
                NDArray c = TestSupport.gaussian(m, new Shape(z, spec.out().dim()), F64, 4);
                NDArray q = TestSupport.gaussian(m, new Shape(z, 3), F64, 5);
                r.setRequiresGradient(true);
                w.setRequiresGradient(true);
                double[] force;
                double[] hessQ;
                double[] gradW;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray e = energy(tp, harmonics, r, feats, w, c);
                    NDArray f = Gradients.of(e, r, true).neg();
                    force = f.toDoubleArray();
                    hessQ = Gradients.of(f.mul(q).sum(), r, false).toDoubleArray();
                    gradW = Gradients.of(e, w, false).toDoubleArray();
                }
                double[] r0 = r.toDoubleArray();
                double[] w0 = w.toDoubleArray();
                double maxForce = 0;
                double maxHess = 0;
                for (int k = 0; k < r0.length; k++) {
                    double ep = valueAt(r, r0, k, H, () -> energy(tp, harmonics, r, feats, w, c).getDouble());
                    double em = valueAt(r, r0, k, -H, () -> energy(tp, harmonics, r, feats, w, c).getDouble());
                    assertEquals(-(ep - em) / (2 * H), force[k], 1e-7 * Math.max(1, Math.abs(force[k])), route + " force " + k);
                    double fp = valueAt(r, r0, k, H, () -> forceDotQ(tp, harmonics, r, feats, w, c, q));
                    double fm = valueAt(r, r0, k, -H, () -> forceDotQ(tp, harmonics, r, feats, w, c, q));
                    assertEquals((fp - fm) / (2 * H), hessQ[k], 1e-6 * Math.max(1, Math.abs(hessQ[k])), route + " d(F.q)/dr " + k);
                    maxForce = Math.max(maxForce, Math.abs(force[k]));
                    maxHess = Math.max(maxHess, Math.abs(hessQ[k]));
                }
                for (int k = 0; k < w0.length; k += 7) {
                    double ep = valueAt(w, w0, k, H, () -> energy(tp, harmonics, r, feats, w, c).getDouble());
                    double em = valueAt(w, w0, k, -H, () -> energy(tp, harmonics, r, feats, w, c).getDouble());
                    assertEquals((ep - em) / (2 * H), gradW[k], 1e-7 * Math.max(1, Math.abs(gradW[k])), route + " dE/dw " + k);
                }
                assertTrue(maxForce > 1e-2 && maxHess > 1e-2, "nonzero derivatives: " + maxForce + ", " + maxHess);
            }
        }
    }

    private static NDArray energy(TensorProduct tp, SphericalHarmonics harmonics, NDArray r, NDArray feats, NDArray w,
            NDArray c) {
        return tp.apply(feats, harmonics.apply(r), w).mul(c).sum();
    }

    private static double forceDotQ(TensorProduct tp, SphericalHarmonics harmonics, NDArray r, NDArray feats, NDArray w,
            NDArray c, NDArray q) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            return Gradients.of(energy(tp, harmonics, r, feats, w, c), r, false).neg().mul(q).sum().getDouble();
        }
    }

    /** Evaluates f with entry k of the array moved by h, restoring it afterwards. */
    private static double valueAt(NDArray a, double[] base, int k, double h, java.util.function.DoubleSupplier f) {
        double[] moved = base.clone();
        moved[k] += h;
        try (NDScope scope = new NDScope()) {
            a.set(DoubleBuffer.wrap(moved));
            double v = f.getAsDouble();
            a.set(DoubleBuffer.wrap(base));
            return v;
        }
    }
}
