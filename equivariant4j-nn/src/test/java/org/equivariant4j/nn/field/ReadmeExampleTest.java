package org.equivariant4j.nn.field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.equivariant4j.nn.TestSupport;
import org.equivariant4j.nn.activation.PointwiseNonlinearity;
import org.equivariant4j.nn.conv.R2Conv;
import org.equivariant4j.nn.norm.InnerBatchNorm;
import org.equivariant4j.nn.pool.PointwisePool2d;
import org.equivariant4j.nn.pool.PoolingWindow;
import org.equivariant4j.nn.testing.Equivariance;
import org.junit.jupiter.api.Test;

/** The README's steerable-CNN example, as written there, runs and is equivariant. */
class ReadmeExampleTest {
    @Test
    void theReadmeExampleRunsAndIsEquivariant() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray images = TestSupport.gaussian(manager, new Shape(8, 1, 28, 28), DataType.FLOAT32, 1);
            // --- as in README.md ---
            GSpace r2 = GSpaces.rot2dOnR2(8);
            FieldType in = FieldType.of(r2, 1, r2.trivialRepr());
            FieldType hidden = FieldType.of(r2, 16, r2.regularRepr());
            EquivariantSequential net = EquivariantSequential.of(
                    R2Conv.builder(in, hidden).kernelSize(5).padding(2).build(),
                    InnerBatchNorm.of(hidden), PointwiseNonlinearity.elu(hidden, 1.0),
                    PointwisePool2d.max(hidden, PoolingWindow.of(2)));
            net.initialize(manager, DataType.FLOAT32, new Shape(8, 1, 28, 28));
            GeometricTensor y = net.apply(GeometricTensor.of(images, in));
            Equivariance.Report r = Equivariance.check(net, images);
            // ---
            assertEquals(new Shape(8, 128, 14, 14), y.shape());
            assertEquals(4, r.elementsChecked());
            assertTrue(r.passes(1e-5), r.toString());
        }
    }
}
