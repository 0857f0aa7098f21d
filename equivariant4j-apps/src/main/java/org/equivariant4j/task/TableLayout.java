package org.equivariant4j.task;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.equivariant4j.data.Npy;

/**
 * A task's inputs and predictions as table rows (Parquet files, Spark DataFrames): one row per sample, one column per
 * quantity. A column holds one number (a <em>scalar</em> column) or an array of {@code width · m} numbers, where m is
 * the row's item count (particles, atoms) for a <em>per-item</em> column and 1 for a <em>per-row</em> column. All
 * per-item columns of a row share its item count.
 *
 * <p>The layout fixes how rows become the task's input array and how its predictions become columns:
 * <ul>
 *   <li>per-item inputs: sample s is the (m, Σ widths) matrix whose row i is item i of every input column in order
 *       (the N-body states (S, n, 7) = positions (3) · velocities (3) · charge (1) per particle);</li>
 *   <li>per-row inputs: sample s is the concatenation of the input columns, shaped as {@link #sampleShape}
 *       (an image (S, H, W));</li>
 *   <li>outputs: the prediction of sample s, flattened, is the concatenation of the output columns in order (an energy
 *       then 3m forces; ten class probabilities).</li>
 * </ul>
 *
 * @param inputs      the columns the model reads, all per-item or all per-row
 * @param outputs     the columns the predictions fill
 * @param minItems    the least item count a row may have (1 for per-row layouts)
 * @param sampleShape the shape of one sample in the task's input array for per-row layouts (e.g. H, W); empty for
 *                    per-item layouts
 */
public record TableLayout(List<Column> inputs, List<Column> outputs, int minItems, int[] sampleShape)
        implements java.io.Serializable {

    /** The numbers a column holds. */
    public enum ElementType {
        /** 64-bit floating point. */
        DOUBLE,
        /** 32-bit floating point (float32 predictions stay exact). */
        FLOAT,
        /** 32-bit integers (species, labels). */
        INT
    }

    /**
     * One column.
     *
     * @param name        the column's name, snake_case
     * @param type        its numbers
     * @param scalar      one number per row (width 1, not per item) instead of an array
     * @param perItem     the array holds {@code width} numbers per item
     * @param width       numbers per item (per-item) or per row (per-row)
     * @param allowed     for INT input columns, the values it may hold (empty: any)
     * @param description one line for people (units, order)
     */
    public record Column(String name, ElementType type, boolean scalar, boolean perItem, int width, List<Integer> allowed,
            String description) implements java.io.Serializable {
        public Column {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            if (width < 1 || scalar && (perItem || width != 1)) {
                throw new IllegalArgumentException("column " + name + ": a scalar column has width 1 and is not per item,"
                        + " other columns a width >= 1; got scalar=" + scalar + ", perItem=" + perItem + ", width=" + width);
            }
            allowed = List.copyOf(allowed);
        }

        /** An array column of {@code width} numbers per item. */
        public static Column perItem(String name, ElementType type, int width, String description) {
            return new Column(name, type, false, true, width, List.of(), description);
        }

        /** An array column of {@code width} numbers per row. */
        public static Column perRow(String name, ElementType type, int width, String description) {
            return new Column(name, type, false, false, width, List.of(), description);
        }

        /** A column of one number per row. */
        public static Column scalar(String name, ElementType type, String description) {
            return new Column(name, type, true, false, 1, List.of(), description);
        }

        /** This column, restricted to the given integer values. */
        public Column allowing(int... values) {
            return new Column(name, type, scalar, perItem, width, Arrays.stream(values).boxed().toList(), description);
        }

        /** Numbers in a row with {@code items} items. */
        public int length(int items) {
            return perItem ? width * items : width;
        }
    }

    public TableLayout {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        sampleShape = sampleShape.clone();
        if (inputs.isEmpty() || outputs.isEmpty()) {
            throw new IllegalArgumentException("a table layout needs input and output columns");
        }
        boolean perItem = inputs.get(0).perItem();
        for (Column c : inputs) {
            if (c.perItem() != perItem || c.scalar()) {
                throw new IllegalArgumentException("input columns must be all per-item or all per-row arrays, got " + inputs);
            }
        }
        if (perItem ? sampleShape.length != 0 || minItems < 1
                : minItems != 1 || Arrays.stream(sampleShape).reduce(1, (a, b) -> a * b) != inputWidth(inputs)) {
            throw new IllegalArgumentException("sample shape " + Arrays.toString(sampleShape) + " and least item count "
                    + minItems + " do not fit the input columns " + inputs);
        }
        List<String> names = new ArrayList<>();
        for (Column c : inputs) {
            names.add(c.name());
        }
        for (Column c : outputs) {
            if (names.contains(c.name())) {
                throw new IllegalArgumentException("column name " + c.name() + " appears twice");
            }
            names.add(c.name());
        }
    }

    /** A layout whose input columns hold numbers per item (particles, atoms). */
    public static TableLayout perItem(List<Column> inputs, List<Column> outputs, int minItems) {
        return new TableLayout(inputs, outputs, minItems, new int[0]);
    }

    /** A layout whose input columns hold one sample per row, shaped {@code sampleShape} in the task's input array. */
    public static TableLayout perRow(List<Column> inputs, List<Column> outputs, int... sampleShape) {
        return new TableLayout(inputs, outputs, 1, sampleShape);
    }

    @Override
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    /** Whether the input columns hold numbers per item. */
    public boolean isPerItem() {
        return inputs.get(0).perItem();
    }

    /** The column of that name among the inputs and outputs. */
    public Column column(String name) {
        for (List<Column> l : List.of(inputs, outputs)) {
            for (Column c : l) {
                if (c.name().equals(name)) {
                    return c;
                }
            }
        }
        throw new IllegalArgumentException("no column '" + name + "' in " + this);
    }

    /**
     * The task's input array for {@code rows} rows of {@code items} items each, {@code columns[c]} holding the rows'
     * values of input column c one row after another (float32 when every input column is FLOAT, float64 otherwise).
     */
    public Npy.NpyArray toInput(int rows, int items, double[][] columns) {
        if (columns.length != inputs.size()) {
            throw new IllegalArgumentException("expected " + inputs.size() + " input columns, got " + columns.length);
        }
        int m = isPerItem() ? items : 1;
        for (int c = 0; c < columns.length; c++) {
            long expected = (long) rows * inputs.get(c).length(m);
            if (columns[c].length != expected) {
                throw new IllegalArgumentException("input column " + inputs.get(c).name() + " holds " + columns[c].length
                        + " numbers for " + rows + " rows of " + m + " items; expected " + expected);
            }
        }
        int width = inputWidth(inputs);
        double[] out = new double[rows * m * width];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < m; i++) {
                int at = (r * m + i) * width;
                for (int c = 0; c < columns.length; c++) {
                    int w = inputs.get(c).width();
                    System.arraycopy(columns[c], (r * m + i) * w, out, at, w);
                    at += w;
                }
            }
        }
        int[] shape = isPerItem() ? new int[] {rows, items, width} : prepend(rows, sampleShape);
        boolean floats = inputs.stream().allMatch(c -> c.type() == ElementType.FLOAT);
        if (!floats) {
            return Npy.NpyArray.of(out, shape);
        }
        float[] f = new float[out.length];
        for (int k = 0; k < f.length; k++) {
            f[k] = (float) out[k];
        }
        return Npy.NpyArray.of(f, shape);
    }

    /**
     * The output columns' values for every row, one row after another: {@code result[c]} for output column c, from
     * predictions of {@code rows} samples of {@code items} items each.
     */
    public double[][] fromPredictions(Npy.NpyArray predictions, int rows, int items) {
        int m = isPerItem() ? items : 1;
        int perRow = 0;
        for (Column c : outputs) {
            perRow += c.length(m);
        }
        if (predictions.size() != (long) rows * perRow) {
            throw new IllegalArgumentException("predictions of shape " + Npy.shapeString(predictions.shape()) + " do not"
                    + " fill " + rows + " rows of " + perRow + " output numbers");
        }
        double[] p = predictions.asDoubles();
        double[][] out = new double[outputs.size()][];
        for (int c = 0; c < outputs.size(); c++) {
            out[c] = new double[rows * outputs.get(c).length(m)];
        }
        for (int r = 0; r < rows; r++) {
            int at = r * perRow;
            for (int c = 0; c < outputs.size(); c++) {
                int len = outputs.get(c).length(m);
                System.arraycopy(p, at, out[c], r * len, len);
                at += len;
            }
        }
        return out;
    }

    /**
     * A positive whole number the model card's input record holds (e.g. the image size a layout depends on).
     *
     * @throws IllegalArgumentException naming the key when the card lacks it
     */
    public static int cardSize(java.util.Map<String, Object> cardInput, String key) {
        if (!(cardInput.get(key) instanceof Number n) || n.intValue() < 1) {
            throw new IllegalArgumentException("the model card's input record has no size '" + key + "' (got "
                    + cardInput.get(key) + "); a table layout needs it");
        }
        return n.intValue();
    }

    private static int inputWidth(List<Column> inputs) {
        int w = 0;
        for (Column c : inputs) {
            w += c.width();
        }
        return w;
    }

    private static int[] prepend(int first, int[] rest) {
        int[] s = new int[rest.length + 1];
        s[0] = first;
        System.arraycopy(rest, 0, s, 1, rest.length);
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableLayout t && inputs.equals(t.inputs) && outputs.equals(t.outputs) && minItems == t.minItems
                && Arrays.equals(sampleShape, t.sampleShape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(inputs, outputs, minItems, Arrays.hashCode(sampleShape));
    }

    @Override
    public String toString() {
        return "TableLayout[inputs=" + inputs.stream().map(Column::name).toList() + ", outputs="
                + outputs.stream().map(Column::name).toList() + "]";
    }
}
