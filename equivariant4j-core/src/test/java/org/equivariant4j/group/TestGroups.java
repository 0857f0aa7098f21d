package org.equivariant4j.group;

import java.util.ArrayList;
import java.util.List;

/** The groups every generic test runs on. */
public final class TestGroups {
    private TestGroups() {}

    public static List<Group<?>> all() {
        List<Group<?>> list = new ArrayList<>();
        for (int n : new int[] {1, 2, 3, 4, 5, 6, 8}) {
            list.add(Groups.cyclic(n));
        }
        for (int n : new int[] {1, 2, 3, 4, 6}) {
            list.add(Groups.dihedral(n));
        }
        list.add(Groups.so2());
        list.add(Groups.o2());
        list.add(Groups.so3());
        list.add(Groups.o3());
        list.add(Groups.octahedral());
        list.add(Groups.icosahedral());
        list.add(Groups.fullOctahedral());
        list.add(Groups.cylindrical());
        return list;
    }
}
