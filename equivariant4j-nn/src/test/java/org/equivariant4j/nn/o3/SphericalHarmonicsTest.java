package org.equivariant4j.nn.o3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import org.equivariant4j.group.Groups;
import org.equivariant4j.group.O3Element;
import org.equivariant4j.harmonics.Normalization;
import org.equivariant4j.nn.TestSupport;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.nn.testing.Equivariance;
import org.equivariant4j.o3.Irreps;
import org.junit.jupiter.api.Test;

class SphericalHarmonicsTest {
    private static final DataType F64 = DataType.FLOAT64;

    @Test
    void equalsTheCoreHarmonicsForEveryNormalisation() {
        SplittableRandom rng = new SplittableRandom(4);
        int n = 50;
        double[] v = new double[3 * n];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian() * 2;
        }
        v[0] = 0; // one vector on the y axis (the pole)
        v[2] = 0;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray vec = Tensors.fromFlat(m, v, new Shape(n, 3), F64);
            for (Normalization norm : Normalization.values()) {
                for (boolean normalize : new boolean[] {true, false}) {
                    double[] got = SphericalHarmonics.of(7, normalize, norm).apply(vec).toDoubleArray();
                    double[] want = org.equivariant4j.harmonics.SphericalHarmonics.evaluateBatch(7, v, normalize, norm);
                    double err = 0;
                    for (int i = 0; i < want.length; i++) {
                        err = Math.max(err, Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i])));
                    }
                    assertTrue(err < 1e-12, norm + " normalize=" + normalize + ": " + err);
                }
            }
            // the zero vector: 1 for l = 0 and 0 above (component), as e3nn
            double[] zero = SphericalHarmonics.of(2, true, Normalization.COMPONENT).apply(m.zeros(new Shape(1, 3), F64))
                    .toDoubleArray();
            assertEquals(1, zero[0], 0);
            for (int i = 1; i < zero.length; i++) {
                assertEquals(0, zero[i], 0);
            }
        }
    }

    /** e3nn 0.5.1's values at its fixture vectors, l ≤ 6, three normalisations, float64 and float32. */
    @Test
    void matchesE3nnFixture() throws IOException {
        JsonNode f = O3Fixtures.load("spherical_harmonics.json");
        double[] v = O3Fixtures.flat(f.get("vectors"));
        int n = f.get("vectors").size();
        try (NDManager m = NDManager.newBaseManager()) {
            for (DataType dt : List.of(F64, DataType.FLOAT32)) {
                NDArray vec = Tensors.fromFlat(m, v, new Shape(n, 3), dt);
                double worst = 0;
                for (Normalization norm : Normalization.values()) {
                    JsonNode byL = f.get("values").get(norm.name().toLowerCase(java.util.Locale.ROOT));
                    double[] got = Tensors.toDoubles(SphericalHarmonics.of(6, true, norm).apply(vec));
                    for (int l = 0; l <= 6; l++) {
                        double[] want = O3Fixtures.flat(byL.get(String.valueOf(l)));
                        for (int p = 0; p < n; p++) {
                            for (int k = 0; k < 2 * l + 1; k++) {
                                worst = Math.max(worst, Math.abs(want[p * (2 * l + 1) + k] - got[p * 49 + l * l + k]));
                            }
                        }
                    }
                }
                assertTrue(worst < (dt == F64 ? 1e-10 : 1e-5), dt + ": " + worst);
            }
        }
    }

    @Test
    void equivariantWithParity() {
        SplittableRandom rng = new SplittableRandom(8);
        List<O3Element> elements = Equivariance.testElements(Groups.o3(), 6, rng);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray vec = TestSupport.gaussian(m, new Shape(10, 3), F64, 3);
            for (Irreps out : List.of(Irreps.sphericalHarmonics(5), Irreps.parse("2x1o+0e+3o"), Irreps.parse("1e+2e+0e"))) {
                SphericalHarmonics sh = SphericalHarmonics.of(out, false, Normalization.INTEGRAL);
                Irreps vector = out.count(org.equivariant4j.o3.Irrep.parse("1e")) > 0 ? Irreps.parse("1e") : Irreps.parse("1o");
                Equivariance.Report r = Equivariance.check(sh::apply, Equivariance.onLastAxis(vector.representation()),
                        Equivariance.onLastAxis(out.representation()), elements, vec);
                assertTrue(r.passes(1e-9), out + ": " + r);
            }
            assertThrows(IllegalArgumentException.class, () -> SphericalHarmonics.of(Irreps.parse("1o+1e"), true,
                    Normalization.COMPONENT));
            assertThrows(IllegalArgumentException.class, () -> SphericalHarmonics.of(Irreps.parse("2o"), true,
                    Normalization.COMPONENT));
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> SphericalHarmonics.of(2, true, Normalization.COMPONENT).apply(m.zeros(new Shape(4, 2), F64)));
            assertTrue(bad.getMessage().contains("[..., 3]") && bad.getMessage().contains("(4, 2)"), bad.getMessage());
        }
    }
}
