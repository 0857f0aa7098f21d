package org.equivariant4j.kernel;

/**
 * The sample points of a kernel on a pixel or voxel grid, in the coordinates of DESIGN.md: on a k×k grid with dilation δ,
 * pixel (a, b) (row a, column b, flattened index a·k + b) sits at x = δ(b − (k−1)/2), y = δ((k−1)/2 − a).
 * On a k×k×k grid, voxel (a, b, c) (index (a·k + b)·k + c) sits at x = δ(c − (k−1)/2), y = δ((k−1)/2 − b),
 * z = δ((k−1)/2 − a).
 */
public final class KernelGrid {
    private KernelGrid() {}

    /** The k² points of a planar k×k kernel with dilation δ. */
    public static double[][] planar(int kernelSize, int dilation) {
        check(kernelSize, dilation);
        double c = (kernelSize - 1) / 2.0;
        double[][] p = new double[kernelSize * kernelSize][];
        for (int a = 0; a < kernelSize; a++) {
            for (int b = 0; b < kernelSize; b++) {
                p[a * kernelSize + b] = new double[] {dilation * (b - c), dilation * (c - a)};
            }
        }
        return p;
    }

    /** The k³ points of a k×k×k kernel with dilation δ. */
    public static double[][] volumetric(int kernelSize, int dilation) {
        check(kernelSize, dilation);
        double c = (kernelSize - 1) / 2.0;
        double[][] p = new double[kernelSize * kernelSize * kernelSize][];
        for (int a = 0; a < kernelSize; a++) {
            for (int b = 0; b < kernelSize; b++) {
                for (int e = 0; e < kernelSize; e++) {
                    p[(a * kernelSize + b) * kernelSize + e] = new double[] {dilation * (e - c), dilation * (c - b),
                        dilation * (c - a)};
                }
            }
        }
        return p;
    }

    private static void check(int kernelSize, int dilation) {
        if (kernelSize < 1 || dilation < 1) {
            throw new IllegalArgumentException("kernel size and dilation must be >= 1, got " + kernelSize + " and " + dilation);
        }
    }
}
