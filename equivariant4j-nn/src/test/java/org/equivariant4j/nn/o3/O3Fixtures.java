package org.equivariant4j.nn.o3;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The e3nn reference values in {@code <root>/../shared/fixtures/o3}: a test skips when the file is absent, except
 * under CI (environment variable CI set), where a missing fixture fails.
 */
final class O3Fixtures {
    private O3Fixtures() {}

    static JsonNode load(String name) throws IOException {
        String root = System.getProperty("equivariant4j.root", "..");
        Path file = Path.of(root).resolve("../shared/fixtures/o3").resolve(name).normalize();
        if (!Files.isRegularFile(file)) {
            if (System.getenv("CI") != null) {
                fail("fixture " + file + " is missing (required under CI)");
            }
            assumeTrue(false, "fixture " + file + " not present; skipping");
        }
        return new ObjectMapper().readTree(file.toFile());
    }

    static double[] vector(JsonNode node) {
        double[] v = new double[node.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = node.get(i).asDouble();
        }
        return v;
    }

    /** A JSON matrix flattened row-major. */
    static double[] flat(JsonNode node) {
        int rows = node.size();
        int cols = node.get(0).size();
        double[] v = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                v[r * cols + c] = node.get(r).get(c).asDouble();
            }
        }
        return v;
    }
}
