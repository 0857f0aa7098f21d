package org.equivariant4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Npy} round trips, and files written by numpy 2.4.6, embedded as base64 of the bytes of
 * <pre>
 * b = io.BytesIO(); np.save(b, a); base64.b64encode(b.getvalue())
 * </pre>
 * for the arrays named at each constant ({@code np.lib.format.write_array(b, a, version=(2, 0))} for version 2.0).
 */
class NpyTest {

    /** np.arange(6, dtype='&lt;f8').reshape(2, 3) * 0.5 - 1.25 */
    static final String F8 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMp"
            + "LCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAD0vwAAAAAAAOi/AA"
            + "AAAAAA0L8AAAAAAADQPwAAAAAAAOg/AAAAAAAA9D8=";
    /** np.array([[-1], [1], [1]], dtype='&lt;i8') */
    static final String I8 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsIDEp"
            + "LCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr//////////wEAAAAAAAAAAQ"
            + "AAAAAAAAA=";
    /** np.array([1.5, -2.25, 3.0e-3], dtype='&lt;f4') */
    static final String F4 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwg"
            + "fSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/AAAQwKabRDs=";
    /** np.array(-7, dtype='&lt;i4') (0-d) */
    static final String I4_0D = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCks"
            + "IH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr5////";
    /** np.array([[1.0, 2.0]]), format version 2.0 */
    static final String V2 = "k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMSwg"
            + "MiksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADwPwAAAAAAAABA";
    /** np.asfortranarray(np.arange(6, dtype='&lt;f8').reshape(2, 3)) */
    static final String FORTRAN = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAo"
            + "MiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAA"
            + "AAAAAIQAAAAAAAAPA/AAAAAAAAEEAAAAAAAAAAQAAAAAAAABRA";
    /** np.arange(3, dtype='&gt;f8') (big-endian) */
    static final String BIG_ENDIAN = "k05VTVBZAQB2AHsnZGVzY3InOiAnPmY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzog"
            + "KDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAD/wAA"
            + "AAAAAAQAAAAAAAAAA=";
    /** np.arange(3, dtype='&lt;u2') */
    static final String UINT16 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPHUyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMs"
            + "KSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAEAAgA=";

    @TempDir
    Path dir;

    private Path file(String name, String base64) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, Base64.getDecoder().decode(base64));
        return p;
    }

    @Test
    void readsNumpyFiles() throws IOException {
        Npy.NpyArray f8 = Npy.read(file("f8.npy", F8));
        assertEquals(Npy.DType.FLOAT64, f8.dtype());
        assertArrayEquals(new int[] {2, 3}, f8.shape());
        assertArrayEquals(new double[] {-1.25, -0.75, -0.25, 0.25, 0.75, 1.25}, f8.asDoubles());

        Npy.NpyArray i8 = Npy.read(file("i8.npy", I8));
        assertArrayEquals(new int[] {3, 1}, i8.shape());
        assertArrayEquals(new long[] {-1, 1, 1}, i8.asLongs());
        assertArrayEquals(new double[] {-1, 1, 1}, i8.asDoubles());

        Npy.NpyArray f4 = Npy.read(file("f4.npy", F4));
        assertArrayEquals(new float[] {1.5f, -2.25f, 3.0e-3f}, f4.asFloats());
        assertArrayEquals(new int[] {3}, f4.shape());

        Npy.NpyArray i4 = Npy.read(file("i4.npy", I4_0D));
        assertArrayEquals(new int[0], i4.shape());
        assertArrayEquals(new int[] {-7}, i4.asInts());

        Npy.NpyArray v2 = Npy.read(file("v2.npy", V2));
        assertArrayEquals(new int[] {1, 2}, v2.shape());
        assertArrayEquals(new double[] {1, 2}, v2.asDoubles());
    }

    @Test
    void writesTheBytesNumpyWrites() throws IOException {
        String[] expected = {F8, I8, F4, I4_0D};
        Npy.NpyArray[] arrays = {
            Npy.NpyArray.of(new double[] {-1.25, -0.75, -0.25, 0.25, 0.75, 1.25}, 2, 3),
            Npy.NpyArray.of(new long[] {-1, 1, 1}, 3, 1),
            Npy.NpyArray.of(new float[] {1.5f, -2.25f, 3.0e-3f}, 3),
            Npy.NpyArray.of(new int[] {-7}),
        };
        for (int k = 0; k < arrays.length; k++) {
            Path p = dir.resolve("ours" + k + ".npy");
            Npy.write(p, arrays[k]);
            assertArrayEquals(Base64.getDecoder().decode(expected[k]), Files.readAllBytes(p), "array " + k);
        }
    }

    @Test
    void roundTripsEveryDtypeAndShape() {
        double[] d = new double[2 * 3 * 4];
        float[] f = new float[d.length];
        long[] l = new long[d.length];
        int[] i = new int[d.length];
        for (int k = 0; k < d.length; k++) {
            d[k] = Math.scalb(k - 7.3, k - 12);
            f[k] = (float) d[k];
            l[k] = (k - 5) * 1234567890123L;
            i[k] = (k - 5) * 123456789;
        }
        Npy.write(dir.resolve("d.npy"), d, 2, 3, 4);
        Npy.write(dir.resolve("f.npy"), f, 4, 6);
        Npy.write(dir.resolve("l.npy"), l, 24);
        Npy.write(dir.resolve("i.npy"), i, 1, 24, 1);
        Npy.write(dir.resolve("empty.npy"), new double[0], 0, 5);
        assertArrayEquals(d, Npy.read(dir.resolve("d.npy")).asDoubles());
        assertArrayEquals(new int[] {2, 3, 4}, Npy.readHeader(dir.resolve("d.npy")).shape());
        assertArrayEquals(f, Npy.read(dir.resolve("f.npy")).asFloats());
        assertArrayEquals(l, Npy.read(dir.resolve("l.npy")).asLongs());
        assertArrayEquals(i, Npy.read(dir.resolve("i.npy")).asInts());
        assertArrayEquals(new int[] {1, 24, 1}, Npy.read(dir.resolve("i.npy")).shape());
        Npy.NpyArray empty = Npy.read(dir.resolve("empty.npy"));
        assertArrayEquals(new int[] {0, 5}, empty.shape());
        assertEquals(0, empty.size());
    }

    @Test
    void largeArraysCrossChunkBoundaries() {
        double[] d = new double[300_001];
        for (int k = 0; k < d.length; k++) {
            d[k] = k * 0.5 - 3;
        }
        Npy.write(dir.resolve("big.npy"), d, d.length);
        Npy.NpyArray back = Npy.read(dir.resolve("big.npy"));
        assertArrayEquals(d, back.asDoubles());
    }

    @Test
    void headerNeedingVersion2IsWrittenAsVersion2() {
        int[] shape = new int[6000]; // a header longer than 65535 bytes
        java.util.Arrays.fill(shape, 1);
        Npy.write(dir.resolve("v2.npy"), new double[] {4.5}, shape);
        Npy.Header h = Npy.readHeader(dir.resolve("v2.npy"));
        assertEquals(6000, h.shape().length);
        assertEquals(0, h.dataOffset() % 64);
        assertArrayEquals(new double[] {4.5}, Npy.read(dir.resolve("v2.npy")).asDoubles());
    }

    @Test
    void writeIsAtomicAndLeavesNoTemporaryFiles() throws IOException {
        Path p = dir.resolve("sub").resolve("a.npy");
        Npy.write(p, new double[] {1, 2, 3}, 3);
        Npy.write(p, new double[] {4, 5}, 2); // replaces the existing file
        assertArrayEquals(new double[] {4, 5}, Npy.read(p).asDoubles());
        try (Stream<Path> s = Files.list(p.getParent())) {
            assertEquals(1, s.count(), "only the target remains");
        }
    }

    @Test
    void rejectsFortranOrder() throws IOException {
        Path p = file("fortran.npy", FORTRAN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Npy.read(p));
        assertTrue(e.getMessage().contains("Fortran"), e.getMessage());
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
    }

    @Test
    void rejectsOtherDtypesNamingDtypeAndFile() throws IOException {
        for (String[] c : new String[][] {{"be.npy", BIG_ENDIAN, ">f8"}, {"u2.npy", UINT16, "<u2"}}) {
            Path p = file(c[0], c[1]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Npy.read(p));
            assertTrue(e.getMessage().contains("'" + c[2] + "'"), e.getMessage());
            assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        }
    }

    @Test
    void rejectsMissingTruncatedAndForeignFiles() throws IOException {
        Path missing = dir.resolve("missing.npy");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Npy.read(missing));
        assertTrue(e.getMessage().contains("missing.npy"), e.getMessage());

        byte[] good = Base64.getDecoder().decode(F8);
        Path truncated = dir.resolve("truncated.npy");
        Files.write(truncated, java.util.Arrays.copyOf(good, good.length - 3));
        e = assertThrows(IllegalArgumentException.class, () -> Npy.read(truncated));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        Path trailing = dir.resolve("trailing.npy");
        Files.write(trailing, java.util.Arrays.copyOf(good, good.length + 8));
        e = assertThrows(IllegalArgumentException.class, () -> Npy.read(trailing));
        assertTrue(e.getMessage().contains("trailing"), e.getMessage());

        Path text = dir.resolve("text.npy");
        Files.writeString(text, "hello, this is not numpy");
        e = assertThrows(IllegalArgumentException.class, () -> Npy.read(text));
        assertTrue(e.getMessage().contains("not an .npy file"), e.getMessage());
    }

    @Test
    void wrapsWithoutCopyingAndChecksShapes() {
        double[] d = {1, 2, 3, 4};
        assertSame(d, Npy.NpyArray.of(d, 2, 2).asDoubles());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Npy.NpyArray.of(d, 3, 2));
        assertTrue(e.getMessage().contains("[3, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Npy.NpyArray.of(d, 2, 2).asLongs());
    }
}
