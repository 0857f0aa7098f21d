package org.equivariant4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShapeClassifierExampleTest {

    @Test
    void learnsTheShapesAndStaysRotationInvariant() {
        ShapeClassifierExample.Result result = ShapeClassifierExample.train(300, 1);
        System.out.println("ShapeClassifierExample: " + result);
        assertTrue(result.lastLoss() < 0.3 * result.firstLoss(), result.toString());
        assertTrue(result.testAccuracy() >= 0.9, result.toString());
        assertTrue(result.invariance().passes(1e-5), result.toString());
    }
}
