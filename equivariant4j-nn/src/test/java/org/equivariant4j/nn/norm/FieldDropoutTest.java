package org.equivariant4j.nn.norm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.function.UnaryOperator;
import org.equivariant4j.nn.TestSupport;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.GSpace;
import org.equivariant4j.nn.field.GSpaces;
import org.equivariant4j.nn.testing.Equivariance;
import org.equivariant4j.nn.testing.FieldBlockChecks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FieldDropoutTest {
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    @Test
    void dropsWholeFieldsInTrainingAndNothingInInference() {
        GSpace so2 = GSpaces.rot2dOnR2(-1, 3);
        FieldType type = FieldType.of(so2, List.of(so2.irrep(1), so2.trivialRepr(), so2.bandLimitedRegularRepr(1), so2.irrep(2)));
        FieldDropout dropout = FieldDropout.of(type, 0.3);
        try (NDManager m = manager.newSubManager()) {
            Shape s = new Shape(400, type.size(), 2, 2);
            NDArray x = TestSupport.gaussian(m, s, DataType.FLOAT64, 1).abs().add(0.1);
            assertEquals(0.0, FieldBlockChecks.function(dropout, m, false).apply(x).sub(x).abs().max().getDouble());
            Engine.getInstance().setRandomSeed(3);
            double[] ratio = FieldBlockChecks.function(dropout, m, true).apply(x).div(x).toDoubleArray();
            int dropped = 0;
            for (int n = 0; n < 400; n++) {
                for (int f = 0; f < type.fields(); f++) {
                    int first = (n * type.size() + type.fieldStart(f)) * 4;
                    double r = ratio[first];
                    assertTrue(r == 0 || Math.abs(r - 1 / 0.7) < 1e-12, "kept fields are scaled by 1/(1 - p): " + r);
                    for (int i = 0; i < type.fieldSize(f) * 4; i++) {
                        assertEquals(r, ratio[first + i], 1e-12, "one factor per field and sample");
                    }
                    dropped += r == 0 ? 1 : 0;
                }
            }
            assertEquals(0.3, dropped / (400.0 * type.fields()), 0.04, "fraction of dropped fields");
            assertEquals(0.0, FieldBlockChecks.function(dropout.export(), m, false).apply(x).sub(x).abs().max().getDouble());
        }
        assertThrows(IllegalArgumentException.class, () -> FieldDropout.of(type, 1.0));
    }

    @Test
    void equivariantInTrainingForTheSameMasks() {
        GSpace d4 = GSpaces.flipRot2dOnR2(4);
        FieldType type = FieldType.of(d4, List.of(d4.regularRepr(), d4.irrep(1, 1), d4.trivialRepr(), d4.standardRepr()));
        FieldDropout dropout = FieldDropout.of(type, 0.5);
        for (DataType dt : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
            try (NDManager m = manager.newSubManager()) {
                NDArray x = FieldBlockChecks.input(type, m, dt, 7, 4);
                UnaryOperator<NDArray> training = FieldBlockChecks.function(dropout, m, true);
                UnaryOperator<NDArray> seeded = a -> {
                    Engine.getInstance().setRandomSeed(11);
                    return training.apply(a);
                };
                Equivariance.Report r = Equivariance.check(seeded, Equivariance.onFields(type), Equivariance.onFields(type),
                        d4.gridElements(), x);
                System.out.println("FieldDropout " + dt + " training: " + r);
                assertTrue(r.passes(dt == DataType.FLOAT32 ? 1e-5 : 1e-9), r.toString());
                NDArray y = seeded.apply(x).toType(DataType.FLOAT64, false);
                NDArray x64 = x.toType(DataType.FLOAT64, false);
                assertTrue(y.abs().sum().getDouble() > 0 && y.sub(x64).abs().max().getDouble() > 0, "some fields dropped, some kept");
            }
        }
    }
}
