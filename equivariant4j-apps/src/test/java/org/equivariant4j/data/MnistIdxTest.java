package org.equivariant4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistIdxTest {

    /** An IDX image file: magic, n, rows, cols, then the pixels. */
    static byte[] imageFile(int magic, int n, int rows, int cols, byte[] pixels) {
        ByteBuffer b = ByteBuffer.allocate(16 + pixels.length);
        b.putInt(magic).putInt(n).putInt(rows).putInt(cols).put(pixels);
        return b.array();
    }

    static byte[] labelFile(int magic, int n, byte[] labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(magic).putInt(n).put(labels);
        return b.array();
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    /** 3 images of 2×4 with pixel value 10·n + 4·i + j (plus 200 on the last one, to test unsigned reading). */
    static byte[] pixels() {
        byte[] p = new byte[3 * 2 * 4];
        for (int n = 0; n < 3; n++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 4; j++) {
                    p[(n * 2 + i) * 4 + j] = (byte) (10 * n + 4 * i + j + (n == 2 ? 200 : 0));
                }
            }
        }
        return p;
    }

    @Test
    void readsRawAndGzippedFilesAlike(@TempDir Path dir) throws IOException {
        byte[] file = imageFile(MnistIdx.IMAGES_MAGIC, 3, 2, 4, pixels());
        Path raw = Files.write(dir.resolve("images-idx3-ubyte"), file);
        // a misleading name: detection is by content
        Path gz = Files.write(dir.resolve("images-gz.bin"), gzip(file));
        for (Path p : new Path[] {raw, gz}) {
            MnistIdx.Images im = MnistIdx.readImages(p);
            assertEquals(3, im.count());
            assertEquals(2, im.rows());
            assertEquals(4, im.cols());
            assertArrayEquals(pixels(), im.pixels());
            assertEquals(10 + 4 + 3, im.pixel(1, 1, 3));
            assertEquals(200 + 20 + 4 + 2, im.pixel(2, 1, 2), "pixels are unsigned");
        }
        byte[] labels = {3, 0, 9};
        Path lraw = Files.write(dir.resolve("labels"), labelFile(MnistIdx.LABELS_MAGIC, 3, labels));
        Path lgz = Files.write(dir.resolve("labels.gz"), gzip(labelFile(MnistIdx.LABELS_MAGIC, 3, labels)));
        assertArrayEquals(labels, MnistIdx.readLabels(lraw));
        assertArrayEquals(labels, MnistIdx.readLabels(lgz));

        MnistIdx.Digits d = MnistIdx.load(gz, lraw);
        assertEquals(3, d.count());
        assertEquals(9, d.label(2));
        float[] x = d.normalizedPixels(2, 1);
        assertEquals(8, x.length);
        assertEquals((200 + 20) / 255f, x[0], 1e-7);
        assertEquals((200 + 27) / 255f, x[7], 1e-7);
    }

    @Test
    void findsTheTestSetFilesWithOrWithoutGz(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve(MnistIdx.TEST_IMAGES + ".gz"), gzip(imageFile(MnistIdx.IMAGES_MAGIC, 3, 2, 4, pixels())));
        Files.write(dir.resolve(MnistIdx.TEST_LABELS), labelFile(MnistIdx.LABELS_MAGIC, 3, new byte[] {1, 2, 3}));
        assertEquals(3, MnistIdx.loadTestSet(dir).count());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MnistIdx.loadTestSet(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("does not exist"), e.getMessage());
        Files.delete(dir.resolve(MnistIdx.TEST_LABELS));
        e = assertThrows(IllegalArgumentException.class, () -> MnistIdx.loadTestSet(dir));
        assertTrue(e.getMessage().contains(MnistIdx.TEST_LABELS), e.getMessage());
    }

    @Test
    void rejectsWrongMagicNumbers(@TempDir Path dir) throws IOException {
        // a label file given as images, and vice versa
        Path labels = Files.write(dir.resolve("labels"), labelFile(MnistIdx.LABELS_MAGIC, 3, new byte[] {1, 2, 3}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MnistIdx.readImages(labels));
        assertTrue(e.getMessage().contains("expected magic number 0x00000803, got 0x00000801"), e.getMessage());
        assertTrue(e.getMessage().contains(labels.toString()), e.getMessage());
        Path images = Files.write(dir.resolve("images.gz"), gzip(imageFile(MnistIdx.IMAGES_MAGIC, 3, 2, 4, pixels())));
        e = assertThrows(IllegalArgumentException.class, () -> MnistIdx.readLabels(images));
        assertTrue(e.getMessage().contains("expected magic number 0x00000801, got 0x00000803"), e.getMessage());
        // float data (type 0x0d)
        Path floats = Files.write(dir.resolve("floats"), imageFile(0x00000D03, 3, 2, 4, pixels()));
        e = assertThrows(IllegalArgumentException.class, () -> MnistIdx.readImages(floats));
        assertTrue(e.getMessage().contains("got 0x00000d03"), e.getMessage());
    }

    @Test
    void rejectsTruncatedAndOverlongFiles(@TempDir Path dir) throws IOException {
        byte[] full = imageFile(MnistIdx.IMAGES_MAGIC, 3, 2, 4, pixels());
        Path cut = Files.write(dir.resolve("cut"), Arrays.copyOf(full, full.length - 5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MnistIdx.readImages(cut));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("need 40 bytes, got 35"), e.getMessage());
        Path cutGz = Files.write(dir.resolve("cut.gz"), gzip(Arrays.copyOf(full, full.length - 5)));
        e = assertThrows(IllegalArgumentException.class, () -> MnistIdx.readImages(cutGz));
        assertTrue(e.getMessage().contains("need 40 bytes, got 35"), e.getMessage());
        // a gzip stream cut in the middle
        byte[] gz = gzip(full);
        Path brokenGz = Files.write(dir.resolve("broken.gz"), Arrays.copyOf(gz, gz.length - 12));
        e = assertThrows(IllegalArgumentException.class, () -> MnistIdx.readImages(brokenGz));
        assertTrue(e.getMessage().contains("gzip") && e.getMessage().contains("broken.gz"), e.getMessage());
        Path header = Files.write(dir.resolve("header"), Arrays.copyOf(full, 10));
        e = assertThrows(IllegalArgumentException.class, () -> MnistIdx.readImages(header));
        assertTrue(e.getMessage().contains("header needs 16 bytes, got 10"), e.getMessage());
        Path longer = Files.write(dir.resolve("longer"), Arrays.copyOf(full, full.length + 3));
        e = assertThrows(IllegalArgumentException.class, () -> MnistIdx.readImages(longer));
        assertTrue(e.getMessage().contains("expected 40 bytes") && e.getMessage().contains("got 3 more"), e.getMessage());
        Path labels = Files.write(dir.resolve("labels"), labelFile(MnistIdx.LABELS_MAGIC, 5, new byte[] {1, 2, 3}));
        e = assertThrows(IllegalArgumentException.class, () -> MnistIdx.readLabels(labels));
        assertTrue(e.getMessage().contains("5 labels") && e.getMessage().contains("need 13 bytes, got 11"), e.getMessage());
    }

    @Test
    void rejectsBadDimensionsAndLabels(@TempDir Path dir) throws IOException {
        Path zeroRows = Files.write(dir.resolve("zero"), imageFile(MnistIdx.IMAGES_MAGIC, 3, 0, 4, new byte[0]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MnistIdx.readImages(zeroRows));
        assertTrue(e.getMessage().contains("got 3 images of 0×4"), e.getMessage());
        Path negative = Files.write(dir.resolve("neg"), imageFile(MnistIdx.IMAGES_MAGIC, -1, 2, 4, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> MnistIdx.readImages(negative));
        Path badLabel = Files.write(dir.resolve("bad"), labelFile(MnistIdx.LABELS_MAGIC, 3, new byte[] {1, 12, 3}));
        e = assertThrows(IllegalArgumentException.class, () -> MnistIdx.readLabels(badLabel));
        assertTrue(e.getMessage().contains("labels 0-9, got 12 at index 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MnistIdx.readImages(dir.resolve("missing")));
    }

    @Test
    void rejectsLabelImageCountMismatch(@TempDir Path dir) throws IOException {
        Path images = Files.write(dir.resolve("images"), imageFile(MnistIdx.IMAGES_MAGIC, 3, 2, 4, pixels()));
        Path labels = Files.write(dir.resolve("labels"), labelFile(MnistIdx.LABELS_MAGIC, 2, new byte[] {1, 2}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MnistIdx.load(images, labels));
        assertTrue(e.getMessage().contains("has 3 images") && e.getMessage().contains("has 2 labels"), e.getMessage());
    }

    /** {@code <root>/../shared/data/mnist}, root from the system property or two folders up from the module. */
    static Path sharedMnist() {
        String root = System.getProperty("equivariant4j.root");
        if (root != null && !root.isBlank()) {
            return Path.of(root).toAbsolutePath().resolve("../shared/data/mnist").normalize();
        }
        return Path.of("../../shared/data/mnist").toAbsolutePath().normalize();
    }

    @Test
    void readsTheSharedMnistTestSet() throws IOException {
        Path dir = sharedMnist();
        if (!Files.isRegularFile(dir.resolve(MnistIdx.TEST_IMAGES + ".gz"))) {
            // pinned real data: missing in CI is a failure, elsewhere a skip
            String ci = System.getenv("CI");
            if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false")) {
                fail("no MNIST files in " + dir + ": in CI (CI=" + ci + ") the shared MNIST test set must be present");
            }
            assumeTrue(false, "no MNIST files in " + dir + "; skipping (it fails in CI)");
        }
        MnistIdx.Digits d = MnistIdx.loadTestSet(dir);
        assertEquals(10_000, d.count());
        assertEquals(28, d.images().rows());
        assertEquals(28, d.images().cols());
        // the first test digits of MNIST are 7, 2, 1, 0, 4, 1, 4, 9, 5, 9
        byte[] first = Arrays.copyOf(d.labels(), 10);
        assertArrayEquals(new byte[] {7, 2, 1, 0, 4, 1, 4, 9, 5, 9}, first);
        int[] counts = new int[10];
        long ink = 0;
        for (int n = 0; n < d.count(); n++) {
            counts[d.label(n)]++;
        }
        for (byte b : d.images().pixels()) {
            ink += b & 0xff;
        }
        // class sizes of the MNIST test set
        assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, counts);
        double mean = ink / 255.0 / d.images().pixels().length;
        assertEquals(0.1325, mean, 0.001, "mean pixel of the test set");
        // border pixels are background
        assertEquals(0, d.images().pixel(0, 0, 0));
        assertEquals(0, d.images().pixel(9999, 27, 27));
    }
}
