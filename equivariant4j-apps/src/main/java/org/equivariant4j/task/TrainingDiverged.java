package org.equivariant4j.task;

/**
 * Training diverged: a training loss or a validation score became NaN or infinite. The message names the model, the
 * epoch and the step, so the user knows where (and that a lower learning rate is the usual remedy).
 */
public final class TrainingDiverged extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingDiverged(String message) {
        super(message);
    }
}
