package org.equivariant4j.data;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * Molecular conformations with reference energies and forces (an MD17 trajectory): per frame the atomic numbers, the
 * positions, the total energy and the force on every atom. Immutable; units are the file's (MD17: Å, kcal/mol,
 * kcal/mol/Å).
 *
 * @param atomicNumbers per frame, Z of each atom
 * @param positions     per frame, [atoms·3] row-major
 * @param energies      per frame, the total energy
 * @param forces        per frame, [atoms·3] row-major
 * @param source        where the frames came from (for model cards)
 */
public record Conformations(List<int[]> atomicNumbers, List<double[]> positions, double[] energies, List<double[]> forces,
        String source) {
    public Conformations {
        atomicNumbers = List.copyOf(atomicNumbers);
        positions = List.copyOf(positions);
        forces = List.copyOf(forces);
        energies = energies.clone();
        int n = energies.length;
        if (atomicNumbers.size() != n || positions.size() != n || forces.size() != n) {
            throw new IllegalArgumentException("every frame needs atomic numbers, positions, an energy and forces: "
                    + atomicNumbers.size() + ", " + positions.size() + ", " + n + ", " + forces.size());
        }
        for (int f = 0; f < n; f++) {
            int atoms = atomicNumbers.get(f).length;
            if (positions.get(f).length != 3 * atoms || forces.get(f).length != 3 * atoms) {
                throw new IllegalArgumentException("frame " + f + " has " + atoms + " atoms but " + positions.get(f).length / 3
                        + " positions and " + forces.get(f).length / 3 + " forces");
            }
        }
    }

    /**
     * Reads an extended XYZ file whose frames carry {@code energy=} in the comment line and a {@code forces:R:3}
     * property (the MD17 sample data's layout).
     *
     * @throws IllegalArgumentException naming the file and frame for anything missing or malformed
     */
    public static Conformations readExtendedXyz(Path file) {
        List<ExtendedXyz.Frame> frames = ExtendedXyz.read(file);
        List<int[]> z = new ArrayList<>();
        List<double[]> pos = new ArrayList<>();
        List<double[]> forces = new ArrayList<>();
        double[] e = new double[frames.size()];
        for (int f = 0; f < frames.size(); f++) {
            ExtendedXyz.Frame fr = frames.get(f);
            String where = file + " frame " + f;
            int[] zs = new int[fr.atoms()];
            for (int i = 0; i < zs.length; i++) {
                try {
                    zs[i] = Elements.atomicNumber(fr.species().get(i));
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException(where + ", atom " + i + ": " + ex.getMessage(), ex);
                }
            }
            double[][] fo = fr.arrays().get("forces");
            if (fo == null || fo[0].length != 3) {
                throw new IllegalArgumentException(where + ": expected a forces:R:3 property (per-atom forces), the frame"
                        + " has " + fr.arrays().keySet());
            }
            try {
                e[f] = fr.infoDouble("energy");
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(where + ": " + ex.getMessage() + " (expected energy=<total energy>)", ex);
            }
            if (!Double.isFinite(e[f])) {
                throw new IllegalArgumentException(where + ": the energy must be finite, got " + e[f]);
            }
            z.add(zs);
            pos.add(flatten(fr.positions()));
            forces.add(flatten(fo));
        }
        return new Conformations(z, pos, e, forces, file.toString());
    }

    private static double[] flatten(double[][] a) {
        double[] out = new double[a.length * 3];
        for (int i = 0; i < a.length; i++) {
            System.arraycopy(a[i], 0, out, 3 * i, 3);
        }
        return out;
    }

    public int size() {
        return energies.length;
    }

    /** The frames at the given indices, in that order. */
    public Conformations subset(int[] indices, String what) {
        List<int[]> z = new ArrayList<>();
        List<double[]> p = new ArrayList<>();
        List<double[]> f = new ArrayList<>();
        double[] e = new double[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            if (i < 0 || i >= size()) {
                throw new IllegalArgumentException("frame " + i + " does not exist; there are " + size());
            }
            z.add(atomicNumbers.get(i));
            p.add(positions.get(i));
            f.add(forces.get(i));
            e[k] = energies[i];
        }
        return new Conformations(z, p, e, f, source + (what == null ? "" : " (" + what + ")"));
    }

    /** The distinct atomic numbers, ascending. */
    public int[] species() {
        return atomicNumbers.stream().flatMapToInt(Arrays::stream).distinct().sorted().toArray();
    }

    /** A CRC-32C of every value (atomic numbers, positions, energies, forces), 8 hex digits. */
    public String crc32c() {
        CRC32C crc = new CRC32C();
        for (int f = 0; f < size(); f++) {
            ByteBuffer b = ByteBuffer.allocate(4 * atomicNumbers.get(f).length + 8 * (2 * positions.get(f).length + 1));
            for (int zz : atomicNumbers.get(f)) {
                b.putInt(zz);
            }
            for (double v : positions.get(f)) {
                b.putDouble(v);
            }
            for (double v : forces.get(f)) {
                b.putDouble(v);
            }
            b.putDouble(energies[f]);
            crc.update(b.array());
        }
        return String.format(Locale.ROOT, "%08x", crc.getValue());
    }
}
