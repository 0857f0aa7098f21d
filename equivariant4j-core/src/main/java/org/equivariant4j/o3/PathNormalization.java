package org.equivariant4j.o3;

/**
 * How a tensor product divides among the paths that feed one output (e3nn's {@code path_normalization}):
 *
 * <ul>
 *   <li>{@link #ELEMENT}: by the total fan-in of all paths into that output (the default), so splitting
 *       {@code 10x0e} into {@code 3x0e+7x0e} changes nothing;</li>
 *   <li>{@link #PATH}: by each path's own fan-in times the number of paths into that output;</li>
 *   <li>{@link #NONE}: not at all.</li>
 * </ul>
 */
public enum PathNormalization {
    ELEMENT,
    PATH,
    NONE
}
