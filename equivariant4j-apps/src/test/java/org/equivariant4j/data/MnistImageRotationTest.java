package org.equivariant4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link ImageRotation} on 28×28 images (named Mnist* so the rotated-MNIST test selection picks it up). */
class MnistImageRotationTest {
    static final int N = 28;

    static float[] random(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[N * N];
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) r.nextDouble();
        }
        return x;
    }

    /** numpy's np.rot90(img): out[i][j] = in[j][W−1−i] (counter-clockwise). */
    static float[] rot90(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                y[i * N + j] = x[j * N + (N - 1 - i)];
            }
        }
        return y;
    }

    @Test
    void ninetyDegreesIsExactlyNumpyRot90() {
        float[] x = random(1);
        float[] r = ImageRotation.of(N, N, 90).apply(x);
        assertArrayEquals(rot90(x), r, 0f);
        assertArrayEquals(rot90(rot90(x)), ImageRotation.of(N, N, 180).apply(x), 0f);
        assertArrayEquals(rot90(rot90(rot90(x))), ImageRotation.of(N, N, -90).apply(x), 0f);
        assertArrayEquals(rot90(rot90(rot90(x))), ImageRotation.of(N, N, 270).apply(x), 0f);
    }

    @Test
    void directionIsCounterClockwise() {
        // a dot right of the centre (x > 0, row 13, column 20) turns to above the centre (y > 0: a small row index)
        float[] x = new float[N * N];
        x[13 * N + 20] = 1;
        float[] r = ImageRotation.of(N, N, 90).apply(x);
        // x = 20 − 13.5 = 6.5, y = 13.5 − 13 = 0.5 → (−0.5, 6.5): column 13, row 7
        assertEquals(1f, r[7 * N + 13], 0f);
        float[] r45 = ImageRotation.of(N, N, 45).apply(x);
        int argmax = 0;
        for (int k = 1; k < r45.length; k++) {
            if (r45[k] > r45[argmax]) {
                argmax = k;
            }
        }
        int i = argmax / N;
        int j = argmax % N;
        assertTrue(i < 13 && j > 14, "45° puts the dot up and to the right, got row " + i + " column " + j);
    }

    @Test
    void zeroIsIdentityAnd360IsNearlySo() {
        float[] x = random(2);
        assertArrayEquals(x, ImageRotation.of(N, N, 0).apply(x), 0f);
        assertArrayEquals(x, ImageRotation.of(N, N, 360).apply(x), 0f);
        // an angle that is not snapped: 360° + 1e-7° is identity to interpolation round-off
        float[] nearly = ImageRotation.of(N, N, 360 + 1e-7).apply(x);
        for (int i = 1; i < N - 1; i++) {
            for (int j = 1; j < N - 1; j++) {
                assertEquals(x[i * N + j], nearly[i * N + j], 1e-5);
            }
        }
    }

    @Test
    void twoRotationsComposeToOneInTheInterior() {
        // a smooth image (bilinear interpolation of a smooth function is close to it)
        float[] x = new float[N * N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                double u = (j - 13.5) / 6;
                double v = (13.5 - i) / 6;
                x[i * N + j] = (float) (Math.exp(-(u - 0.5) * (u - 0.5) - 2 * v * v) + 0.3 * Math.exp(-(u + 1) * (u + 1) - (v - 1) * (v - 1)));
            }
        }
        float[] twice = ImageRotation.of(N, N, 17).apply(ImageRotation.of(N, N, 33).apply(x));
        float[] once = ImageRotation.of(N, N, 50).apply(x);
        double worst = 0;
        double sum = 0;
        int count = 0;
        double scale = 0;
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                double rx = j - 13.5;
                double ry = 13.5 - i;
                if (rx * rx + ry * ry < 10 * 10) {
                    worst = Math.max(worst, Math.abs(twice[i * N + j] - once[i * N + j]));
                    sum += Math.abs(twice[i * N + j] - once[i * N + j]);
                    count++;
                    scale = Math.max(scale, Math.abs(once[i * N + j]));
                }
            }
        }
        // bilinear resampling twice blurs a little more than once: a few per cent at worst, far less on average
        assertTrue(worst < 0.04 * scale, "two rotations vs one: max difference " + worst + " of " + scale);
        assertTrue(sum / count < 0.005 * scale, "two rotations vs one: mean difference " + sum / count + " of " + scale);
        // and a rotation followed by its inverse comes back to the image
        float[] back = ImageRotation.of(N, N, -33).apply(ImageRotation.of(N, N, 33).apply(x));
        for (int i = 4; i < N - 4; i++) {
            for (int j = 4; j < N - 4; j++) {
                assertEquals(x[i * N + j], back[i * N + j], 0.04 * scale);
            }
        }
    }

    @Test
    void zeroFillOutsideAndMassKeptForCentredDigits() {
        // a constant image: corners rotated by 45° come from outside (zero), the centre stays 1
        float[] ones = new float[N * N];
        java.util.Arrays.fill(ones, 1f);
        float[] r = ImageRotation.of(N, N, 45).apply(ones);
        assertEquals(0f, r[0], 0f);
        assertEquals(0f, r[N * N - 1], 0f);
        assertEquals(1f, r[14 * N + 14], 1e-6);
    }

    @Test
    void rotatesEachImageByItsOwnAngleAndChecksSizes() {
        float[] a = random(3);
        float[] b = random(4);
        float[] both = new float[2 * N * N];
        System.arraycopy(a, 0, both, 0, N * N);
        System.arraycopy(b, 0, both, N * N, N * N);
        float[] r = ImageRotation.rotateEach(both, N, N, new double[] {90, 0});
        assertArrayEquals(rot90(a), java.util.Arrays.copyOfRange(r, 0, N * N), 0f);
        assertArrayEquals(b, java.util.Arrays.copyOfRange(r, N * N, 2 * N * N), 0f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageRotation.of(N, N, 10).apply(new float[5]));
        assertTrue(e.getMessage().contains("28×28 = 784 values, got 5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageRotation.of(N, N, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> ImageRotation.rotateEach(both, N, N, new double[] {1}));
    }
}
