package org.equivariant4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.equivariant4j.data.NBodyDataset.Part;
import org.equivariant4j.data.NBodyDataset.Split;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NBodyDatasetTest {

    private static final String SFX = NBodyDataset.DEFAULT_SUFFIX;

    @TempDir
    static Path shared;

    /** seed 43 with 6 / 3 / 2 simulations (generated once for the class). */
    private static NBodyDataset small;
    private static Path smallDir;

    @BeforeAll
    static void generateSmall() {
        smallDir = shared.resolve("small");
        small = NBodyDataset.generate(smallDir, 43, 6, 3, 2);
    }

    @TempDir
    Path dir;

    @Test
    void writesTheOriginalFileLayout() {
        int[] sizes = {6, 3, 2};
        for (Part part : Part.values()) {
            int s = sizes[part.ordinal()];
            Npy.Header loc = Npy.readHeader(smallDir.resolve("loc_" + part.tag() + "_" + SFX + ".npy"));
            assertEquals(Npy.DType.FLOAT64, loc.dtype());
            assertArrayEquals(new int[] {s, 49, 3, 5}, loc.shape());
            Npy.Header vel = Npy.readHeader(NBodyDataset.file(smallDir, "vel", part, SFX));
            assertArrayEquals(new int[] {s, 49, 3, 5}, vel.shape());
            Npy.Header charges = Npy.readHeader(NBodyDataset.file(smallDir, "charges", part, SFX));
            assertEquals(Npy.DType.FLOAT64, charges.dtype());
            assertArrayEquals(new int[] {s, 5, 1}, charges.shape());
            Npy.Header edges = Npy.readHeader(NBodyDataset.file(smallDir, "edges", part, SFX));
            assertArrayEquals(new int[] {s, 5, 5}, edges.shape());
        }
        assertTrue(Files.isRegularFile(smallDir.resolve("nbody_" + SFX + ".properties")));
        // edges = q q^T with a diagonal of ones
        double[] e = Npy.read(NBodyDataset.file(smallDir, "edges", Part.TRAIN, SFX)).asDoubles();
        for (int i = 0; i < 5; i++) {
            assertEquals(1.0, e[i * 5 + i]);
        }
        assertEquals(-1.0, e[1]); // train sim 0 charges -1, 1, ...
    }

    @Test
    void generatedValuesAreTheStreamsSimulations() {
        // valid sim 0 is the 7th simulation of the stream (after 6 train sims); test sim 0 the 10th
        ChargedParticlesSimulation sim = new ChargedParticlesSimulation();
        NumpyRandomState rs = new NumpyRandomState(43);
        ChargedParticlesSimulation.Trajectory[] t = new ChargedParticlesSimulation.Trajectory[11];
        for (int s = 0; s < 11; s++) {
            t[s] = s == 0 || s == 6 || s == 9 ? sim.sample(rs) : null;
            if (t[s] == null) {
                sim.sampleInitial(rs);
            }
        }
        NBodyDataset.RawSplit train = small.raw(Part.TRAIN);
        assertArrayEquals(t[0].loc(), java.util.Arrays.copyOf(train.loc(), 735));
        assertArrayEquals(t[6].vel(), java.util.Arrays.copyOf(small.raw(Part.VALID).vel(), 735));
        assertArrayEquals(t[9].charges(), java.util.Arrays.copyOf(small.raw(Part.TEST).charges(), 5));
        // train sim 0, particle 0 at frame 30 (egnn-segnn-data.md §1.8)
        assertEquals(2.98911632, train.loc()[30 * 15], 5e-9);
        assertEquals(1.76937012, train.loc()[30 * 15 + 5], 5e-9);
        assertEquals(-1.17129428, train.loc()[30 * 15 + 10], 5e-9);
    }

    @Test
    void loadGivesBackWhatWasGenerated() {
        NBodyDataset back = NBodyDataset.load(smallDir);
        for (Part part : Part.values()) {
            NBodyDataset.RawSplit a = small.raw(part);
            NBodyDataset.RawSplit b = back.raw(part);
            assertEquals(a.numSims(), b.numSims());
            assertArrayEquals(a.loc(), b.loc());
            assertArrayEquals(a.vel(), b.vel());
            assertArrayEquals(a.charges(), b.charges());
        }
    }

    @Test
    void cacheIsReusedAndNotRewritten() throws IOException {
        Path loc = NBodyDataset.file(smallDir, "loc", Part.TRAIN, SFX);
        FileTime before = Files.getLastModifiedTime(loc);
        NBodyDataset again = NBodyDataset.generate(smallDir, 43, 6, 3, 2);
        assertEquals(before, Files.getLastModifiedTime(loc));
        assertArrayEquals(small.raw(Part.TEST).loc(), again.raw(Part.TEST).loc());
    }

    @Test
    void cacheOfAnotherDatasetIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NBodyDataset.generate(smallDir, 44, 6, 3, 2));
        assertTrue(e.getMessage().contains("seed 43") && e.getMessage().contains("seed 44"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NBodyDataset.generate(smallDir, 43, 7, 3, 2));
        assertTrue(e.getMessage().contains("7/3/2"), e.getMessage());
    }

    /** Generates with the default simulator into {@code cache}, collecting the repair notes. */
    private static NBodyDataset generate(Path cache, java.util.List<String> notes) {
        return NBodyDataset.generate(cache, 43, 6, 3, 2, ChargedParticlesSimulation.Config.defaults(), SFX, 2, notes::add);
    }

    /**
     * The cache heals itself: files without metadata, a damaged or truncated file and the leftovers of an interrupted write
     * are each reported in one line and the cache is written anew; an intact cache is reused silently.
     */
    @Test
    void damagedCachesAreReportedAndRegenerated() throws IOException {
        java.util.List<String> notes = new java.util.ArrayList<>();
        small.save(dir, SFX); // as if an earlier write stopped before the metadata
        assertArrayEquals(small.raw(Part.VALID).loc(), generate(dir, notes).raw(Part.VALID).loc());
        assertEquals(1, notes.size(), notes.toString());
        assertTrue(notes.get(0).contains("has N-body files but no metadata"), notes.get(0));
        notes.clear();
        generate(dir, notes);
        assertTrue(notes.isEmpty(), "an intact cache is reused silently: " + notes);

        Path loc = NBodyDataset.file(dir, "loc", Part.VALID, SFX);
        byte[] bytes = Files.readAllBytes(loc);
        bytes[bytes.length - 3] ^= 4;
        Files.write(loc, bytes);
        assertArrayEquals(small.raw(Part.VALID).loc(), generate(dir, notes).raw(Part.VALID).loc());
        assertTrue(notes.size() == 1 && notes.get(0).contains(loc + " is damaged (CRC-32C"), notes.toString());
        notes.clear();

        Path vel = NBodyDataset.file(dir, "vel", Part.TEST, SFX);
        Files.write(vel, java.util.Arrays.copyOf(Files.readAllBytes(vel), 200));
        Path leftover = dir.resolve(".loc_train_" + SFX + ".npy.1234567.tmp");
        Files.writeString(leftover, "half a file");
        assertArrayEquals(small.raw(Part.TEST).vel(), generate(dir, notes).raw(Part.TEST).vel());
        assertEquals(2, notes.size(), notes.toString());
        assertTrue(notes.get(0).contains("removed 1 temporary file(s) of an interrupted write"), notes.get(0));
        assertTrue(notes.get(1).contains(vel + " is damaged"), notes.get(1));
        assertFalse(Files.exists(leftover));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
    }

    /** Files of the original generator (no metadata) are read with --data; NaN in them is named with its index. */
    @Test
    void generatorFilesAreReadAndNonFiniteValuesNamed() throws IOException {
        small.save(dir, SFX);
        assertArrayEquals(small.raw(Part.VALID).loc(), NBodyDataset.load(dir, SFX).raw(Part.VALID).loc());
        Path vel = NBodyDataset.file(dir, "vel", Part.TRAIN, SFX);
        double[] v = small.raw(Part.TRAIN).vel().clone();
        v[3 * 5 + 4] = Double.POSITIVE_INFINITY;
        Npy.write(vel, v, 6, small.raw(Part.TRAIN).numFrames(), 3, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NBodyDataset.load(dir, SFX));
        assertTrue(e.getMessage().contains(vel + ": element (0, 1, 0, 4) is Infinity"), e.getMessage());
    }

    @Test
    void integerChargesAndEdgesAreAccepted() throws IOException {
        small.save(dir, SFX);
        for (Part part : Part.values()) {
            double[] q = small.raw(part).charges();
            long[] qi = new long[q.length];
            for (int k = 0; k < q.length; k++) {
                qi[k] = (long) q[k];
            }
            Npy.write(NBodyDataset.file(dir, "charges", part, SFX), qi, q.length / 5, 5, 1);
            double[] e = small.raw(part).edges();
            long[] ei = new long[e.length];
            for (int k = 0; k < e.length; k++) {
                ei[k] = (long) e[k];
            }
            Npy.write(NBodyDataset.file(dir, "edges", part, SFX), ei, q.length / 5, 5, 5);
        }
        assertArrayEquals(small.raw(Part.TRAIN).charges(), NBodyDataset.load(dir).raw(Part.TRAIN).charges());
    }

    @Test
    void splitHasTheLoadersLayout() {
        Split train = small.train(3000);
        assertEquals(6, train.size()); // fewer sims than maxSamples: all of them
        assertEquals(30, train.inputFrame());
        assertEquals(40, train.targetFrame());
        Split four = small.train(4);
        assertEquals(4, four.size());
        float[] x = four.inputPositions();
        float[] v = four.inputVelocities();
        float[] y = four.targetPositions();
        assertEquals(4 * 5 * 3, x.length);
        NBodyDataset.RawSplit raw = small.raw(Part.TRAIN);
        for (int s = 0; s < 4; s++) {
            for (int i = 0; i < 5; i++) {
                for (int c = 0; c < 3; c++) {
                    int src = ((s * 49 + 30) * 3 + c) * 5 + i;
                    int tgt = ((s * 49 + 40) * 3 + c) * 5 + i;
                    assertEquals((float) raw.loc()[src], x[(s * 5 + i) * 3 + c]);
                    assertEquals((float) raw.vel()[src], v[(s * 5 + i) * 3 + c]);
                    assertEquals((float) raw.loc()[tgt], y[(s * 5 + i) * 3 + c]);
                }
            }
        }
        assertArrayEquals(new float[] {-1, 1, -1, -1, -1}, java.util.Arrays.copyOf(four.charges(), 5));
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4}, four.edgeRows());
        assertArrayEquals(new int[] {1, 2, 3, 4, 0, 2, 3, 4, 0, 1, 3, 4, 0, 1, 2, 4, 0, 1, 2, 3}, four.edgeCols());
        float[] attr = four.edgeAttr();
        assertEquals(4 * 20, attr.length);
        assertArrayEquals(new float[] {-1, 1, 1, 1, -1, -1, -1, -1, 1, -1, 1, 1}, java.util.Arrays.copyOf(attr, 12));
    }

    @Test
    void framesAreConfigurable() {
        Split out = small.test(2).withFrames(20, 30); // nbody_small_out_dist
        assertArrayEquals(small.test(2).positions(30), out.targetPositions());
        assertArrayEquals(small.test(2).positions(20), out.inputPositions());
        Split custom = small.split(Part.VALID, 2, 0, 48);
        assertEquals(2, custom.size());
        assertArrayEquals(custom.positions(48), custom.targetPositions());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> small.split(Part.VALID, 2, 30, 49));
        assertTrue(e.getMessage().contains("targetFrame 49 is not one of the 49 frames (0..48)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> small.train(-1));
        assertThrows(IllegalArgumentException.class, () -> small.train(2).positions(-1));
    }

    @Test
    void missingFileIsReported() throws IOException {
        small.save(dir, SFX);
        Files.delete(NBodyDataset.file(dir, "vel", Part.VALID, SFX));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NBodyDataset.load(dir));
        assertTrue(e.getMessage().contains("vel_valid_" + SFX + ".npy"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NBodyDataset.load(dir.resolve("nowhere")));
        assertTrue(e.getMessage().contains("missing N-body file"), e.getMessage());
    }

    @Test
    void wrongShapesAreReported() throws IOException {
        small.save(dir, SFX);
        Path vel = NBodyDataset.file(dir, "vel", Part.TEST, SFX);
        Npy.write(vel, new double[2 * 48 * 3 * 5], 2, 48, 3, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NBodyDataset.load(dir));
        assertTrue(e.getMessage().contains(vel.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("(2, 49, 3, 5)") && e.getMessage().contains("(2, 48, 3, 5)"),
                e.getMessage());

        small.save(dir, SFX);
        Path loc = NBodyDataset.file(dir, "loc", Part.TRAIN, SFX);
        Npy.write(loc, new double[6 * 49 * 15], 6, 49, 15);
        e = assertThrows(IllegalArgumentException.class, () -> NBodyDataset.load(dir));
        assertTrue(e.getMessage().contains("(S, T, 3, N)") && e.getMessage().contains("(6, 49, 15)"),
                e.getMessage());
    }

    @Test
    void wrongDtypeIsReported() throws IOException {
        small.save(dir, SFX);
        Path loc = NBodyDataset.file(dir, "loc", Part.VALID, SFX);
        Npy.write(loc, new int[3 * 49 * 15], 3, 49, 3, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NBodyDataset.load(dir));
        assertTrue(e.getMessage().contains("'<i4'") && e.getMessage().contains(loc.toString()), e.getMessage());

        small.save(dir, SFX);
        Path charges = NBodyDataset.file(dir, "charges", Part.TEST, SFX);
        Files.write(charges, java.util.Base64.getDecoder().decode(NpyTest.UINT16));
        e = assertThrows(IllegalArgumentException.class, () -> NBodyDataset.load(dir));
        assertTrue(e.getMessage().contains("'<u2'"), e.getMessage());
    }

    @Test
    void edgesInconsistentWithChargesAreReported() throws IOException {
        small.save(dir, SFX);
        Path edges = NBodyDataset.file(dir, "edges", Part.TRAIN, SFX);
        double[] e = small.raw(Part.TRAIN).edges();
        e[7] = -e[7];
        Npy.write(edges, e, 6, 5, 5);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> NBodyDataset.load(dir));
        assertTrue(ex.getMessage().contains("edges[0, 1, 2]"), ex.getMessage());
    }
}
