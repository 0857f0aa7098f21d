package org.equivariant4j.nn.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The cheapest order of pairwise contractions for an einsum of a few operands, written as TorchScript lines: what
 * {@code opt_einsum}'s "optimal" strategy does for e3nn's tensor products. libtorch's own {@code torch.einsum}
 * contracts left to right, which for {@code "uvw,ijk,zui,zvj->zwk"} first forms the outer product of the weights and
 * the Clebsch–Gordan block (hundreds of times more work); the cost of an order here is the sum, over its pairwise
 * steps, of the product of the sizes of all indices the step touches (its multiply–adds).
 *
 * <p>Every order is tried, pruned by the best cost so far (the products here have at most four operands). Index letters
 * are single characters; an index that occurs in one operand only and not in the output is summed in the step that
 * consumes that operand. Intermediates keep the output's letters first (the batch axis leading) and are made
 * contiguous: libtorch's batched matmul on strided views of many tiny matrices measured up to 18× slower.
 */
public final class EinsumPlan {
    private final List<String> lines;
    private final double cost;

    private EinsumPlan(List<String> lines, double cost) {
        this.lines = List.copyOf(lines);
        this.cost = cost;
    }

    /**
     * Plans {@code out = einsum(subscripts[0],…,subscripts[n−1] -> output)}.
     *
     * @param names the TorchScript expressions of the operands (variables)
     * @param subscripts the index letters of each operand
     * @param output the index letters of the result
     * @param sizes the size of every index letter
     * @param result the name of the variable to assign the result to
     * @param temp a prefix for intermediate variables (unique within the method)
     */
    public static EinsumPlan of(List<String> names, List<String> subscripts, String output, Map<Character, Long> sizes,
            String result, String temp) {
        if (names.size() != subscripts.size() || names.isEmpty()) {
            throw new IllegalArgumentException("need one subscript per operand and at least one operand, got "
                    + names.size() + " names and " + subscripts.size() + " subscripts");
        }
        for (String s : subscripts) {
            for (char c : s.toCharArray()) {
                Objects.requireNonNull(sizes.get(c), () -> "no size for index '" + c + "'");
            }
        }
        if (names.size() == 1) {
            return new EinsumPlan(List.of(result + " = torch.einsum(\"" + subscripts.get(0) + "->" + output + "\", ["
                    + names.get(0) + "])"), product(subscripts.get(0), sizes));
        }
        Best best = new Best();
        search(new ArrayList<>(subscripts), output, sizes, 0, new ArrayList<>(), best);
        List<String> lines = new ArrayList<>();
        List<String> current = new ArrayList<>(names);
        List<String> subs = new ArrayList<>(subscripts);
        int t = 0;
        for (int s = 0; s < best.steps.size(); s++) {
            int[] step = best.steps.get(s);
            int a = step[0];
            int b = step[1];
            boolean last = subs.size() == 2;
            String keep = last ? output : kept(subs, a, b, output);
            String var = last ? result : temp + t++;
            lines.add(var + " = torch.einsum(\"" + subs.get(a) + "," + subs.get(b) + "->" + keep + "\", [" + current.get(a)
                    + ", " + current.get(b) + "])" + (last ? "" : ".contiguous()"));
            current.remove(b);
            current.remove(a);
            subs.remove(b);
            subs.remove(a);
            current.add(var);
            subs.add(keep);
        }
        return new EinsumPlan(lines, best.cost);
    }

    /** The TorchScript assignments, in order. */
    public List<String> lines() {
        return lines;
    }

    /** The number of multiply–adds of the chosen order. */
    public double cost() {
        return cost;
    }

    private static final class Best {
        double cost = Double.POSITIVE_INFINITY;
        List<int[]> steps = List.of();
    }

    private static void search(List<String> subs, String output, Map<Character, Long> sizes, double cost,
            List<int[]> steps, Best best) {
        if (cost >= best.cost) {
            return;
        }
        if (subs.size() == 1) {
            best.cost = cost;
            best.steps = new ArrayList<>(steps);
            return;
        }
        for (int a = 0; a < subs.size(); a++) {
            for (int b = a + 1; b < subs.size(); b++) {
                String keep = subs.size() == 2 ? output : kept(subs, a, b, output);
                double stepCost = product(union(subs.get(a), subs.get(b)), sizes);
                List<String> next = new ArrayList<>(subs);
                next.remove(b);
                next.remove(a);
                next.add(keep);
                steps.add(new int[] {a, b});
                search(next, output, sizes, cost + stepCost, steps, best);
                steps.remove(steps.size() - 1);
            }
        }
    }

    /** The letters of operands a and b still needed by the other operands or the output, in order of appearance. */
    private static String kept(List<String> subs, int a, int b, String output) {
        StringBuilder need = new StringBuilder(output);
        for (int k = 0; k < subs.size(); k++) {
            if (k != a && k != b) {
                need.append(subs.get(k));
            }
        }
        // the output's letters first, in its order (so the batch axis leads), then the others
        String u = union(subs.get(a), subs.get(b));
        StringBuilder keep = new StringBuilder();
        for (char c : output.toCharArray()) {
            if (u.indexOf(c) >= 0) {
                keep.append(c);
            }
        }
        for (char c : u.toCharArray()) {
            if (need.indexOf(String.valueOf(c)) >= 0 && keep.indexOf(String.valueOf(c)) < 0) {
                keep.append(c);
            }
        }
        return keep.toString();
    }

    private static String union(String a, String b) {
        StringBuilder u = new StringBuilder(a);
        for (char c : b.toCharArray()) {
            if (u.indexOf(String.valueOf(c)) < 0) {
                u.append(c);
            }
        }
        return u.toString();
    }

    private static double product(String letters, Map<Character, Long> sizes) {
        double p = 1;
        for (char c : letters.toCharArray()) {
            p *= sizes.get(c);
        }
        return p;
    }
}
