package org.equivariant4j.task;

import ai.djl.training.tracker.Tracker;

/**
 * How the shared {@link TrainingRecipe} trains a model: epochs of shuffled mini-batches (the last partial batch dropped),
 * Adam with L2 weight decay, validation every {@code evalInterval} epochs and at the last one, the best validation
 * score kept.
 *
 * @param epochs          training epochs
 * @param batchSize       samples per batch
 * @param seed            seed of the shuffling (a task also seeds its initial weights with it)
 * @param learningRate    Adam's learning rate (at the start of the schedule); finite, in (0, 1]
 * @param schedule        how the learning rate evolves over the run
 * @param weightDecay     L2 weight decay added to the gradient, finite, >= 0
 * @param evalInterval    epochs between validations
 * @param higherIsBetter  whether a higher validation score is better (accuracy) or a lower one (an error)
 * @param workers         threads that share each batch ({@link org.equivariant4j.nn.ops.DataParallel}); 1 for blocks
 *                        with running statistics
 */
public record TrainingSettings(int epochs, int batchSize, long seed, double learningRate, Schedule schedule,
        double weightDecay, int evalInterval, boolean higherIsBetter, int workers) {

    /** Learning-rate schedules. */
    public enum Schedule {
        /** The same rate for every step. */
        CONSTANT,
        /** Cosine decay from the rate to 1 % of it over all steps of the run. */
        COSINE;

        /** DJL's tracker of this schedule for a run of {@code totalSteps} optimiser steps. */
        Tracker tracker(double rate, int totalSteps) {
            return switch (this) {
                case CONSTANT -> Tracker.fixed((float) rate);
                case COSINE -> Tracker.cosine().setBaseValue((float) rate).optFinalValue((float) (rate * 0.01))
                        .setMaxUpdates(Math.max(1, totalSteps)).build();
            };
        }
    }

    public TrainingSettings {
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
        }
        if (!(learningRate > 0) || learningRate > 1 || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("--lr must be a finite learning rate in (0, 1], got " + learningRate);
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be finite and >= 0, got " + weightDecay);
        }
        if (evalInterval < 1) {
            throw new IllegalArgumentException("--eval-interval must be >= 1, got " + evalInterval);
        }
        if (workers < 1 || workers > batchSize) {
            throw new IllegalArgumentException("--threads must be between 1 and the batch size " + batchSize + ", got "
                    + workers);
        }
        java.util.Objects.requireNonNull(schedule, "schedule");
    }

    /** Whether validation runs after {@code epoch}. */
    boolean validatesAfter(int epoch) {
        return epoch % evalInterval == 0 || epoch == epochs;
    }
}
