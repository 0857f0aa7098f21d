package org.equivariant4j.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.GSpace;
import org.equivariant4j.nn.field.GSpaces;
import org.equivariant4j.nn.field.Subgroup;
import org.equivariant4j.repr.Representation;

/**
 * Field types written as the command line writes them: comma-separated fields, each {@code trivial}, {@code regular}
 * ({@code regular:L} for SO(2) and O(2), band-limited to frequency L), {@code standard}, {@code irrep:<name>} with the
 * irrep named as {@code info} lists it ({@code irrep:psi[1,1]}; {@code irrep:3} is short for {@code psi[3]}), or
 * {@code quotient:<subgroup>} with the subgroup named as a GSpace ({@code c4}, {@code d2}, {@code flip}, ...). A field may
 * be repeated with a count: {@code 16xregular}. Commas inside brackets do not split.
 */
public final class FieldSpecs {
    private FieldSpecs() {}

    /** The field type of {@code spec} over {@code gspace}. */
    public static FieldType parse(GSpace gspace, String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("expected a field list such as 'trivial' or '16xregular,irrep:psi[1]', got '"
                    + spec + "'");
        }
        List<Representation<?>> reps = new ArrayList<>();
        for (String field : splitTopLevel(spec)) {
            String f = field.trim();
            int count = 1;
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^([0-9]+)x(.+)$").matcher(f);
            if (m.matches()) {
                count = Integer.parseInt(m.group(1));
                if (count < 1) {
                    throw new IllegalArgumentException("a field count must be >= 1, got '" + f + "'");
                }
                f = m.group(2).trim();
            }
            Representation<?> rho = representation(gspace, f);
            for (int i = 0; i < count; i++) {
                reps.add(rho);
            }
        }
        return FieldType.of(gspace, reps);
    }

    private static Representation<?> representation(GSpace g, String field) {
        String f = field.toLowerCase(Locale.ROOT);
        if (f.equals("trivial")) {
            return g.trivialRepr();
        }
        if (f.equals("standard")) {
            return g.standardRepr();
        }
        if (f.equals("regular")) {
            return g.regularRepr();
        }
        if (f.startsWith("regular:")) {
            return g.bandLimitedRegularRepr(parseInt(field, field.substring("regular:".length())));
        }
        if (f.startsWith("irrep:")) {
            String name = field.substring("irrep:".length()).trim();
            if (name.matches("[0-9]+")) {
                return g.irrep(Integer.parseInt(name));
            }
            if (name.matches("psi\\[[0-9]+(,[0-9]+)?]")) {
                String[] idx = name.substring(4, name.length() - 1).split(",");
                int[] id = new int[idx.length];
                for (int i = 0; i < id.length; i++) {
                    id[i] = Integer.parseInt(idx[i]);
                }
                return g.irrep(id);
            }
            throw new IllegalArgumentException("expected an irrep written as in 'info' (irrep:psi[1] or irrep:psi[1,1]), got '"
                    + field + "'");
        }
        if (f.startsWith("quotient:")) {
            return g.quotientRepr(subgroup(field.substring("quotient:".length()).trim()));
        }
        throw new IllegalArgumentException("unknown field '" + field + "'; expected trivial, regular, regular:L, standard,"
                + " irrep:<name> or quotient:<subgroup>");
    }

    /** A subgroup named like a GSpace: {@code c<M>}, {@code d<M>}, flip, so2, o2, trivial. */
    public static Subgroup subgroup(String id) {
        String s = id.toLowerCase(Locale.ROOT);
        if (s.matches("c[0-9]+")) {
            return Subgroup.rotations(parseInt(id, s.substring(1)));
        }
        if (s.matches("d[0-9]+")) {
            return Subgroup.dihedral(parseInt(id, s.substring(1)));
        }
        return switch (s) {
            case "flip" -> Subgroup.flip();
            case "so2" -> Subgroup.so2();
            case "o2" -> Subgroup.dihedral(-1);
            case "trivial" -> Subgroup.trivial();
            default -> throw new IllegalArgumentException("unknown subgroup '" + id + "'; expected c<M>, d<M>, flip, so2, o2 or"
                    + " trivial");
        };
    }

    /** The GSpace named {@code id} ({@code c<N>}, {@code d<N>}, so2, o2, flip, trivial). */
    public static GSpace gspace(String id) {
        return GSpaces.byId(id);
    }

    private static int parseInt(String field, String digits) {
        try {
            return Integer.parseInt(digits.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a whole number in '" + field + "', got '" + digits + "'", e);
        }
    }

    private static List<String> splitTopLevel(String spec) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        StringBuilder cur = new StringBuilder();
        for (char c : spec.toCharArray()) {
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            }
            if (c == ',' && depth == 0) {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        parts.add(cur.toString());
        for (String p : parts) {
            if (p.isBlank()) {
                throw new IllegalArgumentException("empty field in '" + spec + "'");
            }
        }
        return parts;
    }
}
