package org.equivariant4j.examples;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.equivariant4j.group.CyclicElement;
import org.equivariant4j.group.CyclicGroup;
import org.equivariant4j.group.Groups;
import org.equivariant4j.nn.activation.PointwiseNonlinearity;
import org.equivariant4j.nn.conv.R2Conv;
import org.equivariant4j.nn.field.EquivariantSequential;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.GSpace;
import org.equivariant4j.nn.field.GSpaces;
import org.equivariant4j.nn.pool.GlobalSpatialPooling;
import org.equivariant4j.nn.pool.InvariantFieldPooling;
import org.equivariant4j.nn.testing.Equivariance;
import org.equivariant4j.nn.testing.ImageActions;

/**
 * Trains a C8-steerable CNN on {@link SyntheticShapes} with DJL's {@link Trainer}, using equivariant4j's public API
 * only, and checks that the trained classifier is invariant to rotations of its input.
 *
 * <p>The network: two {@link R2Conv} layers (one trivial field, the image, to 4 regular fields of C8, then 4 to 4;
 * 5×5 kernels) with ReLU, the maximum over each regular field (invariant), the mean over the image and a linear layer
 * to the three logits. Each logit l satisfies l(g·x) = l(x) for the rotations g by multiples of 90°, which map the pixel
 * grid to itself; {@link Equivariance#check} measures it.
 */
public final class ShapeClassifierExample {
    private static final int BATCH = 32;
    private static final int REPORTED_STEPS = 20;

    private ShapeClassifierExample() {}

    /**
     * What a run measured.
     *
     * @param firstLoss    the mean training loss of the first 20 steps
     * @param lastLoss     the mean training loss of the last 20 steps
     * @param testAccuracy the fraction of 300 fresh images classified right
     * @param invariance   the trained classifier's invariance check (4 rotations, 16 test images)
     * @param seconds      the training time
     */
    public record Result(double firstLoss, double lastLoss, double testAccuracy, Equivariance.Report invariance,
            double seconds) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "loss %.4f -> %.4f, test accuracy %.3f, invariance: %s, trained in %.1f s",
                    firstLoss, lastLoss, testAccuracy, invariance, seconds);
        }
    }

    /** The classifier: C8-equivariant features, invariant pooling, then an ordinary DJL linear layer. */
    public static SequentialBlock classifier(long seed) {
        GSpace c8 = GSpaces.rot2dOnR2(8);
        FieldType image = FieldType.of(c8, 1, c8.trivialRepr());
        FieldType hidden = FieldType.of(c8, 4, c8.regularRepr());
        InvariantFieldPooling groupMax = InvariantFieldPooling.groupMax(hidden);
        EquivariantSequential features = EquivariantSequential.of(
                R2Conv.builder(image, hidden).kernelSize(5).padding(2).optSeed(seed).build(),
                PointwiseNonlinearity.relu(hidden),
                R2Conv.builder(hidden, hidden).kernelSize(5).padding(2).optSeed(seed + 1).build(),
                PointwiseNonlinearity.relu(hidden),
                groupMax,
                GlobalSpatialPooling.mean(groupMax.outType()));
        return new SequentialBlock().add(features).add(Linear.builder().setUnits(SyntheticShapes.CLASSES).build());
    }

    /** Trains for {@code steps} Adam steps on fresh batches of 32 images and measures the result. */
    public static Result train(int steps, long seed) {
        if (steps < 2 * REPORTED_STEPS) {
            throw new IllegalArgumentException("expected at least " + 2 * REPORTED_STEPS + " steps, got " + steps);
        }
        SplittableRandom random = new SplittableRandom(seed);
        Engine.getInstance().setRandomSeed((int) seed); // the linear layer's initial weights come from the engine
        SequentialBlock net = classifier(seed);
        try (Model model = Model.newInstance("shapes")) {
            model.setBlock(net);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(BATCH, 1, SyntheticShapes.SIZE, SyntheticShapes.SIZE));
                double first = 0;
                double last = 0;
                long start = System.nanoTime();
                for (int step = 0; step < steps; step++) {
                    double loss = step(trainer, random);
                    if (step < REPORTED_STEPS) {
                        first += loss / REPORTED_STEPS;
                    } else if (step >= steps - REPORTED_STEPS) {
                        last += loss / REPORTED_STEPS;
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                try (NDManager test = model.getNDManager().newSubManager()) {
                    SyntheticShapes.Batch batch = SyntheticShapes.draw(test, 300, random);
                    ParameterStore parameters = new ParameterStore(test, false);
                    NDArray predicted = net.forward(parameters, new NDList(batch.images()), false).singletonOrThrow()
                            .argMax(1).toType(batch.labels().getDataType(), false);
                    double accuracy = predicted.eq(batch.labels()).sum().getLong() / 300.0;
                    CyclicGroup c8 = Groups.cyclic(8);
                    List<CyclicElement> rotations = ImageActions.gridElements(c8);
                    Equivariance.Report invariance = Equivariance.check(
                            x -> net.forward(parameters, new NDList(x), false).singletonOrThrow(),
                            ImageActions.onImages(c8), Equivariance.<CyclicElement>invariant(), rotations,
                            batch.images().get("0:16"));
                    return new Result(first, last, accuracy, invariance, seconds);
                }
            }
        }
    }

    /** One Adam step on a fresh batch; returns its loss. */
    private static double step(Trainer trainer, SplittableRandom random) {
        try (NDManager data = trainer.getManager().newSubManager()) {
            SyntheticShapes.Batch batch = SyntheticShapes.draw(data, BATCH, random);
            double value;
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDArray logits = trainer.forward(new NDList(batch.images())).singletonOrThrow();
                NDArray loss = trainer.getLoss().evaluate(new NDList(batch.labels()), new NDList(logits));
                collector.backward(loss);
                value = loss.getFloat();
            }
            trainer.step();
            return value;
        }
    }

    /** Trains for 300 steps (or the number given) and prints what it measured. */
    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        System.out.println(train(steps, 1));
    }
}
