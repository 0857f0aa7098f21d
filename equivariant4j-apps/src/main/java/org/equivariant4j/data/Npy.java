package org.equivariant4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0) holding little-endian, C-ordered
 * arrays of dtype {@code <f8}, {@code <f4}, {@code <i8} or {@code <i4}.
 *
 * <p>Anything else (Fortran order, big-endian or other dtypes, pickled objects, a truncated or over-long file) is
 * rejected with an {@link IllegalArgumentException} that names the file and what was found. The writer produces the
 * same bytes as {@code numpy.save} (version 1.0 header, or 2.0 when the header needs more than 65535 bytes; the header
 * padded to a multiple of 64 bytes) and replaces the target atomically ({@link AtomicFiles}).
 */
public final class Npy {

    private Npy() {}

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    private static final int CHUNK = 1 << 20;

    /** The supported element types, named by their numpy {@code descr}. */
    public enum DType {
        FLOAT64("<f8", 8), FLOAT32("<f4", 4), INT64("<i8", 8), INT32("<i4", 4);

        private final String descr;
        private final int itemSize;

        DType(String descr, int itemSize) {
            this.descr = descr;
            this.itemSize = itemSize;
        }

        /** numpy's dtype string, e.g. {@code "<f8"}. */
        public String descr() {
            return descr;
        }

        /** Bytes per element. */
        public int itemSize() {
            return itemSize;
        }

        /** The dtype with this descr, or {@code null}. */
        static DType fromDescr(String d) {
            for (DType t : values()) {
                if (t.descr.equals(d)) {
                    return t;
                }
            }
            // numpy writes '|' only for one-byte types; '=' is native order, little-endian on supported platforms
            return null;
        }
    }

    /** The parsed header of an {@code .npy} file. */
    public record Header(DType dtype, int[] shape, int dataOffset) {

        /** Product of the shape (1 for a 0-d array). */
        public long size() {
            return Npy.size(shape);
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }
    }

    /**
     * An n-dimensional array: a dtype, a shape and the elements in row-major order, held in the Java array of the
     * matching primitive type ({@code double[]}, {@code float[]}, {@code long[]}, {@code int[]}).
     */
    public static final class NpyArray {
        private final DType dtype;
        private final int[] shape;
        private final Object data;

        private NpyArray(DType dtype, int[] shape, Object data, int length) {
            this.dtype = dtype;
            this.shape = shape.clone();
            for (int d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
                }
            }
            if (Npy.size(shape) != length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + Npy.size(shape)
                        + " elements but the data has " + length);
            }
            this.data = data;
        }

        /** Wraps (does not copy) {@code data} as a {@code <f8} array of the given shape. */
        public static NpyArray of(double[] data, int... shape) {
            return new NpyArray(DType.FLOAT64, shape, data, data.length);
        }

        /** Wraps (does not copy) {@code data} as a {@code <f4} array of the given shape. */
        public static NpyArray of(float[] data, int... shape) {
            return new NpyArray(DType.FLOAT32, shape, data, data.length);
        }

        /** Wraps (does not copy) {@code data} as a {@code <i8} array of the given shape. */
        public static NpyArray of(long[] data, int... shape) {
            return new NpyArray(DType.INT64, shape, data, data.length);
        }

        /** Wraps (does not copy) {@code data} as a {@code <i4} array of the given shape. */
        public static NpyArray of(int[] data, int... shape) {
            return new NpyArray(DType.INT32, shape, data, data.length);
        }

        public DType dtype() {
            return dtype;
        }

        public int[] shape() {
            return shape.clone();
        }

        /** Number of elements. */
        public int size() {
            return (int) Npy.size(shape);
        }

        /** The elements as doubles (the backing array itself for {@code <f8}, else a converted copy). */
        public double[] asDoubles() {
            return switch (dtype) {
                case FLOAT64 -> (double[]) data;
                case FLOAT32 -> {
                    float[] a = (float[]) data;
                    double[] out = new double[a.length];
                    for (int i = 0; i < a.length; i++) {
                        out[i] = a[i];
                    }
                    yield out;
                }
                case INT64 -> Arrays.stream((long[]) data).asDoubleStream().toArray();
                case INT32 -> Arrays.stream((int[]) data).asDoubleStream().toArray();
            };
        }

        /** The elements as floats (the backing array itself for {@code <f4}, else a converted copy, rounded). */
        public float[] asFloats() {
            if (dtype == DType.FLOAT32) {
                return (float[]) data;
            }
            double[] d = dtype == DType.FLOAT64 ? (double[]) data : asDoubles();
            float[] out = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                out[i] = (float) d[i];
            }
            return out;
        }

        /** The elements as longs; only for integer dtypes. */
        public long[] asLongs() {
            return switch (dtype) {
                case INT64 -> (long[]) data;
                case INT32 -> Arrays.stream((int[]) data).asLongStream().toArray();
                default -> throw new IllegalArgumentException("array of dtype " + dtype.descr()
                        + " cannot be read as integers");
            };
        }

        /** The elements as ints; only for {@code <i4}, or {@code <i8} whose values fit. */
        public int[] asInts() {
            return switch (dtype) {
                case INT32 -> (int[]) data;
                case INT64 -> {
                    long[] a = (long[]) data;
                    int[] out = new int[a.length];
                    for (int i = 0; i < a.length; i++) {
                        if (a[i] != (int) a[i]) {
                            throw new IllegalArgumentException("int64 value " + a[i] + " at index " + i
                                    + " does not fit in an int");
                        }
                        out[i] = (int) a[i];
                    }
                    yield out;
                }
                default -> throw new IllegalArgumentException("array of dtype " + dtype.descr()
                        + " cannot be read as integers");
            };
        }

        Object data() {
            return data;
        }

        /**
         * This array, if every element is finite; else an {@link IllegalArgumentException} naming {@code what} (e.g. the
         * file) and the index of the first NaN or infinite element.
         */
        public NpyArray requireFinite(Object what) {
            if (dtype == DType.FLOAT64 || dtype == DType.FLOAT32) {
                int n = size();
                for (int i = 0; i < n; i++) {
                    double v = dtype == DType.FLOAT64 ? ((double[]) data)[i] : ((float[]) data)[i];
                    if (!Double.isFinite(v)) {
                        throw new IllegalArgumentException(what + ": element " + indexString(i) + " is " + v
                                + "; expected finite values");
                    }
                }
            }
            return this;
        }

        /** The multi-index of flat index i as Python writes it, e.g. (3, 0, 2). */
        String indexString(long i) {
            long[] idx = new long[shape.length];
            long rest = i;
            for (int d = shape.length - 1; d >= 0; d--) {
                idx[d] = shape[d] == 0 ? 0 : rest % shape[d];
                rest = shape[d] == 0 ? 0 : rest / shape[d];
            }
            return shapeString(idx);
        }
    }

    static long size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has too many elements", e);
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ reading

    /** Reads only the header of an {@code .npy} file (cheap: the data is not read). */
    public static Header readHeader(Path file) {
        try (FileChannel ch = openForRead(file)) {
            return readHeader(ch, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Reads an {@code .npy} file. */
    public static NpyArray read(Path file) {
        try (FileChannel ch = openForRead(file)) {
            Header h = readHeader(ch, file);
            long count = h.size();
            long expected = h.dataOffset() + count * h.dtype().itemSize();
            long actual = ch.size();
            if (actual != expected) {
                throw new IllegalArgumentException(file + ": expected " + expected + " bytes for dtype "
                        + h.dtype().descr() + " and shape " + shapeString(h.shape) + ", but the file has " + actual
                        + (actual < expected ? " (truncated)" : " (trailing data)"));
            }
            if (count > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(file + ": " + count + " elements do not fit in a Java array");
            }
            int n = (int) count;
            ch.position(h.dataOffset());
            return switch (h.dtype()) {
                case FLOAT64 -> {
                    double[] a = new double[n];
                    readChunks(ch, file, n, 8, (buf, off, len) -> buf.asDoubleBuffer().get(a, off, len));
                    yield NpyArray.of(a, h.shape);
                }
                case FLOAT32 -> {
                    float[] a = new float[n];
                    readChunks(ch, file, n, 4, (buf, off, len) -> buf.asFloatBuffer().get(a, off, len));
                    yield NpyArray.of(a, h.shape);
                }
                case INT64 -> {
                    long[] a = new long[n];
                    readChunks(ch, file, n, 8, (buf, off, len) -> buf.asLongBuffer().get(a, off, len));
                    yield NpyArray.of(a, h.shape);
                }
                case INT32 -> {
                    int[] a = new int[n];
                    readChunks(ch, file, n, 4, (buf, off, len) -> buf.asIntBuffer().get(a, off, len));
                    yield NpyArray.of(a, h.shape);
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static FileChannel openForRead(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such .npy file: " + file);
        }
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such .npy file: " + file, e);
        }
    }

    private interface ChunkSink {
        void accept(ByteBuffer buf, int offset, int length);
    }

    private static void readChunks(FileChannel ch, Path file, int n, int itemSize, ChunkSink sink) throws IOException {
        int perChunk = CHUNK / itemSize;
        ByteBuffer buf = ByteBuffer.allocate(perChunk * itemSize).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < n; off += perChunk) {
            int len = Math.min(perChunk, n - off);
            buf.clear();
            buf.limit(len * itemSize);
            readFully(ch, buf, file);
            buf.flip();
            sink.accept(buf, off, len);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, Path file) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new IllegalArgumentException(file + ": unexpected end of file");
            }
        }
    }

    private static Header readHeader(FileChannel ch, Path file) throws IOException {
        ByteBuffer pre = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        while (pre.hasRemaining()) {
            if (ch.read(pre) < 0) {
                throw new IllegalArgumentException(file + " is not an .npy file (shorter than the 10-byte preamble)");
            }
        }
        pre.flip();
        for (byte b : MAGIC) {
            if (pre.get() != b) {
                throw new IllegalArgumentException(file + " is not an .npy file (bad magic string)");
            }
        }
        int major = pre.get() & 0xff;
        int minor = pre.get() & 0xff;
        long headerLen;
        int prefix;
        if (major == 1) {
            headerLen = pre.getShort() & 0xffff;
            prefix = 10;
        } else if (major == 2 || major == 3) {
            ByteBuffer four = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, four, file);
            four.flip();
            headerLen = ((pre.getShort() & 0xffffL) | ((four.getShort() & 0xffffL) << 16));
            prefix = 12;
        } else {
            throw new IllegalArgumentException(file + ": unsupported .npy format version " + major + "." + minor);
        }
        if (headerLen > 1 << 24) {
            throw new IllegalArgumentException(file + ": implausible .npy header length " + headerLen);
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        readFully(ch, hb, file);
        String text = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Map<String, Object> dict;
        try {
            dict = new HeaderParser(text).parseDict();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": malformed .npy header " + text.strip() + ": "
                    + e.getMessage(), e);
        }
        Object descr = dict.get("descr");
        Object fortran = dict.get("fortran_order");
        Object shapeObj = dict.get("shape");
        if (!(descr instanceof String d) || !(fortran instanceof Boolean f) || !(shapeObj instanceof long[] s)) {
            throw new IllegalArgumentException(file + ": .npy header lacks descr/fortran_order/shape: "
                    + text.strip());
        }
        DType dtype = DType.fromDescr(d);
        if (dtype == null) {
            throw new IllegalArgumentException(file + ": unsupported dtype '" + d
                    + "' (supported: '<f8', '<f4', '<i8', '<i4', little-endian)");
        }
        if (f) {
            throw new IllegalArgumentException(file + ": Fortran-ordered arrays are not supported (dtype "
                    + d + ", shape " + shapeString(s) + "); save it in C order");
        }
        int[] shape = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            if (s[i] < 0 || s[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(file + ": unsupported dimension " + s[i] + " in shape "
                        + shapeString(s));
            }
            shape[i] = (int) s[i];
        }
        return new Header(dtype, shape, (int) (prefix + headerLen));
    }

    /** A parser for the Python literal numpy writes: a dict of strings, booleans and tuples of ints. */
    private static final class HeaderParser {
        private final String s;
        private int p;

        HeaderParser(String s) {
            this.s = s;
        }

        Map<String, Object> parseDict() {
            skip();
            expect('{');
            Map<String, Object> out = new LinkedHashMap<>();
            skip();
            while (peek() != '}') {
                String key = parseString();
                skip();
                expect(':');
                skip();
                out.put(key, parseValue());
                skip();
                if (peek() == ',') {
                    p++;
                    skip();
                } else if (peek() != '}') {
                    throw new IllegalArgumentException("expected ',' or '}' at position " + p);
                }
            }
            p++;
            skip();
            if (p != s.length()) {
                throw new IllegalArgumentException("unexpected text after the dict at position " + p);
            }
            return out;
        }

        private Object parseValue() {
            char c = peek();
            if (c == '\'' || c == '"') {
                return parseString();
            }
            if (c == '(') {
                return parseTuple();
            }
            if (s.startsWith("True", p)) {
                p += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", p)) {
                p += 5;
                return Boolean.FALSE;
            }
            throw new IllegalArgumentException("unsupported value at position " + p);
        }

        private long[] parseTuple() {
            expect('(');
            skip();
            long[] vals = new long[4];
            int n = 0;
            while (peek() != ')') {
                int start = p;
                while (p < s.length() && Character.isDigit(s.charAt(p))) {
                    p++;
                }
                if (start == p) {
                    throw new IllegalArgumentException("expected an integer at position " + p);
                }
                if (p < s.length() && s.charAt(p) == 'L') {
                    p++; // Python 2 long suffix
                }
                long v;
                try {
                    v = Long.parseLong(s.substring(start, p).replace("L", ""));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("integer out of range at position " + start);
                }
                if (n == vals.length) {
                    vals = Arrays.copyOf(vals, 2 * n);
                }
                vals[n++] = v;
                skip();
                if (peek() == ',') {
                    p++;
                    skip();
                } else if (peek() != ')') {
                    throw new IllegalArgumentException("expected ',' or ')' at position " + p);
                }
            }
            p++;
            return Arrays.copyOf(vals, n);
        }

        private String parseString() {
            char q = peek();
            if (q != '\'' && q != '"') {
                throw new IllegalArgumentException("expected a string at position " + p);
            }
            int end = s.indexOf(q, p + 1);
            if (end < 0) {
                throw new IllegalArgumentException("unterminated string at position " + p);
            }
            String out = s.substring(p + 1, end);
            p = end + 1;
            return out;
        }

        private void expect(char c) {
            if (peek() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at position " + p);
            }
            p++;
        }

        private char peek() {
            if (p >= s.length()) {
                throw new IllegalArgumentException("unexpected end of header");
            }
            return s.charAt(p);
        }

        private void skip() {
            while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
                p++;
            }
        }
    }

    // ------------------------------------------------------------------ writing

    /** Writes {@code data} with the given shape as {@code <f8}, atomically. */
    public static void write(Path file, double[] data, int... shape) {
        write(file, NpyArray.of(data, shape));
    }

    /** Writes {@code data} with the given shape as {@code <f4}, atomically. */
    public static void write(Path file, float[] data, int... shape) {
        write(file, NpyArray.of(data, shape));
    }

    /** Writes {@code data} with the given shape as {@code <i8}, atomically. */
    public static void write(Path file, long[] data, int... shape) {
        write(file, NpyArray.of(data, shape));
    }

    /** Writes {@code data} with the given shape as {@code <i4}, atomically. */
    public static void write(Path file, int[] data, int... shape) {
        write(file, NpyArray.of(data, shape));
    }

    /**
     * Writes an array as numpy's {@code np.save} would, atomically ({@link AtomicFiles#write}).
     */
    public static void write(Path file, NpyArray array) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(array, "array");
        AtomicFiles.write(file, tmp -> {
            try (Sink sink = Sink.open(tmp, array.dtype(), array.shape)) {
                sink.put(array.data, 0, array.size());
            }
        });
    }

    /**
     * Writes an array of known shape piece by piece, in C order, for arrays produced in order and too large to hold
     * (a dataset streamed from a cluster). The bytes equal those of {@link #write(Path, NpyArray)} for the same array.
     * The file is written in place (wrap it in {@link AtomicFiles} for atomicity); {@link #close} checks that exactly
     * the shape's number of elements came.
     */
    public static final class Sink implements AutoCloseable {
        private final Path file;
        private final DType dtype;
        private final long expected;
        private final FileChannel channel;
        private final ByteBuffer buffer;
        private long written;

        private Sink(Path file, DType dtype, long expected, FileChannel channel) {
            this.file = file;
            this.dtype = dtype;
            this.expected = expected;
            this.channel = channel;
            this.buffer = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        }

        /** Creates (or truncates) {@code file} and writes the header of an array of this dtype and shape. */
        public static Sink open(Path file, DType dtype, int... shape) throws IOException {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            try {
                ch.write(ByteBuffer.wrap(headerBytes(dtype, shape)));
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            return new Sink(file, dtype, Npy.size(shape), ch);
        }

        /** Appends values of a {@code <f8} array. */
        public void write(double[] values, int offset, int length) throws IOException {
            require(DType.FLOAT64);
            put(values, offset, length);
        }

        /** Appends values of a {@code <f4} array. */
        public void write(float[] values, int offset, int length) throws IOException {
            require(DType.FLOAT32);
            put(values, offset, length);
        }

        private void require(DType t) {
            if (t != dtype) {
                throw new IllegalArgumentException(file + " holds " + dtype.descr() + " values, got " + t.descr());
            }
        }

        private void put(Object data, int offset, int length) throws IOException {
            if (written + length > expected) {
                throw new IllegalArgumentException(file + ": the shape holds " + expected + " values, got "
                        + (written + length));
            }
            int item = dtype.itemSize();
            for (int off = offset; off < offset + length; ) {
                int len = Math.min(buffer.remaining() / item, offset + length - off);
                if (len == 0) {
                    flush();
                    continue;
                }
                int at = buffer.position();
                switch (dtype) {
                    case FLOAT64 -> buffer.asDoubleBuffer().put((double[]) data, off, len);
                    case FLOAT32 -> buffer.asFloatBuffer().put((float[]) data, off, len);
                    case INT64 -> buffer.asLongBuffer().put((long[]) data, off, len);
                    case INT32 -> buffer.asIntBuffer().put((int[]) data, off, len);
                }
                buffer.position(at + len * item);
                off += len;
            }
            written += length;
        }

        private void flush() throws IOException {
            buffer.flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            buffer.clear();
        }

        /**
         * Writes what is buffered, syncs and closes the file.
         *
         * @throws IllegalStateException when fewer values came than the shape holds (the file is then incomplete)
         */
        @Override
        public void close() throws IOException {
            try (channel) {
                flush();
                if (written != expected) {
                    throw new IllegalStateException(file + ": the shape holds " + expected + " values but only " + written
                            + " were written");
                }
                channel.force(true);
            }
        }
    }

    /** The header numpy writes for this dtype and shape (magic, version, length, padded dict). */
    static byte[] headerBytes(DType dtype, int[] shape) {
        StringBuilder dict = new StringBuilder();
        dict.append("{'descr': '").append(dtype.descr()).append("', 'fortran_order': False, 'shape': ")
                .append(shapeString(shape)).append(", }");
        // room to grow the first axis in place, as numpy >= 1.23 reserves
        if (shape.length > 0) {
            dict.append(" ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - Integer.toString(shape[0]).length())));
        }
        int version = 1;
        int prefix = 10;
        int total = prefix + dict.length() + 1;
        int pad = ALIGN - (total % ALIGN);
        if (dict.length() + pad + 1 > 65535) {
            version = 2;
            prefix = 12;
            total = prefix + dict.length() + 1;
            pad = ALIGN - (total % ALIGN);
        }
        dict.append(" ".repeat(pad)).append('\n');
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(prefix + text.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) version).put((byte) 0);
        if (version == 1) {
            b.putShort((short) text.length);
        } else {
            b.putInt(text.length);
        }
        b.put(text);
        return b.array();
    }

    /** Python's tuple repr of a shape: {@code ()}, {@code (5,)}, {@code (3, 4)}. */
    public static String shapeString(int[] shape) {
        long[] l = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            l[i] = shape[i];
        }
        return shapeString(l);
    }

    static String shapeString(long[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(shape[i]);
        }
        return sb.append(')').toString();
    }
}
