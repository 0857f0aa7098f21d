package org.equivariant4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.equivariant4j.nn.conv.R2Conv;
import org.equivariant4j.nn.field.FieldType;
import org.equivariant4j.nn.field.GSpace;
import org.equivariant4j.nn.field.GSpaces;

/**
 * How long a fresh JVM takes to build every kernel basis of escnn's canonical six-layer MNIST model on C8
 * (e2cnn's E2SFCNN layout: kernels 9, 7, 7, 7, 7, 5; here 24, 32, 36, 36, 48, 48 regular fields, i.e. 24-48 per layer):
 * the time from the start of {@code main} until the six {@link R2Conv} layers exist, class loading and JIT included.
 * Run it as its own process: {@code java -cp ... org.equivariant4j.bench.BasisBuildTime}. The issue asks for under 0.7 s.
 */
public final class BasisBuildTime {
    private BasisBuildTime() {}

    /** Builds the model's layers and prints the time and the coefficient counts. */
    public static void main(String[] args) {
        long t0 = System.nanoTime();
        GSpace c8 = GSpaces.rot2dOnR2(8);
        int[] fields = {24, 32, 36, 36, 48, 48};
        int[] kernels = {9, 7, 7, 7, 7, 5};
        FieldType in = FieldType.of(c8, 1, c8.trivialRepr());
        List<R2Conv> layers = new ArrayList<>();
        for (int l = 0; l < fields.length; l++) {
            FieldType out = FieldType.of(c8, fields[l], c8.regularRepr());
            layers.add(R2Conv.builder(in, out).kernelSize(kernels[l]).padding(kernels[l] / 2).build());
            in = out;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long coefficients = layers.stream().mapToLong(R2Conv::numCoefficients).sum();
        System.out.printf(Locale.ROOT, "six-layer C8 model (regular fields %s, kernels 9,7,7,7,7,5): bases built in %.3f s"
                + " in a fresh JVM, %d coefficients%n", java.util.Arrays.toString(fields), seconds, coefficients);
    }
}
