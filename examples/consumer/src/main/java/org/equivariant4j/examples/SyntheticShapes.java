package org.equivariant4j.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Noisy 17×17 images of three shapes, each drawn at a random offset and size: a filled disk (class 0), a ring (class 1)
 * and a cross turned by a random angle (class 2). Which shape an image shows does not change when it is rotated, so a
 * rotation-invariant classifier suits them.
 */
public final class SyntheticShapes {
    /** Height and width of the images (odd, so that rotations by 90° map the pixel grid to itself). */
    public static final int SIZE = 17;
    /** The number of classes. */
    public static final int CLASSES = 3;

    private SyntheticShapes() {}

    /**
     * A batch of images and their classes.
     *
     * @param images [n, 1, SIZE, SIZE], float32
     * @param labels [n], the classes 0, 1, 2 as float32
     */
    public record Batch(NDArray images, NDArray labels) {}

    /** {@code n} images with classes drawn uniformly, in {@code manager}. */
    public static Batch draw(NDManager manager, int n, SplittableRandom random) {
        if (n < 1) {
            throw new IllegalArgumentException("expected a positive number of images, got " + n);
        }
        float[] pixels = new float[n * SIZE * SIZE];
        float[] labels = new float[n];
        for (int s = 0; s < n; s++) {
            int label = random.nextInt(CLASSES);
            labels[s] = label;
            drawOne(label, pixels, s * SIZE * SIZE, random);
        }
        return new Batch(manager.create(pixels, new Shape(n, 1, SIZE, SIZE)), manager.create(labels));
    }

    private static void drawOne(int label, float[] pixels, int offset, SplittableRandom random) {
        double centre = (SIZE - 1) / 2.0;
        double dx = random.nextDouble(-1.5, 1.5);
        double dy = random.nextDouble(-1.5, 1.5);
        double radius = label == 0 ? random.nextDouble(2.5, 4.0) : random.nextDouble(4.0, 6.0);
        double angle = random.nextDouble(0, Math.PI);
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        for (int i = 0; i < SIZE; i++) {
            for (int j = 0; j < SIZE; j++) {
                double x = j - centre - dx;
                double y = centre - i - dy;
                double r = Math.hypot(x, y);
                double u = Math.abs(x * cos + y * sin);
                double v = Math.abs(-x * sin + y * cos);
                boolean inside = switch (label) {
                    case 0 -> r <= radius;
                    case 1 -> Math.abs(r - radius) <= 0.8;
                    default -> (u <= radius && v <= 0.8) || (v <= radius && u <= 0.8);
                };
                pixels[offset + i * SIZE + j] = (inside ? 1f : 0f) + (float) (0.1 * random.nextGaussian());
            }
        }
    }
}
