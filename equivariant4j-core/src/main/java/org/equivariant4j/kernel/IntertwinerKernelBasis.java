package org.equivariant4j.kernel;

import java.util.ArrayList;
import java.util.List;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.repr.IntertwinerBasis;

/**
 * The kernel basis of an equivariant linear map (a kernel on a single point, d = 0): the intertwiners Hom_G(ρ_in, ρ_out)
 * of {@link IntertwinerBasis}, constant over any points. This is what makes linear layers and 1×1 convolutions use the
 * same basis expansion as convolutions.
 *
 * @param <E> the group's element type
 */
public final class IntertwinerKernelBasis<E extends GroupElement> implements KernelBasis {
    private final IntertwinerBasis<E> basis;
    private final List<BasisAttributes> attributes;

    /** The basis of Hom_G(ρ_in, ρ_out) given in factored form. */
    public IntertwinerKernelBasis(IntertwinerBasis<E> basis) {
        this.basis = basis;
        List<BasisAttributes> a = new ArrayList<>(basis.size());
        for (IntertwinerBasis.Element<E> e : basis.factors()) {
            a.add(new BasisAttributes(0, 0, 0, e.irrep().name(), e.inCopy(), e.irrep().name(), e.outCopy(),
                    e.irrep().dimension(), e.endomorphism()));
        }
        this.attributes = List.copyOf(a);
    }

    /** The intertwiners. */
    public IntertwinerBasis<E> intertwiners() {
        return basis;
    }

    @Override
    public int spatialDimension() {
        return 0;
    }

    @Override
    public int outSize() {
        return basis.to().dimension();
    }

    @Override
    public int inSize() {
        return basis.from().dimension();
    }

    @Override
    public int size() {
        return basis.size();
    }

    @Override
    public List<BasisAttributes> attributes() {
        return attributes;
    }

    @Override
    public double[] sample(double[][] points) {
        int p = points.length;
        int o = outSize();
        int i = inSize();
        double[] values = new double[basis.size() * o * i * p];
        for (int k = 0; k < basis.size(); k++) {
            double[][] b = basis.element(k);
            for (int oo = 0; oo < o; oo++) {
                for (int ii = 0; ii < i; ii++) {
                    java.util.Arrays.fill(values, ((k * o + oo) * i + ii) * p, ((k * o + oo) * i + ii + 1) * p, b[oo][ii]);
                }
            }
        }
        return values;
    }
}
