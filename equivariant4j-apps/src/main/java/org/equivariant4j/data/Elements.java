package org.equivariant4j.data;

import java.util.List;

/** Chemical elements H to Ar: symbols, atomic numbers and standard atomic masses (u, IUPAC conventional values). */
public final class Elements {
    private static final List<String> SYMBOLS = List.of("H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg",
            "Al", "Si", "P", "S", "Cl", "Ar");
    private static final double[] MASSES = {1.008, 4.0026, 6.94, 9.0122, 10.81, 12.011, 14.007, 15.999, 18.998, 20.180,
        22.990, 24.305, 26.982, 28.085, 30.974, 32.06, 35.45, 39.948};

    private Elements() {}

    /** The atomic number of a symbol ("C" → 6). */
    public static int atomicNumber(String symbol) {
        int i = SYMBOLS.indexOf(symbol);
        if (i < 0) {
            throw new IllegalArgumentException("unknown chemical symbol '" + symbol + "'; this version knows " + SYMBOLS);
        }
        return i + 1;
    }

    /** The symbol of an atomic number (6 → "C"). */
    public static String symbol(int z) {
        check(z);
        return SYMBOLS.get(z - 1);
    }

    /** The standard atomic mass in u of an atomic number. */
    public static double mass(int z) {
        check(z);
        return MASSES[z - 1];
    }

    private static void check(int z) {
        if (z < 1 || z > SYMBOLS.size()) {
            throw new IllegalArgumentException("atomic number " + z + " is outside 1.." + SYMBOLS.size() + " (H to Ar)");
        }
    }
}
