package org.equivariant4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.equivariant4j.group.Group;
import org.equivariant4j.group.Groups;

/**
 * The groups the command line knows, in one place. A group family parameterised by an order N (C_N, D_N) is built once
 * per requested N; a fixed group once. Adding a group is one line in {@link #ENTRIES}, e.g.
 * {@code fixed("SO(3)", "rotations of R^3", Groups::so3)}.
 */
public final class GroupRegistry {

    /**
     * One registered group or family.
     *
     * @param key         the name users type ({@code --group C_N}), case-insensitive
     * @param description one line for listings
     * @param ofOrder     builds the group for an order N (fixed groups ignore N)
     * @param parameterised whether the group depends on N
     */
    public record Entry(String key, String description, IntFunction<Group<?>> ofOrder, boolean parameterised) {}

    /** A group built from an entry. */
    public record Listed(Entry entry, Group<?> group) {}

    private static final List<Entry> ENTRIES = List.of(
            family("C_N", "cyclic group of the N rotations by multiples of 2pi/N", Groups::cyclic),
            family("D_N", "dihedral group of N rotations and N reflections (order 2N)", Groups::dihedral),
            fixed("SO(2)", "planar rotations", Groups::so2),
            fixed("O(2)", "planar rotations and reflections", Groups::o2),
            fixed("SO(3)", "rotations of R^3", Groups::so3),
            fixed("O(3)", "rotations and reflections of R^3", Groups::o3),
            fixed("Octahedral", "the 24 rotations of the cube (octahedral group O)", Groups::octahedral),
            fixed("Icosahedral", "the 60 rotations of the icosahedron (icosahedral group I)", Groups::icosahedral));

    private GroupRegistry() {}

    private static Entry family(String key, String description, IntFunction<Group<?>> ofOrder) {
        return new Entry(key, description, ofOrder, true);
    }

    private static Entry fixed(String key, String description, Supplier<Group<?>> group) {
        return new Entry(key, description, n -> group.get(), false);
    }

    /** All entries, in listing order. */
    public static List<Entry> entries() {
        return ENTRIES;
    }

    /** The keys, for messages and help. */
    public static List<String> keys() {
        return ENTRIES.stream().map(Entry::key).toList();
    }

    /**
     * The entry with this key, ignoring case and punctuation ("so3" finds "SO(3)"); an unknown key gets an exception
     * listing the known ones.
     */
    public static Entry entry(String key) {
        for (Entry e : ENTRIES) {
            if (normalise(e.key()).equals(normalise(key))) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown group '" + key + "'; known groups: " + String.join(", ", keys()));
    }

    private static String normalise(String key) {
        return key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    /**
     * The groups of the selected entries (all when {@code keys} is empty), families once per order in {@code orders}.
     */
    public static List<Listed> groups(List<String> keys, List<Integer> orders) {
        List<Entry> selected = new ArrayList<>();
        if (keys == null || keys.isEmpty()) {
            selected.addAll(ENTRIES);
        } else {
            for (String k : keys) {
                Entry e = entry(k);
                if (!selected.contains(e)) {
                    selected.add(e);
                }
            }
        }
        List<Listed> out = new ArrayList<>();
        for (Entry e : selected) {
            if (e.parameterised()) {
                for (int n : orders) {
                    out.add(new Listed(e, e.ofOrder().apply(n)));
                }
            } else {
                out.add(new Listed(e, e.ofOrder().apply(0)));
            }
        }
        return out;
    }
}
