package org.equivariant4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.DoubleBuffer;
import java.util.List;
import org.equivariant4j.model.NBodyGraphs;
import org.equivariant4j.nn.graph.GraphTopology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code nbody --model segnn-ref} and {@code segnn} against SEGNN's own N-body code on e3nn 0.3.5 (the reference's
 * O3Transform, SEGNN and O3TensorProduct, run in float64 by {@code
 * equivariant4j-bench/src/main/python/segnn_reference.py}; values in {@code segnn_nbody_e3nn035.json} beside this
 * class): with the same weights (tensor k, entry i: 0.05 sin(0.37 i + 1.1 k + 0.3), in the reference's module order)
 * and the same batch, the predictions x + model(graph), the MSE loss and every parameter tensor's gradient (its norm
 * and its dot product with the probe cos(0.61 i)) agree to 1e-9 relative in float64 (the task's SEGNN, {@link
 * NBodyTask#segnnBuilder}, initialised in float64). {@code segnn-ref} takes the reference's input as its code
 * computes it; {@code segnn} the same code with the per-particle coordinate mean replaced by the system's centroid.
 */
class NBodySegnnReferenceTest {
    private static final int PARTICLES = 5;
    /** Relative agreement in float64 (the two sum in different orders). */
    private static final double TOLERANCE = 1e-9;

    @ParameterizedTest
    @CsvSource({"segnn-ref, reference", "segnn, centroid"})
    void predictionsLossAndGradientsAreTheReferenceCodes(String model, String input) throws IOException {
        JsonNode fixture = fixture();
        JsonNode expected = fixture.get(input);
        int nodes = fixture.get("x").size();
        try (NDManager m = NDManager.newBaseManager()) {
            Block block = NBodyTask.segnnBuilder().seed(1).build();
            block.initialize(m, DataType.FLOAT64, new Shape(1, NBodyGraphs.SEGNN_NODE_FEATURES.dim()));
            List<Parameter> parameters = block.getParameters().values();
            JsonNode sizes = fixture.get("parameters");
            assertEquals(sizes.size(), parameters.size(), "parameter tensors, in the reference's order");
            for (int k = 0; k < parameters.size(); k++) {
                NDArray w = parameters.get(k).getArray();
                assertEquals(sizes.get(k).asLong(), w.size(), "tensor " + k + " " + parameters.get(k).getName());
                double[] values = new double[(int) w.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = 0.05 * Math.sin(0.37 * i + 1.1 * k + 0.3);
                }
                w.set(DoubleBuffer.wrap(values));
            }
            NDArray x = matrix(m, fixture.get("x"));
            NDArray v = matrix(m, fixture.get("v"));
            NDArray q = m.create(flat(fixture.get("q")), new Shape(nodes, 1));
            NDArray target = matrix(m, fixture.get("target"));
            GraphTopology topology = GraphTopology.fullyConnected(PARTICLES, nodes / PARTICLES);
            NDArray prediction;
            double loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                prediction = NBodyTask.forward(model).apply(block, new ParameterStore(m, false), topology, x, v, q, true);
                NDArray mse = prediction.sub(target).square().mean();
                loss = mse.getDouble();
                gc.backward(mse);
            }
            double[] got = doubles(prediction);
            double[] want = flat(expected.get("prediction"));
            double[] start = doubles(x);
            double scale = 0;
            double worst = 0;
            for (int i = 0; i < want.length; i++) {
                scale = Math.max(scale, Math.abs(want[i] - start[i]));
                worst = Math.max(worst, Math.abs(got[i] - want[i]));
            }
            assertTrue(scale > 1e-3, "the model moves the particles: " + scale);
            assertTrue(worst < TOLERANCE * scale, model + ": largest difference " + worst + " of displacements up to " + scale);
            assertEquals(expected.get("loss").asDouble(), loss, TOLERANCE * expected.get("loss").asDouble(), "loss");
            for (int k = 0; k < parameters.size(); k++) {
                NDArray g = parameters.get(k).getArray().getGradient();
                assertNotNull(g, parameters.get(k).getName());
                double[] grad = doubles(g);
                double norm = 0;
                double probe = 0;
                double probeNorm = 0;
                for (int i = 0; i < grad.length; i++) {
                    norm += grad[i] * grad[i];
                    probe += grad[i] * Math.cos(0.61 * i);
                    probeNorm += Math.cos(0.61 * i) * Math.cos(0.61 * i);
                }
                norm = Math.sqrt(norm);
                double wantNorm = expected.get("gradient_norm").get(k).asDouble();
                String name = model + " tensor " + k + " (" + parameters.get(k).getName() + ")";
                assertTrue(wantNorm > 0, name);
                assertEquals(wantNorm, norm, TOLERANCE * wantNorm, name + " gradient norm");
                assertEquals(expected.get("gradient_probe").get(k).asDouble(), probe, TOLERANCE * wantNorm * Math.sqrt(probeNorm),
                        name + " gradient along the probe");
            }
        }
    }

    /**
     * {@code nbody --init torch --seed 42} starts from the reference N-body run's initial weights: every one of the 37
     * tensors has the reference's size, first three and last values bit for bit (float32), and its sum and sum of
     * squares to 1e-12 relative (summed in another order).
     */
    @Test
    void torchInitialWeightsAreTheReferenceRunsBitForBit() throws IOException {
        JsonNode drawn = fixture().get("initial_weights");
        assertEquals(42, drawn.get("seed").asInt());
        try (NDManager m = NDManager.newBaseManager()) {
            List<Parameter> parameters = NBodyTask.segnnModel(42, NBodyTask.InitialWeights.TORCH, m).getParameters().values();
            assertEquals(drawn.get("count").size(), parameters.size(), "parameter tensors, in the reference's order");
            for (int k = 0; k < parameters.size(); k++) {
                float[] w = parameters.get(k).getArray().toFloatArray();
                String name = "tensor " + k + " (" + parameters.get(k).getName() + ")";
                assertEquals(drawn.get("count").get(k).asInt(), w.length, name);
                for (int i = 0; i < 3; i++) {
                    assertEquals((float) drawn.get("head").get(k).get(i).asDouble(), w[i], 0f, name + " entry " + i);
                }
                assertEquals((float) drawn.get("last").get(k).asDouble(), w[w.length - 1], 0f, name + " last entry");
                double sum = 0;
                double squares = 0;
                for (float x : w) {
                    sum += x;
                    squares += (double) x * x;
                }
                double wantSquares = drawn.get("sum_of_squares").get(k).asDouble();
                assertEquals(drawn.get("sum").get(k).asDouble(), sum, 1e-12 * Math.sqrt(w.length * wantSquares), name + " sum");
                assertEquals(wantSquares, squares, 1e-12 * wantSquares, name + " sum of squares");
            }
            // the Java draw is another draw of the same distribution
            float[] java = NBodyTask.segnnModel(42, NBodyTask.InitialWeights.JAVA, m).getParameters().get(0).getValue().getArray()
                    .toFloatArray();
            assertNotEquals((float) drawn.get("head").get(0).get(0).asDouble(), java[0]);
        }
    }

    private static JsonNode fixture() throws IOException {
        try (InputStream in = NBodySegnnReferenceTest.class.getResourceAsStream("segnn_nbody_e3nn035.json")) {
            assertNotNull(in, "segnn_nbody_e3nn035.json beside the test class");
            return new ObjectMapper().readTree(in);
        }
    }

    private static NDArray matrix(NDManager m, JsonNode rows) {
        return m.create(flat(rows), new Shape(rows.size(), rows.get(0).size()));
    }

    /** A JSON vector or matrix, row-major. */
    private static double[] flat(JsonNode node) {
        int cols = node.get(0).isArray() ? node.get(0).size() : 1;
        double[] v = new double[node.size() * cols];
        for (int r = 0; r < node.size(); r++) {
            for (int c = 0; c < cols; c++) {
                v[r * cols + c] = node.get(r).isArray() ? node.get(r).get(c).asDouble() : node.get(r).asDouble();
            }
        }
        return v;
    }

    private static double[] doubles(NDArray a) {
        return a.toDoubleArray();
    }
}
