package org.equivariant4j.nn.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.Objects;
import org.equivariant4j.nn.ops.Tensors;
import org.equivariant4j.o3.Irreps;
import org.equivariant4j.o3.MulIrrep;

/**
 * SEGNN's instance normalisation of O(3) node features over each graph: the scalar (l = 0) components are centred by
 * their graph mean; every irrep copy is divided by √(mean over the graph's nodes of |x|²/(2l+1) + ε) (component
 * normalisation), then scaled by a learned weight per copy ("weight", ones) and, for scalars, shifted by a learned bias
 * ("bias", zeros). Equivariant (norms of irreps are invariant) and the same in training and inference (no running
 * statistics). Input [x [N, dim]] with the batch's {@link GraphPooling} passed to {@link #apply}.
 */
public final class InstanceNorm extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Irreps irreps;
    private final double eps;
    private final int numScalar;
    private final double[] scalarScatter; // [numScalar, dim]
    private final double[] membership;    // [dim, numIrreps]: 1/(2l+1) where a component belongs to a copy
    private final double[] expand;        // [numIrreps, dim]
    private final Parameter weight;
    private final Parameter bias;

    /** Instance norm of features of {@code irreps} with ε = 1e-5. */
    public InstanceNorm(Irreps irreps) {
        this(irreps, 1e-5);
    }

    public InstanceNorm(Irreps irreps, double eps) {
        super(VERSION);
        this.irreps = Objects.requireNonNull(irreps, "irreps");
        if (!(eps > 0)) {
            throw new IllegalArgumentException("eps must be > 0, got " + eps);
        }
        this.eps = eps;
        int dim = irreps.dim();
        int n = irreps.numIrreps();
        int ns = 0;
        for (MulIrrep e : irreps.list()) {
            if (e.irrep().l() == 0) {
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
                    membership[d * n + copy] = 1.0 / e.irrep().dim();
                    expand[copy * dim + d] = 1;
                    if (e.irrep().l() == 0) {
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
    }

    public Irreps irreps() {
        return irreps;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException(this + " normalises over graphs: call apply(ps, x, pooling, training)");
    }

    /** The normalised features of x [N, dim] over the graphs of {@code pooling}. */
    public NDArray apply(ParameterStore ps, NDArray x, GraphPooling pooling, boolean training) {
        Shape s = x.getShape();
        if (s.dimension() != 2 || s.get(1) != irreps.dim()) {
            throw new IllegalArgumentException(this + " expects node features [N, " + irreps.dim() + "], got " + s);
        }
        int dim = irreps.dim();
        int n = irreps.numIrreps();
        NDArray member = Tensors.fromFlat(x.getManager(), membership, new Shape(dim, n), x.getDataType());
        NDArray spread = Tensors.fromFlat(x.getManager(), expand, new Shape(n, dim), x.getDataType());
        NDArray y = x;
        NDArray scatter = null;
        if (numScalar > 0) {
            scatter = Tensors.fromFlat(x.getManager(), scalarScatter, new Shape(numScalar, dim), x.getDataType());
            NDArray mean = pooling.mean(y.matMul(scatter.transpose()));   // [B, numScalar]
            y = y.sub(pooling.toNodes(mean).matMul(scatter));
        }
        NDArray var = pooling.mean(y.square().matMul(member));            // [B, numIrreps]
        NDArray inv = var.add(eps).pow(Tensors.scalar(var, -0.5)).mul(ps.getValue(weight, x.getDevice(), training));
        y = y.mul(pooling.toNodes(inv).matMul(spread));
        if (numScalar > 0) {
            y = y.add(ps.getValue(bias, x.getDevice(), training).matMul(scatter));
        }
        return y;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public String toString() {
        return "InstanceNorm(" + irreps + ", eps " + eps + ")";
    }
}
