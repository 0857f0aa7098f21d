package org.equivariant4j.task;

import java.util.List;

/**
 * What the {@link TrainingRecipe} reports about a finished run; the block then holds the parameters of the best epoch.
 *
 * @param epochs        epochs trained
 * @param bestEpoch     epoch of the best validation score
 * @param bestScore     that score
 * @param curveEpochs   epochs after which validation ran
 * @param trainCurve    mean training loss of those epochs
 * @param validCurve    validation score after those epochs
 * @param epochSeconds  wall-clock seconds of each epoch's training steps (without validation)
 * @param resumed       whether the run continued from a checkpoint
 */
public record TrainingOutcome(int epochs, int bestEpoch, double bestScore, List<Integer> curveEpochs, List<Double> trainCurve,
        List<Double> validCurve, List<Double> epochSeconds, boolean resumed) {
    public TrainingOutcome {
        curveEpochs = List.copyOf(curveEpochs);
        trainCurve = List.copyOf(trainCurve);
        validCurve = List.copyOf(validCurve);
        epochSeconds = List.copyOf(epochSeconds);
    }

    /** Median seconds per epoch (mean of the two middle values for an even count). */
    public double secondsPerEpoch() {
        return SampleOrder.median(epochSeconds);
    }

    public double[] curveEpochsArray() {
        return curveEpochs.stream().mapToDouble(Integer::doubleValue).toArray();
    }

    public double[] trainCurveArray() {
        return trainCurve.stream().mapToDouble(Double::doubleValue).toArray();
    }

    public double[] validCurveArray() {
        return validCurve.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
