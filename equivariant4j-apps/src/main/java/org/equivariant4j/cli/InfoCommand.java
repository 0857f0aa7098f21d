package org.equivariant4j.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.equivariant4j.data.AtomicFiles;
import org.equivariant4j.group.FiniteGroup;
import org.equivariant4j.group.Group;
import org.equivariant4j.group.GroupElement;
import org.equivariant4j.repr.Irrep;
import org.equivariant4j.repr.Representation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code equivariant4j info}: the groups the library knows, their real irreps (name, dimension, type, frequency; up to
 * {@code --max-frequency} for continuous groups) and, for finite groups, how the regular representation decomposes
 * (Peter–Weyl: each irrep ψ occurs dim ψ / dim End ψ times). Plain table on stdout; {@code --json PATH} writes the same.
 *
 * <p>JSON: {@code {"task": "info", "config": {"orders": [4], "max_frequency": 3, "groups": [...]}, "models": [],
 * "groups": [{"name": "C4", "family": "C_N", "description": "...", "finite": true, "order": 4, "irreps": [{"name":
 * "psi[0]", "dimension": 1, "type": "real", "frequency": 0}, ...], "regular_representation": {"dimension": 4,
 * "multiplicities": [{"irrep": "psi[0]", "multiplicity": 1}, ...]}}, ...]}}; {@code regular_representation} is absent
 * for continuous groups, whose {@code order} is -1.
 */
@Command(name = "info",
        mixinStandardHelpOptions = true,
        description = "List the groups equivariant4j knows, their irreps and the regular representations' decompositions.")
final class InfoCommand implements Callable<Integer> {
    /**
     * The largest --order: the regular representation of D_N is 2N-dimensional and its decomposition costs O(N³); at
     * 64 the listing takes about a second.
     */
    static final int MAX_ORDER = 64;
    /** The largest --max-frequency (the listing grows linearly). */
    static final int MAX_FREQUENCY = 100;

    @Option(names = "--max-frequency", paramLabel = "K", defaultValue = "3",
            description = "Highest irrep frequency (degree) listed for continuous groups (default: ${DEFAULT-VALUE}).")
    int maxFrequency;

    @Option(names = "--order", paramLabel = "N", split = ",", defaultValue = "4",
            description = "Order(s) N of the families C_N and D_N, comma-separated (default: ${DEFAULT-VALUE}).")
    List<Integer> orders;

    @Option(names = "--group", paramLabel = "NAME", split = ",",
            description = "Only these groups (repeatable or comma-separated): ${COMPLETION-CANDIDATES}.",
            completionCandidates = Keys.class)
    List<String> groups;

    @Option(names = "--json", paramLabel = "PATH", description = "Also write the listing as JSON to PATH.")
    Path json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The known keys, for the help text. */
    static final class Keys extends ArrayList<String> {
        Keys() {
            super(GroupRegistry.keys());
        }
    }

    /** What {@code info} reports; also its JSON. */
    record Report(String task, Map<String, Object> config, List<Object> models, List<GroupInfo> groups) {}

    record GroupInfo(String name, String family, String description, boolean finite, int order, List<IrrepInfo> irreps,
            @JsonInclude(JsonInclude.Include.NON_NULL) RegularInfo regularRepresentation) {}

    record IrrepInfo(String name, int dimension, String type, int frequency) {}

    record RegularInfo(int dimension, List<Multiplicity> multiplicities) {}

    record Multiplicity(String irrep, int multiplicity) {}

    @Override
    public Integer call() {
        if (maxFrequency < 0 || maxFrequency > MAX_FREQUENCY) {
            throw new IllegalArgumentException("--max-frequency must be between 0 and " + MAX_FREQUENCY + ", got " + maxFrequency);
        }
        for (int n : orders) {
            if (n < 1 || n > MAX_ORDER) {
                throw new IllegalArgumentException("--order must be between 1 and " + MAX_ORDER + " for C_N and D_N, got " + n);
            }
        }
        if (json != null) {
            OutputPaths.requireFile("--json", json);
        }
        Report report = report();
        PrintWriter out = spec.commandLine().getOut();
        printTable(out, report);
        out.flush();
        if (json != null) {
            writeJson(json, report);
            out.println("wrote " + json);
            out.flush();
        }
        return 0;
    }

    Report report() {
        List<GroupInfo> infos = new ArrayList<>();
        for (GroupRegistry.Listed listed : GroupRegistry.groups(groups, orders)) {
            infos.add(describe(listed.entry(), listed.group()));
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("orders", List.copyOf(orders));
        config.put("max_frequency", maxFrequency);
        config.put("groups", groups == null || groups.isEmpty() ? GroupRegistry.keys() : List.copyOf(groups));
        return new Report("info", config, List.of(), infos);
    }

    private <E extends GroupElement> GroupInfo describe(GroupRegistry.Entry entry, Group<E> group) {
        List<Irrep<E>> irreps = group.irreps(maxFrequency);
        List<IrrepInfo> irrepInfos = new ArrayList<>();
        for (Irrep<E> psi : irreps) {
            irrepInfos.add(new IrrepInfo(psi.name(), psi.dimension(), psi.type().name().toLowerCase(Locale.ROOT), psi.frequency()));
        }
        RegularInfo regular = null;
        if (group instanceof FiniteGroup<E> finite) {
            Representation<E> reg = finite.regularRepresentation();
            List<Multiplicity> mult = new ArrayList<>();
            for (Irrep<E> psi : irreps) {
                mult.add(new Multiplicity(psi.name(), reg.multiplicity(psi)));
            }
            regular = new RegularInfo(reg.dimension(), mult);
        }
        return new GroupInfo(group.name(), entry.key(), entry.description(), group.isFinite(), group.order(), irrepInfos, regular);
    }

    static void printTable(PrintWriter out, Report report) {
        boolean families = report.groups().stream().anyMatch(GroupInfo::finite);
        boolean continuous = report.groups().stream().anyMatch(g -> !g.finite());
        List<String> notes = new ArrayList<>();
        if (families) {
            notes.add("C_N and D_N for N = " + join(report.config().get("orders")));
        }
        if (continuous) {
            notes.add("continuous groups up to frequency " + report.config().get("max_frequency"));
        }
        out.printf("Groups known to equivariant4j (%s)%n", String.join("; ", notes));
        for (GroupInfo g : report.groups()) {
            out.println();
            out.printf("%s  %s; %s%n", g.name(), g.description(), g.finite() ? "finite, order " + g.order() : "continuous");
            int nameWidth = "irrep".length();
            for (IrrepInfo i : g.irreps()) {
                nameWidth = Math.max(nameWidth, i.name().length());
            }
            String row = "  %-" + nameWidth + "s  %9s  %-12s  %9s%n";
            out.printf(row, "irrep", "dimension", "type", "frequency");
            for (IrrepInfo i : g.irreps()) {
                out.printf(row, i.name(), i.dimension(), i.type(), i.frequency());
            }
            if (g.regularRepresentation() != null) {
                List<String> terms = new ArrayList<>();
                for (Multiplicity m : g.regularRepresentation().multiplicities()) {
                    if (m.multiplicity() > 0) {
                        terms.add((m.multiplicity() == 1 ? "" : m.multiplicity() + " ") + m.irrep());
                    }
                }
                out.printf("  regular representation (dimension %d) = %s%n", g.regularRepresentation().dimension(),
                        String.join(" + ", terms));
            }
        }
    }

    private static String join(Object list) {
        return list instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : String.valueOf(list);
    }

    /** The mapper for results JSON: snake_case names, indented. */
    static ObjectMapper mapper() {
        return new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    private static void writeJson(Path path, Report report) {
        AtomicFiles.write(path, tmp -> mapper().writeValue(tmp.toFile(), report));
    }
}
