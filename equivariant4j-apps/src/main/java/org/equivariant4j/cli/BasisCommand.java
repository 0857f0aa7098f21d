package org.equivariant4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.equivariant4j.data.AtomicFiles;
import org.equivariant4j.kernel.BasisAttributes;
import org.equivariant4j.kernel.SampledKernelBasis;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.GSpace;
import org.equivariant4j.repr.Representation;
import org.equivariant4j.task.FieldSpecs;
import org.equivariant4j.task.KernelPicture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code equivariant4j basis}: the steerable kernel basis between two field types of a planar GSpace, as an R2Conv with
 * escnn's default rings and cut-offs samples it on a k×k grid: the number of basis elements per pair of irreps and in
 * total (the learnable coefficients of the layer), and optionally every distinct basis kernel drawn as PNG.
 *
 * <p>JSON ({@code --json PATH}): {@code {"gspace": "c8", "in": "trivial", "out": "regular", "size": 7, "total": 37,
 * "pairs": [{"in_irrep": "psi[0]", "out_irrep": "psi[0]", "count": 4}, ...]}}; counts and total are summed over all
 * pairs of input and output fields.
 */
@Command(name = "basis",
        mixinStandardHelpOptions = true,
        description = "Count and draw the steerable kernel basis between two field types.")
final class BasisCommand implements Callable<Integer> {
    /** Drawing stops after this many kernels (a note says so). */
    static final int MAX_PANELS = 400;

    @Option(names = "--gspace", paramLabel = "NAME", defaultValue = "c8",
            description = "c<N>, d<N>, so2, o2, flip or trivial (default: ${DEFAULT-VALUE}).")
    String gspace;

    @Option(names = "--in", paramLabel = "FIELDS", defaultValue = "trivial",
            description = "Input fields, comma-separated: trivial, regular, regular:L (so2, o2), standard, irrep:psi[k] or"
                    + " irrep:psi[j,k], quotient:<subgroup>, optionally with a count as in 3xregular (default: ${DEFAULT-VALUE}).")
    String in;

    @Option(names = "--out", paramLabel = "FIELDS", defaultValue = "regular",
            description = "Output fields, as --in (default: ${DEFAULT-VALUE}).")
    String out;

    @Option(names = "--size", paramLabel = "K", defaultValue = "5", description = "Kernel size k (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--png", paramLabel = "PATH", description = "Draw every distinct basis kernel into this PNG.")
    Path png;

    @Option(names = "--json", paramLabel = "PATH", description = "Write the counts as JSON.")
    Path json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The JSON report. */
    record Report(String gspace, String in, String out, int size, long total, List<PairCount> pairs) {}

    record PairCount(String inIrrep, String outIrrep, long count) {}

    @Override
    public Integer call() throws IOException {
        if (size < 1 || size > 64) {
            throw new IllegalArgumentException("--size must be between 1 and 64, got " + size);
        }
        if (png != null) {
            OutputPaths.requireFile("--png", png);
        }
        if (json != null) {
            OutputPaths.requireFile("--json", json);
        }
        GSpace g = FieldSpecs.gspace(gspace);
        FieldType inType = FieldSpecs.parse(g, in);
        FieldType outType = FieldSpecs.parse(g, out);
        GSpace.KernelSpec kernel = GSpace.KernelSpec.of(size);
        Map<String, Long> counts = new LinkedHashMap<>();
        long total = 0;
        List<KernelPicture.Panel> panels = new ArrayList<>();
        int blocks = 0;
        for (Representation<?> ro : outType.distinctRepresentations()) {
            long nOut = outType.representations().stream().filter(r -> same(r, ro)).count();
            for (Representation<?> ri : inType.distinctRepresentations()) {
                long nIn = inType.representations().stream().filter(r -> same(r, ri)).count();
                SampledKernelBasis basis = g.kernelBasis(ri, ro, kernel);
                if (basis == null) {
                    continue;
                }
                blocks++;
                total += nOut * nIn * basis.size();
                for (BasisAttributes a : basis.attributes()) {
                    counts.merge(a.inIrrep() + "\t" + a.outIrrep(), nOut * nIn, Long::sum);
                }
                addPanels(panels, basis, ri, ro);
            }
        }
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "GSpace %s (%s), %dx%d kernels, %s%n", g.id(), g, size, size, kernel.rings());
        w.printf("in:  %s%nout: %s%n", inType, outType);
        List<PairCount> pairs = new ArrayList<>();
        if (total > 0) {
            int width = 9;
            for (String k : counts.keySet()) {
                width = Math.max(width, k.indexOf('\t'));
            }
            String row = "  %-" + width + "s  %-" + width + "s  %8s%n";
            w.printf(row, "in irrep", "out irrep", "elements");
            for (Map.Entry<String, Long> e : counts.entrySet()) {
                String[] p = e.getKey().split("\t");
                w.printf(row, p[0], p[1], e.getValue());
                pairs.add(new PairCount(p[0], p[1], e.getValue()));
            }
        }
        w.printf("total: %d basis elements (learnable coefficients of an R2Conv between these types)%n", total);
        if (total == 0) {
            w.println("no equivariant kernel of this size exists between these types");
        }
        if (png != null) {
            if (panels.isEmpty()) {
                throw new IllegalArgumentException("--png: the basis is empty, there is nothing to draw");
            }
            List<KernelPicture.Panel> drawn = panels.size() > MAX_PANELS ? panels.subList(0, MAX_PANELS) : panels;
            KernelPicture.writePng(png, g + ", " + size + "x" + size + ": " + in + " -> " + out + " (" + panels.size()
                    + " kernels" + (blocks > 1 ? " in " + blocks + " blocks" : "") + ")", drawn);
            w.println("wrote " + png + (drawn.size() < panels.size() ? " (the first " + drawn.size() + " of " + panels.size()
                    + " kernels)" : ""));
        }
        if (json != null) {
            writeJson(json, new Report(gspace, in, out, size, total, pairs));
            w.println("wrote " + json);
        }
        w.flush();
        return 0;
    }

    private static boolean same(Representation<?> a, Representation<?> b) {
        return a == b || (a.name().equals(b.name()) && a.dimension() == b.dimension() && a.group().equals(b.group()));
    }

    private void addPanels(List<KernelPicture.Panel> panels, SampledKernelBasis basis, Representation<?> ri,
            Representation<?> ro) {
        int block = basis.outSize() * basis.inSize() * basis.points();
        double[] v = basis.values();
        for (int k = 0; k < basis.size(); k++) {
            BasisAttributes a = basis.attributes().get(k);
            double[] values = java.util.Arrays.copyOfRange(v, k * block, (k + 1) * block);
            String caption = String.format(Locale.ROOT, "%s>%s r%s f%d", a.inIrrep(), a.outIrrep(),
                    trim(a.radius()), a.frequency());
            panels.add(new KernelPicture.Panel(caption, values, basis.outSize(), basis.inSize(), size));
        }
    }

    private static String trim(double r) {
        return r == Math.rint(r) ? Long.toString((long) r) : Double.toString(r);
    }

    private static void writeJson(Path path, Report report) {
        AtomicFiles.write(path, tmp -> new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), report));
    }
}
