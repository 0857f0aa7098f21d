package org.equivariant4j.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.equivariant4j.data.Npy;
import org.junit.jupiter.api.Test;

/** Table layouts: rows to the tasks' input arrays and predictions to columns, and the layouts the tasks declare. */
class TableLayoutTest {

    @Test
    void perItemColumnsInterleaveIntoTheTasksInputAndPredictionsSplitIntoColumns() {
        TableLayout nbody = Tasks.byName("nbody").tableLayout(Map.of());
        // 2 rows of 2 particles: positions, velocities, charges
        double[][] cols = {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, {-1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12},
            {1, -1, 1, 1}};
        Npy.NpyArray in = nbody.toInput(2, 2, cols);
        assertArrayEquals(new int[] {2, 2, 7}, in.shape());
        assertEquals(Npy.DType.FLOAT32, in.dtype());
        assertArrayEquals(new float[] {1, 2, 3, -1, -2, -3, 1, 4, 5, 6, -4, -5, -6, -1, 7, 8, 9, -7, -8, -9, 1, 10, 11, 12,
            -10, -11, -12, 1}, in.asFloats());

        TableLayout md17 = Tasks.byName("md17").tableLayout(Map.of());
        assertEquals(Npy.DType.FLOAT64, md17.toInput(1, 1, new double[][] {{6}, {0.5, 0.25, 0.125}}).dtype());
        assertEquals(List.of(1, 6, 7, 8), md17.column("species").allowed());
        // per sample: energy, then 3 forces per atom
        double[][] out = md17.fromPredictions(Npy.NpyArray.of(new double[] {-1, 1, 2, 3, 4, 5, 6, -2, 7, 8, 9, 10, 11, 12},
                2, 7), 2, 2);
        assertArrayEquals(new double[] {-1, -2}, out[0]);
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, out[1]);

        String wrong = assertThrows(IllegalArgumentException.class, () -> nbody.toInput(2, 2,
                new double[][] {cols[0], cols[1], {1, 1, 1}})).getMessage();
        assertTrue(wrong.contains("input column charges holds 3 numbers for 2 rows of 2 items; expected 4"), wrong);
        String preds = assertThrows(IllegalArgumentException.class, () -> md17.fromPredictions(
                Npy.NpyArray.of(new double[13], 13), 2, 2)).getMessage();
        assertTrue(preds.contains("do not fill 2 rows of 7 output numbers"), preds);
    }

    @Test
    void perRowLayoutsTakeTheirSizeFromTheModelCard() {
        TableLayout digits = Tasks.byName("rotmnist").tableLayout(Map.of("height", 28, "width", 28));
        assertEquals(784, digits.column("image").width());
        assertArrayEquals(new int[] {3, 28, 28}, digits.toInput(3, 1, new double[][] {new double[3 * 784]}).shape());
        assertEquals(10, digits.column("probabilities").width());
        TableLayout voxels = Tasks.byName("voxels").tableLayout(Map.of("size", 9));
        assertArrayEquals(new int[] {1, 9, 9, 9}, voxels.toInput(1, 1, new double[][] {new double[729]}).shape());
        String noSize = assertThrows(IllegalArgumentException.class,
                () -> Tasks.byName("voxels").tableLayout(Map.of("format", "npy"))).getMessage();
        assertTrue(noSize.contains("no size 'size'"), noSize);

        TableLayout.Column a = TableLayout.Column.perRow("a", TableLayout.ElementType.FLOAT, 4, "");
        TableLayout.Column b = TableLayout.Column.perItem("b", TableLayout.ElementType.FLOAT, 1, "");
        assertThrows(IllegalArgumentException.class, () -> TableLayout.perRow(List.of(a, b), List.of(b), 5));
        assertThrows(IllegalArgumentException.class, () -> TableLayout.perRow(List.of(a), List.of(a), 2, 2));
        assertThrows(IllegalArgumentException.class, () -> TableLayout.perRow(List.of(a), List.of(b), 3));
    }
}
