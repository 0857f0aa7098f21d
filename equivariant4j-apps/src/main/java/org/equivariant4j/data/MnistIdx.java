package org.equivariant4j.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reader of the MNIST IDX files (LeCun's format), plain or gzip-compressed (detected by the gzip magic bytes
 * {@code 1f 8b}, not by the file name).
 *
 * <ul>
 *   <li>images ({@code *-images-idx3-ubyte}): big-endian int32 magic {@code 0x00000803} (unsigned bytes, 3 axes), then
 *       count, rows, columns, then count·rows·columns unsigned bytes, row-major (pixel (i, j) of image n at
 *       n·rows·cols + i·cols + j; 0 = background, 255 = ink);</li>
 *   <li>labels ({@code *-labels-idx1-ubyte}): magic {@code 0x00000801}, count, then count bytes, each a digit 0–9.</li>
 * </ul>
 *
 * <p>Everything is validated: the magic number, positive image dimensions, the exact file length (a truncated file and
 * trailing bytes are both errors), label values, and (for {@link #load}) equal image and label counts. Errors are
 * {@link IllegalArgumentException}s naming the file, what was expected and what was found.
 *
 * <pre>{@code
 * MnistIdx.Digits test = MnistIdx.loadTestSet(Path.of("shared/data/mnist"));   // 10 000 × 28 × 28
 * float[] x = test.normalizedPixels(0, 100);                                  // images 0..99 scaled to [0, 1]
 * }</pre>
 */
public final class MnistIdx {
    /** Magic number of an IDX file of unsigned bytes with 3 axes (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned bytes with 1 axis (labels). */
    public static final int LABELS_MAGIC = 0x00000801;
    /** File names of the MNIST test set (each looked up with and without {@code .gz}). */
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    /** See {@link #TEST_IMAGES}. */
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    private MnistIdx() {}

    /**
     * Images as unsigned bytes.
     *
     * @param count  number of images
     * @param rows   image height
     * @param cols   image width
     * @param pixels count·rows·cols bytes, row-major (read with {@code & 0xff})
     */
    public record Images(int count, int rows, int cols, byte[] pixels) {
        public Images {
            if ((long) count * rows * cols != pixels.length) {
                throw new IllegalArgumentException("images: expected " + count + "×" + rows + "×" + cols + " = "
                        + (long) count * rows * cols + " pixels, got " + pixels.length);
            }
        }

        /** The pixel (i, j) of image n, 0–255. */
        public int pixel(int n, int i, int j) {
            return pixels[(n * rows + i) * cols + j] & 0xff;
        }
    }

    /**
     * A set of labelled digit images.
     *
     * @param images the images
     * @param labels one digit 0–9 per image
     */
    public record Digits(Images images, byte[] labels) {
        public Digits {
            if (images.count() != labels.length) {
                throw new IllegalArgumentException("digits: expected as many labels as images (" + images.count() + "), got "
                        + labels.length);
            }
        }

        /** Number of digits. */
        public int count() {
            return labels.length;
        }

        /** The label of digit n. */
        public int label(int n) {
            return labels[n];
        }

        /** The pixels of images [from, from + count) scaled to [0, 1] (value / 255), row-major. */
        public float[] normalizedPixels(int from, int count) {
            if (from < 0 || count < 0 || from + count > count()) {
                throw new IllegalArgumentException("digits: range [" + from + ", " + (from + count) + ") is outside [0, "
                        + count() + ")");
            }
            int size = images.rows() * images.cols();
            float[] out = new float[count * size];
            byte[] p = images.pixels();
            for (int k = 0; k < out.length; k++) {
                out[k] = (p[from * size + k] & 0xff) / 255f;
            }
            return out;
        }
    }

    /** Reads an IDX image file (gzip or raw). */
    public static Images readImages(Path file) throws IOException {
        try (InputStream in = open(file)) {
            byte[] header = readHeader(in, file, 16, "images");
            int magic = intAt(header, 0);
            checkMagic(file, magic, IMAGES_MAGIC, "images");
            int count = intAt(header, 4);
            int rows = intAt(header, 8);
            int cols = intAt(header, 12);
            if (count < 0 || rows < 1 || cols < 1) {
                throw new IllegalArgumentException(file + ": expected a non-negative image count and positive rows and columns,"
                        + " got " + count + " images of " + rows + "×" + cols);
            }
            long size = (long) count * rows * cols;
            if (size > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException(file + ": " + count + " images of " + rows + "×" + cols
                        + " exceed the 2 GiB this reader holds in memory");
            }
            byte[] pixels = readBody(in, file, (int) size, 16, count + " images of " + rows + "×" + cols);
            return new Images(count, rows, cols, pixels);
        }
    }

    /** Writes images as a raw (uncompressed) IDX image file, atomically ({@link AtomicFiles}). */
    public static void writeImages(Path file, Images images) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16 + images.pixels().length);
        b.putInt(IMAGES_MAGIC).putInt(images.count()).putInt(images.rows()).putInt(images.cols()).put(images.pixels());
        AtomicFiles.write(file, b.array());
    }

    /** Reads an IDX label file (gzip or raw); every label must be a digit 0–9. */
    public static byte[] readLabels(Path file) throws IOException {
        try (InputStream in = open(file)) {
            byte[] header = readHeader(in, file, 8, "labels");
            checkMagic(file, intAt(header, 0), LABELS_MAGIC, "labels");
            int count = intAt(header, 4);
            if (count < 0) {
                throw new IllegalArgumentException(file + ": expected a non-negative label count, got " + count);
            }
            if (count > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(file + ": " + count + " labels exceed what this reader holds in memory");
            }
            byte[] labels = readBody(in, file, count, 8, count + " labels");
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0 || labels[i] > 9) {
                    throw new IllegalArgumentException(file + ": expected digit labels 0-9, got " + (labels[i] & 0xff)
                            + " at index " + i);
                }
            }
            return labels;
        }
    }

    /** Reads an image file and its label file; the counts must agree. */
    public static Digits load(Path imagesFile, Path labelsFile) throws IOException {
        Images images = readImages(imagesFile);
        byte[] labels = readLabels(labelsFile);
        if (images.count() != labels.length) {
            throw new IllegalArgumentException("expected as many labels as images: " + imagesFile + " has " + images.count()
                    + " images, " + labelsFile + " has " + labels.length + " labels");
        }
        return new Digits(images, labels);
    }

    /**
     * The MNIST test set from a folder holding {@code t10k-images-idx3-ubyte[.gz]} and
     * {@code t10k-labels-idx1-ubyte[.gz]}.
     */
    public static Digits loadTestSet(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("MNIST folder " + dir.toAbsolutePath().normalize() + " does not exist");
        }
        return load(find(dir, TEST_IMAGES), find(dir, TEST_LABELS));
    }

    /** {@code dir/name.gz} or {@code dir/name}, whichever exists. */
    static Path find(Path dir, String name) {
        for (String candidate : new String[] {name + ".gz", name}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalArgumentException("MNIST folder " + dir.toAbsolutePath().normalize() + " has no " + name + ".gz or "
                + name);
    }

    /** The file as a stream, decompressed when it starts with the gzip magic bytes 1f 8b. */
    private static InputStream open(Path file) throws IOException {
        InputStream raw;
        try {
            raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("IDX file " + file + " does not exist");
        }
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                return new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
            } catch (IOException e) {
                raw.close();
                throw corruptGzip(file, e);
            }
        }
        return raw;
    }

    private static IllegalArgumentException corruptGzip(Path file, IOException e) {
        return new IllegalArgumentException(file + ": corrupt or truncated gzip data (" + e.getMessage() + ")");
    }

    private static byte[] readHeader(InputStream in, Path file, int length, String what) throws IOException {
        byte[] header = readFully(in, file, length);
        if (header.length >= 4) {
            // a wrong magic number says more than a short header
            checkMagic(file, intAt(header, 0), length == 16 ? IMAGES_MAGIC : LABELS_MAGIC, what);
        }
        if (header.length < length) {
            throw new IllegalArgumentException(file + ": truncated; an IDX " + what + " header needs " + length + " bytes, got "
                    + header.length);
        }
        return header;
    }

    private static byte[] readBody(InputStream in, Path file, int length, int headerLength, String what) throws IOException {
        byte[] body = readFully(in, file, length);
        if (body.length < length) {
            throw new IllegalArgumentException(file + ": truncated; the header announces " + what + ", which need "
                    + (headerLength + (long) length) + " bytes, got " + (headerLength + (long) body.length));
        }
        long extra = 0;
        try {
            extra = in.skip(Long.MAX_VALUE);
            while (in.read() != -1) {
                extra += 1 + in.skip(Long.MAX_VALUE);
            }
        } catch (ZipException | EOFException e) {
            throw corruptGzip(file, e);
        }
        if (extra > 0) {
            throw new IllegalArgumentException(file + ": expected " + (headerLength + (long) length) + " bytes for " + what
                    + ", got " + extra + " more");
        }
        return body;
    }

    private static byte[] readFully(InputStream in, Path file, int length) throws IOException {
        try {
            return in.readNBytes(length);
        } catch (ZipException | EOFException e) {
            throw corruptGzip(file, e);
        }
    }

    private static void checkMagic(Path file, int got, int expected, String what) {
        if (got != expected) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s: not an IDX %s file; expected magic number 0x%08x, got 0x%08x", file, what, expected, got));
        }
    }

    private static int intAt(byte[] b, int offset) {
        return ((b[offset] & 0xff) << 24) | ((b[offset + 1] & 0xff) << 16) | ((b[offset + 2] & 0xff) << 8) | (b[offset + 3] & 0xff);
    }
}
