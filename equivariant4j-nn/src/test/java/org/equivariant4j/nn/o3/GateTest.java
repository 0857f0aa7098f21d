package org.equivariant4j.nn.o3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.equivariant4j.nn.TestSupport;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.nn.testing.Equivariance;
import org.equivariant4j.o3.Irreps;
import org.junit.jupiter.api.Test;

class GateTest {
    private static final DataType F64 = DataType.FLOAT64;

    /** e3nn's (PyTorch 1.13) normalize2mom constants: Monte-Carlo over {@code torch.randn} samples (TorchGeneratorTest). */
    @Test
    void reproducesE3nnConstants() {
        assertEquals(1.6791767923989418, Activation.SILU.constant(), 1e-12);
        assertEquals(1.5937334472592695, Activation.TANH.constant(), 1e-12);
        assertEquals(1.8467055342154763, Activation.SIGMOID.constant(), 1e-12);
        assertEquals(1.4163393446331365, Activation.RELU.constant(), 1e-12);
        assertEquals(1.001110600838467, Activation.ABS.constant(), 1e-12);
    }

    /** e3nn 0.5.1's Gate('4x0e', [silu], '2x0e', [sigmoid], '1x1o+1x2e') on given inputs, to 1e-10. */
    @Test
    void matchesE3nnFixture() throws IOException {
        JsonNode f = O3Fixtures.load("gate.json");
        Gate gate = new Gate(Irreps.parse("4x0e"), List.of(Activation.SILU), Irreps.parse("2x0e"), List.of(Activation.SIGMOID),
                Irreps.parse("1x1o+1x2e"));
        assertEquals(f.get("irreps_in").asText(), gate.irrepsIn().toString());
        assertEquals(f.get("irreps_out").asText(), gate.irrepsOut().toString());
        try (NDManager m = NDManager.newBaseManager()) {
            int rows = f.get("x").size();
            NDArray x = Tensors.fromFlat(m, O3Fixtures.flat(f.get("x")), new Shape(rows, gate.irrepsIn().dim()), F64);
            double[] got = gate.apply(x).toDoubleArray();
            double[] want = O3Fixtures.flat(f.get("out"));
            double err = 0;
            for (int i = 0; i < want.length; i++) {
                err = Math.max(err, Math.abs(got[i] - want[i]));
            }
            assertTrue(err < 1e-10, "max error " + err);
            System.out.println("[o3] gate.json max error " + err);
        }
    }

    @Test
    void equivariantWithPseudoscalarsAndBadInput() {
        Gate gate = new Gate(Irreps.parse("3x0e+2x0o"), List.of(Activation.SILU, Activation.TANH), Irreps.parse("2x0e+1x0o"),
                List.of(Activation.SIGMOID, Activation.TANH), Irreps.parse("2x1o+1x2e"));
        assertEquals("3x0e+2x0o+2x1o+1x2o", gate.irrepsOut().simplify().toString());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = TestSupport.gaussian(m, new Shape(6, gate.irrepsIn().dim()), F64, 2);
            Equivariance.Report r = Equivariance.check(gate::apply, Equivariance.onLastAxis(gate.irrepsIn().representation()),
                    Equivariance.onLastAxis(gate.irrepsOut().representation()),
                    Equivariance.testElements(Groups.o3(), 6, new SplittableRandom(1)), x);
            assertTrue(r.passes(1e-9), r.toString());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> gate.apply(m.zeros(new Shape(2, 5), F64)));
            assertTrue(e.getMessage().contains(String.valueOf(gate.irrepsIn().dim())) && e.getMessage().contains("(2, 5)"),
                    e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new Gate(Irreps.parse("1x0o"), List.of(Activation.SILU),
                Irreps.empty(), List.of(), Irreps.empty()));
        assertThrows(IllegalArgumentException.class, () -> new Gate(Irreps.empty(), List.of(), Irreps.parse("1x0e"),
                List.of(Activation.SIGMOID), Irreps.parse("2x1o")));
    }
}
