package org.equivariant4j.nn.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Scalars for recorded ops own their memory: the backward pass of y = x·c, run after the garbage collector has freed
 * every unreachable Java buffer and other buffers have taken their memory, still multiplies by c (with DJL's
 * {@code x.mul(c)} the kept scalar borrows a freed buffer and the gradient becomes garbage).
 */
class TensorsTest {
    @Test
    void scalarsSurviveGarbageCollectionBetweenForwardAndBackward() throws InterruptedException {
        for (DataType dt : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray x = m.ones(new Shape(4), dt);
                x.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray y = x.mul(Tensors.scalar(x, 3.25)).div(Tensors.scalar(x, 0.5)).sum();
                    List<ByteBuffer> filler = new ArrayList<>();
                    for (int round = 0; round < 3; round++) {
                        System.gc();
                        Thread.sleep(20);
                        for (int i = 0; i < 2000; i++) {
                            ByteBuffer b = ByteBuffer.allocateDirect(8);
                            b.putDouble(0, Double.NaN);
                            filler.add(b);
                        }
                    }
                    gc.backward(y);
                    for (double g : Tensors.toDoubles(x.getGradient())) {
                        assertEquals(6.5, g, 0.0, dt.toString());
                    }
                    filler.clear();
                }
            }
        }
    }
}
