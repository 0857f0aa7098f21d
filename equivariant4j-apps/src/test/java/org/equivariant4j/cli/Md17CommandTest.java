package org.equivariant4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.equivariant4j.data.ExtendedXyz;
import org.equivariant4j.data.SyntheticEthanol;
import org.equivariant4j.task.Results;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** md17 end to end on synthetic ethanol frames (no shared data needed), its saved models, and its checks before work. */
class Md17CommandTest {
    @TempDir
    static Path shared;
    static Path data;

    @BeforeAll
    static void frames() {
        data = SyntheticEthanol.write(shared.resolve("ethanol.xyz"), 40, 0.05, 3);
    }

    @Test
    void trainsTestsChecksEquivarianceRunsDynamicsAndSavesModelsThatPredictAsTrained(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Path models = dir.resolve("models");
        MainTest.Result r = MainTest.run("md17", "--model", "nequip,schnet", "--data", data.toString(), "--epochs", "2",
                "--train", "20", "--valid", "10", "--test", "10", "--md-steps", "20", "--quiet", "--out", out.toString(),
                "--save", models.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("40 frames of 9 atoms; train 20, valid 10, test 10"), r.out());
        assertTrue(r.out().contains("energy_mae") && r.out().contains("F_equivar") && r.out().contains("md_drift"), r.out());
        Results results = Results.read(out.resolve("results.json"));
        assertEquals("md17", results.task());
        assertEquals(List.of("nequip", "schnet"), results.models().stream().map(Results.ModelResult::name).toList());
        for (Results.ModelResult m : results.models()) {
            assertTrue(m.metrics().keySet().containsAll(List.of("energy_mae", "force_mae", "energy_rmse", "force_rmse",
                    "valid_force_mae", "best_epoch", "md_energy_drift", "md_energy_fluctuation",
                    "md_max_energy_deviation")), m.toString());
            // the trained models, copied to float64, under random rotations, reflections and translations
            assertTrue(m.metrics().get("energy_invariance_error") < 1e-9, m.toString());
            assertTrue(m.metrics().get("force_equivariance_error") < 1e-9, m.toString());
            assertTrue(Double.isFinite(m.metrics().get("force_mae")) && m.metrics().get("force_mae") > 0, m.toString());
            assertEquals(2, m.epochs());
            assertTrue(m.params() > 1000, m.toString());
        }
        for (String png : List.of("learning_curves.png", "force_parity.png", "md_energy.png")) {
            assertTrue(Files.size(out.resolve(png)) > 1000, png);
        }
        // the trajectory opens as extended XYZ: step 0, 10, 20 with velocities, forces and energies
        List<ExtendedXyz.Frame> md = ExtendedXyz.read(out.resolve("md_nequip.xyz"));
        assertEquals(3, md.size());
        assertEquals("20", md.get(2).info().get("step"));
        assertEquals(List.of("C", "C", "O", "H", "H", "H", "H", "H", "H"), md.get(0).species());
        assertTrue(md.get(1).arrays().containsKey("velocities") && md.get(1).arrays().containsKey("forces"));
        double total = Double.parseDouble(md.get(2).info().get("total_energy"));
        assertEquals(Double.parseDouble(md.get(2).info().get("energy")) + Double.parseDouble(md.get(2).info().get("kinetic_energy")),
                total, 1e-9 * Math.abs(total));
        assertFalse(Files.exists(out.resolve("checkpoints")), "a completed run leaves no checkpoints");
        // predict on the saved example (extended XYZ) repeats the predictions made at the end of training
        for (String m : List.of("nequip", "schnet")) {
            Path model = models.resolve(m);
            Path predictions = dir.resolve(m + ".npy");
            MainTest.Result p = MainTest.run("predict", "--model", model.toString(), "--input",
                    model.resolve("example_input.xyz").toString(), "--output", predictions.toString());
            assertEquals(0, p.exitCode(), p.err());
            assertTrue(p.out().contains("(10, 28)") && p.out().contains("energies and forces of md17/" + m), p.out());
            assertArrayEquals(Files.readAllBytes(model.resolve("example_predictions.npy")), Files.readAllBytes(predictions), m);
        }
    }

    @Test
    void eachModelTakesItsOwnLearningRateUnlessOneIsGiven(@TempDir Path dir) throws Exception {
        String[] common = {"md17", "--model", "schnet,segnn", "--data", data.toString(), "--epochs", "1", "--train", "5",
            "--valid", "5", "--test", "5", "--md-steps", "0", "--quiet"};
        Path out = dir.resolve("defaults");
        MainTest.Result r = MainTest.run(NBodyCommandTest.concat(common, "--out", out.toString()));
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(Map.of("schnet", 5e-3, "segnn", 5e-4), Results.read(out.resolve("results.json")).config().get("learning_rate"));
        out = dir.resolve("given");
        r = MainTest.run(NBodyCommandTest.concat(common, "--lr", "1e-3", "--out", out.toString()));
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(1e-3, Results.read(out.resolve("results.json")).config().get("learning_rate"));
    }

    @Test
    void theLongProtocolWeightsForcesTenfoldAndGivesEachPotentialItsOwnRate(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("long");
        MainTest.Result r = MainTest.run("md17", "--long", "--model", "nequip,schnet", "--data", data.toString(), "--epochs", "1",
                "--train", "5", "--valid", "5", "--test", "5", "--md-steps", "0", "--quiet", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        Map<String, Object> config = Results.read(out.resolve("results.json")).config();
        assertEquals(Map.of("nequip", 2e-2, "schnet", 2e-3), config.get("learning_rate"));
        assertEquals(10.0, ((Number) config.get("force_weight")).doubleValue());
        assertEquals(5, ((Number) config.get("eval_interval")).intValue());
        out = dir.resolve("given");
        r = MainTest.run("md17", "--long", "--model", "schnet", "--data", data.toString(), "--epochs", "1", "--train", "5",
                "--valid", "5", "--test", "5", "--md-steps", "0", "--quiet", "--force-weight", "2", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(2.0, ((Number) Results.read(out.resolve("results.json")).config().get("force_weight")).doubleValue());
    }

    @Test
    void trainsTheLiftedPotentialAndReportsItsGridError(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Path models = dir.resolve("models");
        MainTest.Result r = MainTest.run("md17", "--model", "ponita", "--data", data.toString(), "--epochs", "1", "--train", "20",
                "--valid", "10", "--test", "10", "--md-steps", "10", "--quiet", "--out", out.toString(), "--save",
                models.toString());
        assertEquals(0, r.exitCode(), r.err());
        Results results = Results.read(out.resolve("results.json"));
        assertEquals(1, ((Number) results.config().get("threads")).intValue(), "one worker unless --threads is given");
        Results.ModelResult m = results.models().get(0);
        assertEquals("ponita", m.name());
        assertTrue(m.params() > 1000 && Double.isFinite(m.metrics().get("force_mae")), m.toString());
        // 12 orientations: exact only for the icosahedral symmetries, so random rotations leave a measured error
        double e = m.metrics().get("force_equivariance_error");
        assertTrue(e > 1e-9 && e < 1, m.toString());
        Path predictions = dir.resolve("ponita.npy");
        MainTest.Result p = MainTest.run("predict", "--model", models.resolve("ponita").toString(), "--input",
                models.resolve("ponita").resolve("example_input.xyz").toString(), "--output", predictions.toString());
        assertEquals(0, p.exitCode(), p.err());
        assertArrayEquals(Files.readAllBytes(models.resolve("ponita").resolve("example_predictions.npy")),
                Files.readAllBytes(predictions));
    }

    @Test
    void refusesBadInputBeforeTraining(@TempDir Path dir) throws Exception {
        String o = dir.resolve("out").toString();
        MainTest.Result missing = MainTest.run("md17", "--data", dir.resolve("none.xyz").toString(), "--out", o);
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("--data " + dir.resolve("none.xyz") + " does not exist")
                && missing.err().contains("give it with --data FILE"), missing.err());
        MainTest.Result folder = MainTest.run("md17", "--data", dir.toString(), "--out", o);
        assertTrue(folder.err().contains("is a folder"), folder.err());
        MainTest.Result split = MainTest.run("md17", "--data", data.toString(), "--train", "30", "--valid", "10", "--test",
                "10", "--out", o);
        assertEquals(1, split.exitCode());
        assertTrue(split.err().contains("has 40 frames; the split needs 30 + 10 + 10 = 50"), split.err());
        MainTest.Result weights = MainTest.run("md17", "--data", data.toString(), "--energy-weight", "0", "--force-weight",
                "0", "--out", o);
        assertTrue(weights.err().contains("not both 0"), weights.err());
        MainTest.Result model = MainTest.run("md17", "--data", data.toString(), "--model", "mace", "--out", o);
        assertTrue(model.exitCode() != 0, model.err());
        assertTrue(model.err().contains("mace"), model.err());
        Path notXyz = Files.writeString(dir.resolve("bad.xyz"), "9\nenergy=1\nC 0 0 0\n");
        MainTest.Result malformed = MainTest.run("md17", "--data", notXyz.toString(), "--out", o);
        assertTrue(malformed.err().contains("expected 9 atom lines, got 1"), malformed.err());
        assertFalse(Files.exists(dir.resolve("out").resolve("results.json")));
    }

    @Test
    void withoutTheSharedDataTheErrorNamesTheDefaultAndTheDataOption(@TempDir Path dir) {
        String before = System.getProperty("equivariant4j.root");
        System.setProperty("equivariant4j.root", dir.resolve("repo").toString());
        try {
            Path expected = dir.resolve("shared/data/md17/ethanol_sampledata.xyz").toAbsolutePath().normalize();
            assertEquals(expected, Md17Command.defaultData());
            MainTest.Result r = MainTest.run("md17", "--out", dir.resolve("out").toString());
            assertEquals(1, r.exitCode());
            assertTrue(r.err().contains("MD17 data not found at " + expected) && r.err().contains("--data FILE"), r.err());
        } finally {
            if (before == null) {
                System.clearProperty("equivariant4j.root");
            } else {
                System.setProperty("equivariant4j.root", before);
            }
        }
    }
}
