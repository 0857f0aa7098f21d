package org.equivariant4j.cli;

import java.io.PrintStream;
import java.util.Locale;
import org.equivariant4j.task.Progress;
import org.equivariant4j.task.TrainingRecipe;

/**
 * The training progress of one model on the console: one bar over all its optimiser steps, showing the epoch, the
 * epoch's running loss and the latest and best validation scores.
 */
final class ProgressListener implements TrainingRecipe.Listener, AutoCloseable {
    private final String model;
    private final int epochs;
    private final String score;
    private final PrintStream stream;
    private final boolean quiet;
    private Progress bar;
    private double lossSum;
    private int steps;
    private String validation = "";

    /**
     * @param score name of the validation score, e.g. "valid_mse"
     */
    ProgressListener(String model, int epochs, String score, PrintStream stream, boolean quiet) {
        this.model = model;
        this.epochs = epochs;
        this.score = score;
        this.stream = stream;
        this.quiet = quiet;
    }

    @Override
    public void started(int epoch, int step, int stepsPerEpoch, boolean resumed) {
        bar = Progress.start(model + (resumed ? " (resumed)" : ""), (long) epochs * stepsPerEpoch, stream, quiet);
        bar.advance((long) (epoch - 1) * stepsPerEpoch + step);
    }

    @Override
    public void stepDone(int epoch, int step, double loss) {
        if (step == 1) {
            lossSum = 0;
            steps = 0;
        }
        lossSum += loss;
        steps++;
        bar.step(String.format(Locale.ROOT, "epoch %d/%d loss %.5f%s", epoch, epochs, lossSum / steps, validation));
    }

    @Override
    public void epochDone(int epoch, double trainLoss, double validScore, int bestEpoch, double bestScore) {
        if (!Double.isNaN(validScore)) {
            validation = String.format(Locale.ROOT, " %s %.5f (best %.5f @ %d)", score, validScore, bestScore, bestEpoch);
            bar.message(String.format(Locale.ROOT, "epoch %d/%d loss %.5f%s", epoch, epochs, trainLoss, validation));
        }
    }

    /** Ends the bar and says where the checkpoint is (always shown: the user pressed Ctrl-C and waits for it). */
    @Override
    public void stopped(String message) {
        close();
        stream.println();
        stream.println("equivariant4j: interrupted: " + message + "; run the same command with --resume to continue");
        stream.flush();
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
