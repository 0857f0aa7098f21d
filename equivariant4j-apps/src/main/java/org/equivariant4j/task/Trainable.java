package org.equivariant4j.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * One model of a task as the shared {@link TrainingRecipe} sees it: an initialised float32 block, how many training
 * samples there are, the loss of a set of them, and a validation score. A new task implements this (usually as a small
 * class next to its data) and gets batching, Adam, validation, best-model selection, divergence detection,
 * checkpoints, resuming and interruption handling from the recipe.
 */
public interface Trainable {
    /** The model, initialised (float32); the recipe trains its parameters in place. */
    Block block();

    /** Number of training samples; batches draw from 0..n−1. */
    int trainingSamples();

    /**
     * The training loss (training-mode forward, inside the caller's {@code NDScope}) of samples
     * {@code order[from], …, order[from + count − 1]}: the sum of their per-sample losses divided by {@code batchSize},
     * so that the slices of a batch that the workers compute add up to the batch's mean loss.
     *
     * @param ps parameters to use (a worker's replica or the block's own)
     * @param m  manager for the batch's arrays
     */
    NDArray loss(ParameterStore ps, NDManager m, int[] order, int from, int count, int batchSize);

    /** The validation score (inference mode), e.g. an error or an accuracy; see {@link TrainingSettings#higherIsBetter}. */
    double validate(ParameterStore ps, NDManager m);

    /**
     * What identifies this model's training besides the settings, for checkpoints: task, model and data (a checkpoint is
     * only resumed by a run whose identity and settings are equal).
     */
    java.util.Map<String, Object> identity();
}
