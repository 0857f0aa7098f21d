package org.equivariant4j.harmonics;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads the e3nn reference fixtures from {@code <root>/../shared/fixtures/o3}. A missing fixture skips the test on a
 * developer machine but fails it in CI (environment variable {@code CI} set, as {@code .ci/run} does): there the
 * conventions must be pinned.
 */
final class O3Fixtures {

    private O3Fixtures() {}

    static Path folder() {
        String root = System.getProperty("equivariant4j.root");
        if (root != null && !root.isBlank()) {
            return Path.of(root).toAbsolutePath().resolve("../shared/fixtures/o3").normalize();
        }
        return Path.of("../../shared/fixtures/o3").toAbsolutePath().normalize();
    }

    /** The parsed JSON file; when the fixture is absent, a failed test in CI and a skipped one elsewhere. */
    static JsonNode load(String name) throws IOException {
        Path file = folder().resolve(name);
        if (!Files.isRegularFile(file)) {
            if (inCi()) {
                fail("fixture " + file + " is missing: in CI (CI=" + System.getenv("CI") + ") the O(3) conventions must be"
                        + " pinned against ../shared/fixtures/o3");
            }
            assumeTrue(false, "fixture " + file + " not present; skipping (it fails in CI)");
        }
        return new ObjectMapper().readTree(file.toFile());
    }

    /** Whether this runs in continuous integration: the environment variable CI is set and not "false". */
    static boolean inCi() {
        String ci = System.getenv("CI");
        return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false");
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
