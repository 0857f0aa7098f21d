package org.equivariant4j.task;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.equivariant4j.data.MnistIdx;

/**
 * Small, easy, MNIST-shaped data for fast tests that must not depend on the shared files: 10 classes, each a fixed
 * pattern of 3 random strokes (drawn from a seed), every sample shifted by up to 2 pixels with noise added.
 */
public final class SyntheticDigits {
    private SyntheticDigits() {}

    /** {@code n} labelled 28×28 images (classes cycle 0, 1, …, 9 in a shuffled order). */
    public static MnistIdx.Digits digits(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        SplittableRandom patternRng = new SplittableRandom(12345);
        float[][] templates = new float[10][];
        for (int c = 0; c < 10; c++) {
            templates[c] = template(patternRng);
        }
        byte[] pixels = new byte[n * 784];
        byte[] labels = new byte[n];
        for (int k = 0; k < n; k++) {
            int c = rng.nextInt(10);
            labels[k] = (byte) c;
            int di = rng.nextInt(-2, 3);
            int dj = rng.nextInt(-2, 3);
            for (int i = 0; i < 28; i++) {
                for (int j = 0; j < 28; j++) {
                    int si = i - di;
                    int sj = j - dj;
                    double v = si >= 0 && si < 28 && sj >= 0 && sj < 28 ? templates[c][si * 28 + sj] : 0;
                    v += 0.1 * rng.nextDouble();
                    pixels[k * 784 + i * 28 + j] = (byte) Math.min(255, Math.round(255 * Math.max(0, v)));
                }
            }
        }
        return new MnistIdx.Digits(new MnistIdx.Images(n, 28, 28, pixels), labels);
    }

    private static float[] template(SplittableRandom rng) {
        float[] t = new float[784];
        for (int s = 0; s < 3; s++) {
            double x0 = rng.nextDouble(7, 21);
            double y0 = rng.nextDouble(7, 21);
            double x1 = rng.nextDouble(7, 21);
            double y1 = rng.nextDouble(7, 21);
            for (int step = 0; step <= 40; step++) {
                double x = x0 + (x1 - x0) * step / 40;
                double y = y0 + (y1 - y0) * step / 40;
                for (int i = 0; i < 28; i++) {
                    for (int j = 0; j < 28; j++) {
                        double d2 = (i - y) * (i - y) + (j - x) * (j - x);
                        t[i * 28 + j] = (float) Math.max(t[i * 28 + j], Math.exp(-d2 / 1.5));
                    }
                }
            }
        }
        return t;
    }

    /** Writes the digits as the MNIST test-set files (images gzipped, labels raw) into {@code dir}. */
    public static void writeTestSet(Path dir, MnistIdx.Digits d) throws IOException {
        Files.createDirectories(dir);
        ByteBuffer images = ByteBuffer.allocate(16 + d.images().pixels().length);
        images.putInt(MnistIdx.IMAGES_MAGIC).putInt(d.count()).putInt(28).putInt(28).put(d.images().pixels());
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(dir.resolve(MnistIdx.TEST_IMAGES + ".gz")))) {
            out.write(images.array());
        }
        ByteBuffer labels = ByteBuffer.allocate(8 + d.count());
        labels.putInt(MnistIdx.LABELS_MAGIC).putInt(d.count()).put(d.labels());
        Files.write(dir.resolve(MnistIdx.TEST_LABELS), labels.array());
    }
}
