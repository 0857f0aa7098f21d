package org.equivariant4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BasisCommandTest {

    /**
     * C8, trivial → regular, 7×7 (rings 0, 1, 2, 3 with frequency cut-offs 0, 2, 3, 2): psi[0] gets f = 0 on every ring
     * (4), psi[1] f = 1 on rings 1-3 (3 × dim End 2 = 6), psi[2] f = 2 on rings 1-3 (6), psi[3] f = 3 on ring 2 (2);
     * psi[4] would need f = 4. Total 18.
     */
    @Test
    void countsPerIrrepPairTotalJsonAndPicture(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("k/basis.png");
        Path json = dir.resolve("basis.json");
        MainTest.Result r = MainTest.run("basis", "--gspace", "c8", "--in", "trivial", "--out", "regular", "--size", "7",
                "--png", png.toString(), "--json", json.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("total: 18 basis elements"), r.out());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals("c8", root.get("gspace").asText());
        assertEquals(7, root.get("size").asInt());
        assertEquals(18, root.get("total").asInt());
        int[] expected = {4, 6, 6, 2};
        assertEquals(4, root.get("pairs").size());
        for (int i = 0; i < 4; i++) {
            JsonNode p = root.get("pairs").get(i);
            assertEquals("psi[0]", p.get("in_irrep").asText());
            assertEquals("psi[" + i + "]", p.get("out_irrep").asText());
            assertEquals(expected[i], p.get("count").asInt());
        }
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img.getWidth() > 300 && img.getHeight() > 300, img.getWidth() + "x" + img.getHeight());
        assertEquals(0, Files.list(png.getParent()).filter(p -> p.toString().endsWith(".tmp")).count(), "no temporary file left");
    }

    /** Several fields: counts and total sum over field pairs (2 × 3 pairs of the same block here). */
    @Test
    void severalFieldsMultiplyTheCounts() {
        MainTest.Result one = MainTest.run("basis", "--gspace", "d4", "--in", "regular", "--out", "irrep:psi[1,1]");
        MainTest.Result six = MainTest.run("basis", "--gspace", "d4", "--in", "2xregular", "--out", "3xirrep:psi[1,1]");
        assertEquals(0, one.exitCode(), one.err());
        assertEquals(0, six.exitCode(), six.err());
        long a = total(one.out());
        assertTrue(a > 0);
        assertEquals(6 * a, total(six.out()));
        MainTest.Result so2 = MainTest.run("basis", "--gspace", "so2", "--in", "regular:2", "--out", "irrep:1,trivial",
                "--size", "3");
        assertEquals(0, so2.exitCode(), so2.err());
    }

    private static long total(String out) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("total: ([0-9]+) basis").matcher(out);
        assertTrue(m.find(), out);
        return Long.parseLong(m.group(1));
    }

    @Test
    void badInputIsOneClearLine(@TempDir Path dir) {
        String[][] cases = {
            {"basis", "--gspace", "c0"},
            {"basis", "--gspace", "x8"},
            {"basis", "--in", "regulr"},
            {"basis", "--gspace", "so2", "--in", "regular"},
            {"basis", "--gspace", "c4", "--out", "irrep:psi[3]"},
            {"basis", "--gspace", "c4", "--out", "quotient:c3"},
            {"basis", "--size", "0"},
            {"basis", "--in", "trivial,,regular"},
            {"basis", "--png", dir.toString()},
            {"basis", "--gspace", "o2", "--in", "trivial", "--out", "irrep:psi[1,0]", "--png", dir.resolve("x.png").toString()},
        };
        for (String[] args : cases) {
            MainTest.Result r = MainTest.run(args);
            assertNotEquals(0, r.exitCode(), String.join(" ", args) + "\n" + r.out());
            assertEquals(1, r.err().strip().lines().count(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("equivariant4j: error: "), r.err());
        }
    }
}
