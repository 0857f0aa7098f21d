package org.equivariant4j.nn.potential;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.equivariant4j.nn.graph.GraphBatch;
import org.equivariant4j.nn.graph.GraphPooling;
import org.equivariant4j.nn.graph.TorchLinear;
import org.equivariant4j.nn.ops.Tensors;

/**
 * The invariant baseline: a SchNet-style continuous-filter convolutional network (Schütt et al. 2017, as SchNetPack
 * builds it) that sees the atoms only through their species and pairwise distances r_ij:
 *
 * <pre>
 *   x_i   = embedding of the species (F features)
 *   W_ij  = D2(ssp(D1(rbf(r_ij)))) · f_c(r_ij)          rbf_k(r) = exp(−(r − μ_k)²/(2Δ²)), K centres μ_k on [0, r_c]
 *   x_i  += D4(ssp(D3(Σ_j D0(x_j) ⊙ W_ij)))              per interaction (D0 without bias)
 *   ε_i   = D6(ssp(D5(x_i)))                              F → F/2 → 1
 *   E     = Σ_i (σ ε_i + μ_{s_i})
 * </pre>
 * with ssp(x) = softplus(x) − ln 2 and the cosine cut-off f_c(r) = (cos(πr/r_c) + 1)/2 below r_c, 0 above. Invariant by
 * construction (distances only); its forces are equivariant. Dense layers are initialised as PyTorch's (engine
 * generator).
 */
public final class SchNetPotential extends AtomicPotential {
    private static final byte VERSION = 1;
    private static final double LN2 = Math.log(2);

    private final int features;
    private final int basis;
    private final TorchLinear embedding;
    private final List<TorchLinear[]> interactions; // D0 in2f, D1, D2 filter, D3, D4
    private final TorchLinear out1;
    private final TorchLinear out2;

    /**
     * @param species      the one-hot width
     * @param features     F
     * @param interactions T
     * @param basis        K radial basis functions
     * @param cutoff       r_c
     */
    public SchNetPotential(int species, int features, int interactions, int basis, double cutoff) {
        super(VERSION, species, cutoff);
        if (features < 2 || interactions < 0 || basis < 2) {
            throw new IllegalArgumentException("SchNet needs features >= 2, interactions >= 0 and basis >= 2, got " + features
                    + ", " + interactions + ", " + basis);
        }
        this.features = features;
        this.basis = basis;
        this.embedding = addChildBlock("embedding", new TorchLinear(species, features, false));
        List<TorchLinear[]> list = new ArrayList<>();
        for (int t = 0; t < interactions; t++) {
            list.add(new TorchLinear[] {
                addChildBlock("in2f" + t, new TorchLinear(features, features, false)),
                addChildBlock("filter" + t + "_1", new TorchLinear(basis, features, true)),
                addChildBlock("filter" + t + "_2", new TorchLinear(features, features, true)),
                addChildBlock("f2out" + t + "_1", new TorchLinear(features, features, true)),
                addChildBlock("f2out" + t + "_2", new TorchLinear(features, features, true))});
        }
        this.interactions = Collections.unmodifiableList(list);
        this.out1 = addChildBlock("out1", new TorchLinear(features, features / 2, true));
        this.out2 = addChildBlock("out2", new TorchLinear(features / 2, 1, true));
    }

    private static NDArray ssp(NDArray x) {
        return x.getNDArrayInternal().softPlus().sub(LN2);
    }

    @Override
    protected NDArray energies(ParameterStore ps, GraphBatch batch, NDArray oneHot, boolean training) {
        NDArray pos = batch.positions();
        NDIndex senders = new NDIndex("{}", batch.senderIndex());
        NDArray r = batch.edgeVectors().norm(new int[] {1}, true); // [E, 1]
        double cutoff = cutoff();
        double spacing = cutoff / (basis - 1);
        double[] centres = new double[basis];
        for (int k = 0; k < basis; k++) {
            centres[k] = k * spacing;
        }
        NDArray mu = Tensors.fromFlat(pos.getManager(), centres, new Shape(1, basis), pos.getDataType());
        NDArray rbf = r.sub(mu).square().mul(Tensors.scalar(r, -0.5 / (spacing * spacing))).exp();      // [E, K]
        NDArray fc = r.mul(Tensors.scalar(r, Math.PI / cutoff)).cos().add(1).mul(Tensors.scalar(r, 0.5)).mul(r.lt(cutoff).toType(pos.getDataType(), false));
        NDArray x = embedding.apply(ps, oneHot, training);
        for (TorchLinear[] d : interactions) {
            NDArray w = d[2].apply(ps, ssp(d[1].apply(ps, rbf, training)), training).mul(fc);
            NDArray y = d[0].apply(ps, x, training).get(senders).mul(w);
            NDArray m = batch.receiverAggregation().sum(y);
            x = x.add(d[4].apply(ps, ssp(d[3].apply(ps, m, training)), training));
        }
        NDArray atomic = out2.apply(ps, ssp(out1.apply(ps, x, training)), training);
        return head().fromAtoms(ps, atomic, oneHot, GraphPooling.of(batch), training);
    }

    @Override
    protected void initializeNetwork(NDManager manager, DataType dataType) {
        for (ai.djl.nn.Block child : getChildren().values()) {
            if (child instanceof TorchLinear l) {
                l.initialize(manager, dataType, new Shape(1, l.inFeatures()));
            }
        }
    }

    @Override
    public String toString() {
        return "SchNetPotential(" + species() + " species, " + features + " features, " + interactions.size()
                + " interactions, r_c " + cutoff() + ")";
    }
}
