package org.equivariant4j.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.equivariant4j.group.CyclicElement;
import org.equivariant4j.group.CyclicGroup;
import org.equivariant4j.group.Groups;
import org.equivariant4j.nn.field.EquivariantLinear;
import org.equivariant4j.nn.pool.GroupPooling;
import org.equivariant4j.nn.testing.Equivariance;
import org.equivariant4j.repr.Representation;
import org.junit.jupiter.api.Test;

/** The blocks inside a SequentialBlock, trained by DJL's Trainer and EasyTrain (float32), stay invariant. */
class TrainerIntegrationTest {

    @Test
    void trainsWithEasyTrainAndStaysInvariant() throws Exception {
        CyclicGroup c8 = Groups.cyclic(8);
        Representation<CyclicElement> reg = c8.regularRepresentation();
        Representation<CyclicElement> twoReg = Representation.directSum("2 regular", reg, reg);
        SequentialBlock net = new SequentialBlock()
                .add(EquivariantLinear.builder(reg, twoReg).optSeed(1).build())
                .add(x -> new NDList(x.singletonOrThrow().reshape(-1, 2, 8)))
                .add(GroupPooling.max(8));
        try (Model model = Model.newInstance("invariant"); NDManager data = NDManager.newBaseManager()) {
            model.setBlock(net);
            NDArray x = TestSupport.gaussian(data, new Shape(256, 8), DataType.FLOAT32, 3);
            // an invariant target: (mean, max) over the group axis
            NDArray y = x.mean(new int[] {1}, true).concat(x.max(new int[] {1}, true), 1);
            ArrayDataset ds = new ArrayDataset.Builder().setData(x).optLabels(y).setSampling(32, true).build();
            DefaultTrainingConfig cfg = new DefaultTrainingConfig(Loss.l2Loss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.05f)).build());
            double before;
            double after;
            try (Trainer trainer = model.newTrainer(cfg)) {
                trainer.initialize(new Shape(32, 8));
                before = lossOn(trainer, x, y);
                EasyTrain.fit(trainer, 8, ds, null);
                after = lossOn(trainer, x, y);
            }
            System.out.printf("EasyTrain: loss %.4f -> %.4f%n", before, after);
            assertTrue(after < 0.2 * before, before + " -> " + after);
            ParameterStore ps = new ParameterStore(data, false);
            Equivariance.Report r = Equivariance.check(in -> net.forward(ps, new NDList(in), false).singletonOrThrow(),
                    Equivariance.onLastAxis(reg), Equivariance.<CyclicElement>invariant(), c8.elements(), x.get("0:16"));
            assertTrue(r.passes(1e-5), r.toString());
        }
    }

    private static double lossOn(Trainer trainer, NDArray x, NDArray y) {
        try (NDManager sub = x.getManager().newSubManager()) {
            NDArray pred = trainer.evaluate(new NDList(x)).singletonOrThrow();
            pred.attach(sub);
            NDArray loss = trainer.getLoss().evaluate(new NDList(y), new NDList(pred));
            loss.attach(sub);
            return loss.getFloat();
        }
    }
}
