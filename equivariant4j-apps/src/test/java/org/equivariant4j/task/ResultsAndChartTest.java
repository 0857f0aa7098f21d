package org.equivariant4j.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsAndChartTest {

    @Test
    void resultsRoundTripInTheSharedSchema(@TempDir Path dir) throws Exception {
        Results r = new Results("nbody", Map.of("epochs", 3, "seed", 1),
                List.of(new Results.ModelResult("egnn", 134020, 0.4, 3, Map.of("test_mse", 0.01, "valid_mse", 0.012))));
        Path file = dir.resolve("sub/results.json");
        r.write(file);
        String json = Files.readString(file);
        assertTrue(json.contains("\"seconds_per_epoch\" : 0.4"), json);
        assertTrue(json.contains("\"test_mse\" : 0.01"), json);
        Results back = Results.read(file);
        assertEquals("nbody", back.task());
        assertEquals(134020, back.models().get(0).params());
        assertEquals(0.012, back.models().get(0).metrics().get("valid_mse"));
    }

    @Test
    void chartIsAPng(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("curves.png");
        new LineChart("loss", "epoch", "mse", true)
                .add("egnn", new double[] {1, 2, 3}, new double[] {0.1, 0.05, 0.02})
                .add("linear", new double[] {1, 2, 3}, new double[] {0.09, 0.085, 0.084})
                .writePng(png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(900, img.getWidth());
        assertEquals(540, img.getHeight());
        var e = assertThrows(IllegalArgumentException.class,
                () -> new LineChart("t", "x", "y", true).add("bad", new double[] {1}, new double[] {0}));
        assertTrue(e.getMessage().contains("log axis"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new LineChart("t", "x", "y", false).add("bad", new double[] {1, 2}, new double[] {0}));
        assertTrue(e.getMessage().contains("2 and 1"), e.getMessage());
    }
}
