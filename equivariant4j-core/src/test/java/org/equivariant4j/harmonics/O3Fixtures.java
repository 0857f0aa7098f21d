package org.equivariant4j.harmonics;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads the e3nn reference fixtures from {@code <root>/../shared/fixtures/o3}; skips when absent. */
final class O3Fixtures {

    private O3Fixtures() {}

    static Path folder() {
        String root = System.getProperty("equivariant4j.root");
        if (root != null && !root.isBlank()) {
            Path p = Path.of(root).resolve("../shared/fixtures/o3").normalize();
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        return Path.of("../../shared/fixtures/o3").toAbsolutePath().normalize();
    }

    /** The parsed JSON file, or a skipped test when the fixture is absent. */
    static JsonNode load(String name) throws IOException {
        Path file = folder().resolve(name);
        assumeTrue(Files.isRegularFile(file), "fixture " + file + " not present; skipping");
        return new ObjectMapper().readTree(file.toFile());
    }

    static double[] vector(JsonNode node) {
        double[] v = new double[node.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = node.get(i).asDouble();
        }
        return v;
    }

    static double[][] matrix(JsonNode node) {
        double[][] m = new double[node.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = vector(node.get(i));
        }
        return m;
    }

    static double[][][] tensor(JsonNode node) {
        double[][][] t = new double[node.size()][][];
        for (int i = 0; i < t.length; i++) {
            t[i] = matrix(node.get(i));
        }
        return t;
    }
}
