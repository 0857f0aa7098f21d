package org.equivariant4j.task;

/**
 * A request to stop training early and safely, e.g. from a SIGINT/SIGTERM handler: the {@link TrainingRecipe} checks it
 * after every optimiser step, writes a checkpoint of exactly that point, and stops with {@link TrainingStopped}.
 * {@link #stopAndWait} lets the requester (a JVM shutdown hook) wait until the checkpoint is on disk; when no training is
 * running it returns at once. Thread-safe; one per run, held by whoever runs the training.
 */
public final class StopSignal {
    private volatile boolean requested;
    private boolean training;

    /** Requests a stop without waiting. */
    public void request() {
        requested = true;
    }

    /** Whether a stop was requested. */
    public boolean isRequested() {
        return requested;
    }

    /**
     * Requests a stop and waits until the running training (if any) has saved its checkpoint and returned, at most
     * {@code timeoutMillis}.
     *
     * @return whether no training is running any more
     */
    public synchronized boolean stopAndWait(long timeoutMillis) throws InterruptedException {
        requested = true;
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (training) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    synchronized void enter() {
        training = true;
    }

    synchronized void exit() {
        training = false;
        notifyAll();
    }
}
