package org.equivariant4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.equivariant4j.data.Npy;
import org.equivariant4j.task.ModelCard;
import org.equivariant4j.task.SavedModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code equivariant4j predict}: runs a model saved by {@code --save} on new data and writes its predictions as
 * {@code .npy}. The model card says what the model takes; a card this version does not understand is refused. With the
 * card's thread count (the default) the predictions repeat those made at the end of training bit for bit.
 */
@Command(name = "predict",
        mixinStandardHelpOptions = true,
        description = {"Run a model saved with --save on new data.",
            "nbody: --input .npy (S, n, 7) states (x, y, z, vx, vy, vz, charge per particle) -> predicted positions (S, n, 3).",
            "rotmnist: --input IDX images or a PNG -> class probabilities (S, 10).",
            "md17: --input extended XYZ frames of equally many atoms (species, positions in A) -> per frame the energy"
                    + " (kcal/mol) and the forces (kcal/mol/A), (S, 1 + 3n).",
            "Each model folder holds an example input and the predictions made for it at the end of training."})
final class PredictCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model folder written by --save (DIR/<model>).")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "The data, in the task's input format.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "Where to write the predictions (.npy).")
    Path output;

    @Option(names = "--threads", paramLabel = "N",
            description = "PyTorch threads (default: the model card's, which repeats the training's predictions bit for bit).")
    Integer threads;

    @Option(names = "--force-threads", description = "Allow --threads above the number of cores.")
    boolean forceThreads;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (threads != null) {
            OutputPaths.requireThreads(threads, forceThreads);
        }
        if (!Files.isRegularFile(input)) {
            throw new IllegalArgumentException("--input " + input + (Files.isDirectory(input) ? " is a folder" : " does not exist")
                    + "; expected a file in the task's input format");
        }
        OutputPaths.requireFile("--output", output);
        if (output.toAbsolutePath().normalize().equals(input.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--output " + output + " is the input file; choose another path");
        }
        Path cardFile = model.resolve(SavedModel.CARD);
        int n = threads != null ? threads : Files.isRegularFile(cardFile) ? Math.max(1, ModelCard.read(cardFile).threads()) : 1;
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
        PrintWriter w = spec.commandLine().getOut();
        try (SavedModel saved = SavedModel.load(model)) {
            Npy.NpyArray in = saved.readInput(input);
            Npy.NpyArray out = saved.predict(in);
            Npy.write(output, out);
            ModelCard card = saved.card();
            w.printf("wrote %s %s: %s of %s/%s for %d inputs%n", output, Npy.shapeString(out.shape()),
                    card.output().get("content"), card.task(), card.model(), in.shape()[0]);
        }
        w.flush();
        return 0;
    }
}
