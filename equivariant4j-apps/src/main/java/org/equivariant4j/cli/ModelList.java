package org.equivariant4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A --model option: "all", one name, or a comma-separated list of names, checked against a task's models. */
final class ModelList {
    private ModelList() {}

    /** The models chosen, in the order given, without repeats; "all" is every known model. */
    static List<String> parse(String option, List<String> known) {
        return parse(option, known, known);
    }

    /** The models chosen, in the order given, without repeats; "all" is {@code all}. */
    static List<String> parse(String option, List<String> known, List<String> all) {
        if (option == null || option.isBlank()) {
            throw new IllegalArgumentException("--model needs a name: one of " + known + ", a comma-separated list, or all");
        }
        if ("all".equals(option.trim().toLowerCase(Locale.ROOT))) {
            return all;
        }
        List<String> list = new ArrayList<>();
        for (String s : option.split(",", -1)) {
            String m = s.trim().toLowerCase(Locale.ROOT);
            if (!known.contains(m)) {
                throw new IllegalArgumentException("--model must be one of " + known + " (or a comma-separated list, or all),"
                        + " got '" + s.trim() + "'");
            }
            if (!list.contains(m)) {
                list.add(m);
            }
        }
        return list;
    }
}
