package org.equivariant4j.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Ethanol-like frames for tests that must not depend on {@code ../shared/data}: an ethanol geometry displaced at random
 * (seeded), with the energy and forces of a spring between every atom pair,
 * E = E₀ + Σ_{i<j} ½ k (r_ij − r⁰_ij)², F_i = −∂E/∂x_i (kcal/mol, kcal/mol/Å), written as extended XYZ like MD17's.
 */
public final class SyntheticEthanol {
    /** One ethanol conformation (Å): C, C, O, then six H. */
    static final String[] SPECIES = {"C", "C", "O", "H", "H", "H", "H", "H", "H"};
    static final double[][] GEOMETRY = {
        {0.3253, -0.2083, -0.3729}, {-1.1722, -0.1470, -0.7051}, {0.8182, 0.3748, 0.9641},
        {0.6702, -1.2876, -0.4573}, {0.9651, 0.1973, -1.1933}, {-1.5332, 0.7800, -1.0366},
        {-1.1723, -0.9865, -1.4426}, {-1.9571, -0.5079, 0.0487}, {0.1308, 0.0870, 1.6237},
    };
    /** Spring constant (kcal/mol/Å²) and the energy offset (kcal/mol, MD17-like). */
    static final double K = 60;
    static final double E0 = -97190;

    private SyntheticEthanol() {}

    /** Writes {@code frames} frames displaced by {@code sigma} Å per coordinate to {@code file}; returns the file. */
    public static Path write(Path file, int frames, double sigma, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = SPECIES.length;
        List<ExtendedXyz.Frame> out = new ArrayList<>();
        for (int f = 0; f < frames; f++) {
            double[][] x = new double[n][3];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < 3; c++) {
                    x[i][c] = GEOMETRY[i][c] + sigma * rng.nextGaussian();
                }
            }
            double e = E0;
            double[][] force = new double[n][3];
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    double r = distance(x[i], x[j]);
                    double stretch = r - distance(GEOMETRY[i], GEOMETRY[j]);
                    e += 0.5 * K * stretch * stretch;
                    for (int c = 0; c < 3; c++) {
                        double g = K * stretch * (x[i][c] - x[j][c]) / r;
                        force[i][c] -= g;
                        force[j][c] += g;
                    }
                }
            }
            Map<String, double[][]> arrays = new LinkedHashMap<>();
            arrays.put("forces", force);
            Map<String, String> info = new LinkedHashMap<>();
            info.put("energy", Double.toString(e));
            out.add(new ExtendedXyz.Frame(List.of(SPECIES), x, arrays, info));
        }
        ExtendedXyz.write(file, out);
        return file;
    }

    private static double distance(double[] a, double[] b) {
        double s = 0;
        for (int c = 0; c < 3; c++) {
            s += (a[c] - b[c]) * (a[c] - b[c]);
        }
        return Math.sqrt(s);
    }
}
