package org.equivariant4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {

    record Result(int exitCode, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void infoListsGroupsIrrepsAndRegularDecompositions() {
        Result r = run("info");
        assertEquals(0, r.exitCode(), r.err());
        String out = r.out();
        for (String s : List.of("C4", "D4", "SO(2)", "O(2)", "psi[1,1]", "complex", "real", "continuous", "finite, order 8")) {
            assertTrue(out.contains(s), "missing '" + s + "' in\n" + out);
        }
        // C4: three irreps psi[0], psi[1] (complex, occurs once in the regular representation), psi[2]
        assertTrue(out.contains("regular representation (dimension 4) = psi[0] + psi[1] + psi[2]"), out);
        // D4: the 2-dimensional real irrep occurs twice
        assertTrue(out.contains("regular representation (dimension 8) = psi[0,0] + psi[1,0] + psi[0,2] + psi[1,2] + 2 psi[1,1]"), out);
        // SO(2) up to frequency 3 (default)
        assertTrue(out.contains("psi[3]") && !out.contains("psi[4]"), out);
        assertTrue(r.err().isEmpty(), r.err());
    }

    @Test
    void jsonParsesBackAndSatisfiesPeterWeyl(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("sub/info.json");
        Result r = run("info", "--order", "3,6", "--max-frequency", "2", "--json", json.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals("info", root.get("task").asText());
        assertEquals(2, root.get("config").get("max_frequency").asInt());
        assertTrue(root.get("models").isArray());
        List<String> names = new ArrayList<>();
        for (JsonNode g : root.get("groups")) {
            names.add(g.get("name").asText());
            if (g.get("finite").asBoolean()) {
                // sum of multiplicity x dimension = |G|, and each multiplicity is dim / dim End
                int order = g.get("order").asInt();
                JsonNode reg = g.get("regular_representation");
                assertEquals(order, reg.get("dimension").asInt());
                int total = 0;
                for (int i = 0; i < g.get("irreps").size(); i++) {
                    JsonNode irrep = g.get("irreps").get(i);
                    JsonNode m = reg.get("multiplicities").get(i);
                    assertEquals(irrep.get("name").asText(), m.get("irrep").asText());
                    int end = switch (irrep.get("type").asText()) {
                        case "real" -> 1;
                        case "complex" -> 2;
                        case "quaternionic" -> 4;
                        default -> throw new AssertionError(irrep);
                    };
                    assertEquals(irrep.get("dimension").asInt() / end, m.get("multiplicity").asInt(), g.get("name") + " " + irrep);
                    total += m.get("multiplicity").asInt() * irrep.get("dimension").asInt();
                }
                assertEquals(order, total, g.get("name").asText());
            } else {
                assertEquals(-1, g.get("order").asInt());
                assertTrue(g.get("regular_representation") == null);
                for (JsonNode irrep : g.get("irreps")) {
                    assertTrue(irrep.get("frequency").asInt() <= 2);
                }
            }
        }
        assertEquals(List.of("C3", "C6", "D3", "D6", "SO(2)", "O(2)", "SO(3)", "O(3)", "Octahedral", "Icosahedral"), names);
        JsonNode so2 = root.get("groups").get(4);
        assertEquals(3, so2.get("irreps").size());
        assertEquals("complex", so2.get("irreps").get(1).get("type").asText());
        assertTrue(r.out().contains("wrote " + json));
    }

    @Test
    void groupFilter() {
        Result r = run("info", "--group", "o(2)", "--max-frequency", "1");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("O(2)") && !r.out().contains("SO(2)") && !r.out().contains("C4"), r.out());
        Result so3 = run("info", "--group", "so3,icosahedral", "--max-frequency", "1");
        assertEquals(0, so3.exitCode(), so3.err());
        assertTrue(so3.out().contains("SO(3)") && so3.out().contains("regular representation (dimension 60) = A + 3 T1 + 5 H + 3 T2 + 4 G"),
                so3.out());
        Result bad = run("info", "--group", "Q8");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("unknown group 'Q8'") && bad.err().contains("C_N"), bad.err());
    }

    @Test
    void errorsAreOneLineUnlessVerbose() {
        Result r = run("info", "--order", "0");
        assertEquals(1, r.exitCode());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--order must be between 1 and 64") && r.err().contains("got 0"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());

        Result verbose = run("info", "--order", "0", "--verbose");
        assertEquals(1, verbose.exitCode());
        assertTrue(verbose.err().contains("IllegalArgumentException") && verbose.err().contains("\tat "), verbose.err());
        Result verboseFirst = run("--verbose", "info", "--max-frequency", "-1");
        assertEquals(1, verboseFirst.exitCode());
        assertTrue(verboseFirst.err().contains("\tat "), verboseFirst.err());

        Result usage = run("info", "--no-such-option");
        assertEquals(2, usage.exitCode());
        assertEquals(1, usage.err().strip().lines().count(), usage.err());
        assertTrue(usage.err().contains("--no-such-option") && usage.err().contains("equivariant4j info --help"), usage.err());

        Result badJson = run("info", "--json", "/proc/no/such/dir/x.json");
        assertEquals(1, badJson.exitCode());
        assertEquals(1, badJson.err().strip().lines().count(), badJson.err());
        assertTrue(badJson.err().contains("--json folder /proc/no/such/dir cannot be created"), badJson.err());
        assertTrue(badJson.out().isEmpty(), "refused before the listing: " + badJson.out());
        Result bigOrder = run("info", "--order", "100000");
        assertEquals(1, bigOrder.exitCode());
        assertTrue(bigOrder.err().contains("--order must be between 1 and 64 for C_N and D_N, got 100000"), bigOrder.err());
        Result bigFrequency = run("info", "--max-frequency", "1000000");
        assertEquals(1, bigFrequency.exitCode());
        assertTrue(bigFrequency.err().contains("--max-frequency must be between 0 and 100"), bigFrequency.err());
    }

    @Test
    void helpOnEachCommand() {
        Result top = run("--help");
        assertEquals(0, top.exitCode());
        assertTrue(top.out().contains("info") && top.out().contains("--verbose"), top.out());
        Result info = run("info", "--help");
        assertEquals(0, info.exitCode());
        for (String s : List.of("--max-frequency", "--order", "--json", "--group", "C_N, D_N, SO(2), O(2)")) {
            assertTrue(info.out().contains(s), "missing " + s + " in\n" + info.out());
        }
        // picocli reports a description it cannot format (a lone % such as "1%") on System.err, not on the command's err
        java.io.PrintStream systemErr = System.err;
        java.io.ByteArrayOutputStream traced = new java.io.ByteArrayOutputStream();
        try {
            System.setErr(new java.io.PrintStream(traced, true, java.nio.charset.StandardCharsets.UTF_8));
            for (String command : Main.commandLine().getSubcommands().keySet()) {
                Result help = run(command, "--help");
                assertEquals(0, help.exitCode(), command);
                assertTrue(help.err().isEmpty(), command + " --help wrote to stderr (a picocli format warning?): " + help.err());
                assertFalse(help.out().contains("%n") || help.out().contains("\u001b"), command + ": raw format or escape codes");
                String warnings = traced.toString(java.nio.charset.StandardCharsets.UTF_8);
                assertFalse(warnings.contains("picocli WARN"), command + " --help: " + warnings);
            }
        } finally {
            System.setErr(systemErr);
        }
        Result none = run();
        assertEquals(0, none.exitCode());
        assertTrue(none.out().contains("Usage: equivariant4j"), none.out());
        Result version = run("--version");
        assertTrue(version.out().startsWith("equivariant4j "), version.out());
    }
}
