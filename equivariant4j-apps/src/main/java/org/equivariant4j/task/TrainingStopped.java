package org.equivariant4j.task;

import java.nio.file.Path;

/** Training stopped on request ({@link StopSignal}) after saving a checkpoint from which {@code --resume} continues. */
public final class TrainingStopped extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Path checkpoint;

    public TrainingStopped(String message, Path checkpoint) {
        super(message);
        this.checkpoint = checkpoint;
    }

    /** The checkpoint written, or null when the run had no checkpoint file. */
    public Path checkpoint() {
        return checkpoint;
    }
}
