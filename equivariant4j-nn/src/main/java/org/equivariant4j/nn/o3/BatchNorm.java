package org.equivariant4j.nn.o3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import org.equivariant4j.nn.ops.BlockInputs;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.MulIrrep;

/**
 * e3nn's equivariant {@code BatchNorm} over O(3) features {@code [batch, ..., dim]} (all leading axes are samples).
 * The 0e components are centred by their mean (no other irrep has an invariant mean); every irrep copy is divided by
 * √(E[|x|²/(2l+1)] + ε) ({@code component}, default) or √(E[|x|²] + ε) ({@code norm}), E the mean over the samples
 * (e3nn's {@code reduce="mean"}; its "max" and instance modes are not provided); then scaled by a learned weight
 * per copy ("weight", ones) and, for 0e, shifted by a learned bias ("bias", zeros). In training the batch statistics
 * are used and the running ones move by {@code running ← (1 − momentum)·running + momentum·batch} (e3nn's convention,
 * momentum 0.1); in inference the running statistics ("runningMean" per 0e copy, zeros; "runningVar" per copy, ones)
 * are used. Equivariant in both modes.
 */
public final class BatchNorm extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Irreps irreps;
    private final double eps;
    private final double momentum;
    private final boolean componentNormalization;
    private final int numScalar;
    private final double[] scalarScatter; // [numScalar, dim]
    private final double[] membership;    // [dim, numIrreps], 1/(2l+1) (component) or 1
    private final double[] expand;        // [numIrreps, dim], 1 where a component belongs to a copy
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter runningMean;
    private final Parameter runningVar;

    /**
     * @param irreps the features' irreps
     * @param eps added to the variance
     * @param momentum of the running statistics (e3nn's convention: weight of the new batch)
     * @param componentNormalization divide by the mean square per component (true) or per copy norm (false)
     */
    public BatchNorm(Irreps irreps, double eps, double momentum, boolean componentNormalization) {
        super(VERSION);
        this.irreps = irreps;
        this.eps = eps;
        this.momentum = momentum;
        this.componentNormalization = componentNormalization;
        int dim = irreps.dim();
        int n = irreps.numIrreps();
        int ns = 0;
        for (MulIrrep e : irreps.list()) {
            if (e.irrep().isScalar()) {
                ns += e.mul();
            }
        }
        this.numScalar = ns;
        this.scalarScatter = new double[ns * dim];
        this.membership = new double[dim * n];
        this.expand = new double[n * dim];
        int s = 0;
        int copy = 0;
        int d = 0;
        for (MulIrrep e : irreps.list()) {
            for (int u = 0; u < e.mul(); u++) {
                for (int k = 0; k < e.irrep().dim(); k++) {
                    membership[d * n + copy] = componentNormalization ? 1.0 / e.irrep().dim() : 1.0;
                    expand[copy * dim + d] = 1;
                    if (e.irrep().isScalar()) {
                        scalarScatter[s++ * dim + d] = 1;
                    }
                    d++;
                }
                copy++;
            }
        }
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.GAMMA)
                .optShape(new Shape(n)).optInitializer(Initializer.ONES).build());
        this.bias = ns == 0 ? null : addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BETA)
                .optShape(new Shape(ns)).optInitializer(Initializer.ZEROS).build());
        this.runningMean = ns == 0 ? null : addParameter(Parameter.builder().setName("runningMean")
                .setType(Parameter.Type.RUNNING_MEAN).optShape(new Shape(ns)).optRequiresGrad(false)
                .optInitializer(Initializer.ZEROS).build());
        this.runningVar = addParameter(Parameter.builder().setName("runningVar").setType(Parameter.Type.RUNNING_VAR)
                .optShape(new Shape(n)).optRequiresGrad(false).optInitializer(Initializer.ONES).build());
    }

    /** e3nn's defaults: eps 1e-5, momentum 0.1, component normalisation. */
    public static BatchNorm of(Irreps irreps) {
        return new BatchNorm(irreps, 1e-5, 0.1, true);
    }

    public Irreps irreps() {
        return irreps;
    }

    public Parameter runningMean() {
        return runningMean;
    }

    public Parameter runningVar() {
        return runningVar;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = BlockInputs.single(this, inputs);
        Shape shape = x.getShape();
        if (shape.dimension() < 2) {
            throw new IllegalArgumentException(this + " expects [batch, ..., " + irreps.dim() + "], got " + shape);
        }
        O3Inputs.requireLastAxis(this, "input", shape, irreps);
        int dim = irreps.dim();
        int n = irreps.numIrreps();
        NDArray flat = x.reshape(-1, dim);
        NDArray scatter = Tensors.fromFlat(x.getManager(), scalarScatter, new Shape(numScalar, dim), x.getDataType());
        NDArray member = Tensors.fromFlat(x.getManager(), membership, new Shape(dim, n), x.getDataType());
        NDArray spread = Tensors.fromFlat(x.getManager(), expand, new Shape(n, dim), x.getDataType());
        NDArray rm = numScalar == 0 ? null : ps.getValue(runningMean, x.getDevice(), training);
        NDArray rv = ps.getValue(runningVar, x.getDevice(), training);
        NDArray var;
        if (training) {
            if (numScalar > 0) {
                NDArray mean = flat.matMul(scatter.transpose()).mean(new int[] {0});
                flat = flat.sub(mean.matMul(scatter));
                rm.muli(1 - momentum).addi(mean.stopGradient().mul(momentum));
            }
            var = flat.square().matMul(member).mean(new int[] {0});
            rv.muli(1 - momentum).addi(var.stopGradient().mul(momentum));
        } else {
            var = rv;
            if (numScalar > 0) {
                flat = flat.sub(rm.matMul(scatter));
            }
        }
        NDArray inv = var.add(eps).pow(Tensors.scalar(var, -0.5)).mul(ps.getValue(weight, x.getDevice(), training));
        NDArray y = flat.mul(inv.matMul(spread));
        if (numScalar > 0) {
            y = y.add(ps.getValue(bias, x.getDevice(), training).matMul(scatter));
        }
        return new NDList(y.reshape(shape));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public String toString() {
        return "BatchNorm(" + irreps + ", eps " + eps + ", momentum " + momentum
                + (componentNormalization ? ", component" : ", norm") + ")";
    }
}
