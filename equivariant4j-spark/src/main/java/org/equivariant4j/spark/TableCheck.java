package org.equivariant4j.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.equivariant4j.task.TableLayout;

/**
 * Checks a table against a model's {@link TableLayout} before any scoring: the schema on the driver (each input column
 * present as an array of numbers, no output column already there), then the contents in one pass over Spark's internal
 * rows of the input columns (no null arrays or null elements, finite numbers, array lengths that fit one item count per
 * row, allowed values). A problem is an {@link IllegalArgumentException} naming the column, what was expected and what
 * came.
 */
final class TableCheck {
    private TableCheck() {}

    /** The schema check: cheap, on the driver. */
    static void schema(StructType schema, TableLayout layout, String model) {
        List<String> names = List.of(schema.fieldNames());
        for (TableLayout.Column c : layout.inputs()) {
            if (!names.contains(c.name())) {
                throw new IllegalArgumentException("the table has no column '" + c.name() + "' that " + model + " reads;"
                        + " expected " + describe(layout.inputs()) + ", got columns " + names);
            }
            DataType t = schema.apply(c.name()).dataType();
            if (!(t instanceof ArrayType a && a.elementType() instanceof NumericType)) {
                throw new IllegalArgumentException("column '" + c.name() + "' must be an array of numbers (" + c.description()
                        + "), got " + t.simpleString());
            }
        }
        for (TableLayout.Column c : layout.outputs()) {
            if (names.contains(c.name())) {
                throw new IllegalArgumentException("the table already has a column '" + c.name() + "', which the"
                        + " predictions of " + model + " would fill; rename or drop it first");
            }
        }
    }

    /** The element type of each input column's arrays, in the layout's order (a schema {@link #schema} accepted). */
    static DataType[] inputElements(org.apache.spark.sql.types.StructType schema, TableLayout layout) {
        return layout.inputs().stream().map(c -> ((ArrayType) schema.apply(c.name()).dataType()).elementType())
                .toArray(DataType[]::new);
    }

    /**
     * The contents check: one Spark job over the input columns, reading their numbers as the scorer does
     * ({@link NumericArrays}).
     *
     * @return the number of rows
     * @throws IllegalArgumentException with the number of bad rows and the first problem found
     */
    static long contents(Dataset<Row> table, TableLayout layout, String model) {
        List<Column> columns = new ArrayList<>();
        for (TableLayout.Column c : layout.inputs()) {
            columns.add(functions.col(quote(c.name())));
        }
        columns.add(functions.input_file_name());
        DataType[] elements = inputElements(table.schema(), layout);
        Tally t = SparkScoring.internalRows(table.select(columns.toArray(Column[]::new)))
                .mapPartitions(new RowProblems(layout, elements)).reduce(Tally::merge);
        if (t.bad() > 0) {
            String file = t.file() == null || t.file().isEmpty() ? "" : " (e.g. in " + t.file() + ")";
            throw new IllegalArgumentException(t.bad() + " of " + t.rows() + " rows cannot go to " + model + file + ": "
                    + t.problem());
        }
        return t.rows();
    }

    /** Rows seen, rows with a problem, the first problem and the file its row came from. */
    record Tally(long rows, long bad, String problem, String file) implements java.io.Serializable {
        Tally merge(Tally o) {
            return new Tally(rows + o.rows, bad + o.bad, problem != null ? problem : o.problem,
                    problem != null ? file : o.file);
        }
    }

    /**
     * Finds each row's first problem, in this order: per input column, a null array, a null element, NaN or an
     * infinity (floating point columns), a value outside the allowed ones; then the array lengths (a whole number of
     * items, at least the least item count, the same item count in every per-item column; the width of per-row
     * columns). Rows hold the input columns in order, then the file name.
     */
    private static final class RowProblems implements FlatMapFunction<Iterator<InternalRow>, Tally> {
        private static final long serialVersionUID = 1L;
        private final TableLayout layout;
        private final DataType[] elements;

        RowProblems(TableLayout layout, DataType[] elements) {
            this.layout = layout;
            this.elements = elements.clone();
        }

        @Override
        public Iterator<Tally> call(Iterator<InternalRow> rows) {
            long count = 0;
            long bad = 0;
            String first = null;
            String file = null;
            double[] values = new double[0];
            while (rows.hasNext()) {
                InternalRow r = rows.next();
                count++;
                String problem = null;
                for (int c = 0; c < elements.length && problem == null; c++) {
                    if (r.isNullAt(c)) {
                        problem = layout.inputs().get(c).name() + " is null";
                        break;
                    }
                    ArrayData a = r.getArray(c);
                    int len = a.numElements();
                    if (values.length < len) {
                        values = new double[Math.max(len, 2 * values.length)];
                    }
                    problem = elementProblem(c, a, len, values);
                }
                if (problem == null) {
                    problem = lengthProblem(r);
                }
                if (problem != null) {
                    bad++;
                    if (first == null) {
                        first = problem;
                        file = r.isNullAt(elements.length) ? null : r.getUTF8String(elements.length).toString();
                    }
                }
            }
            return List.of(new Tally(count, bad, first, file)).iterator();
        }

        private String elementProblem(int c, ArrayData a, int len, double[] values) {
            TableLayout.Column column = layout.inputs().get(c);
            String nullElement = NumericArrays.nullElement(column.name(), a, len);
            if (nullElement != null) {
                return nullElement;
            }
            NumericArrays.read(a, elements[c], len, values, 0);
            boolean floating = elements[c] instanceof FloatType || elements[c] instanceof DoubleType;
            for (int j = 0; j < len; j++) {
                if (floating && !Double.isFinite(values[j])) {
                    return column.name() + " holds NaN or an infinity";
                }
            }
            if (!column.allowed().isEmpty()) {
                for (int j = 0; j < len; j++) {
                    double v = values[j];
                    if (v != Math.rint(v) || !column.allowed().contains((int) v)) {
                        return column.name() + " holds a value outside {" + column.allowed().stream().map(String::valueOf)
                                .collect(Collectors.joining(", ")) + "}";
                    }
                }
            }
            return null;
        }

        private String lengthProblem(InternalRow r) {
            List<TableLayout.Column> inputs = layout.inputs();
            if (!layout.isPerItem()) {
                for (int c = 0; c < inputs.size(); c++) {
                    int size = r.getArray(c).numElements();
                    if (size != inputs.get(c).width()) {
                        return inputs.get(c).name() + " holds " + size + " numbers, expected " + inputs.get(c).width()
                                + " (" + inputs.get(c).description() + ")";
                    }
                }
                return null;
            }
            TableLayout.Column first = inputs.get(0);
            int firstSize = r.getArray(0).numElements();
            int items = firstSize / first.width();
            if (firstSize % first.width() != 0) {
                return first.name() + " holds " + firstSize + " numbers, not " + first.width() + " per item";
            }
            if (items < layout.minItems()) {
                return first.name() + " holds " + items + " items, expected at least " + layout.minItems();
            }
            for (int c = 1; c < inputs.size(); c++) {
                int size = r.getArray(c).numElements();
                if (size != inputs.get(c).width() * items) {
                    return inputs.get(c).name() + " holds " + size + " numbers but " + first.name() + " has " + items
                            + " items (expected " + inputs.get(c).width() + " per item)";
                }
            }
            return null;
        }
    }

    /** The input columns for people: name (length rule). */
    static String describe(List<TableLayout.Column> columns) {
        return columns.stream().map(c -> c.name() + " (" + (c.perItem() ? c.width() + " per item" : c.width() + " per row")
                + ": " + c.description() + ")").collect(Collectors.joining(", "));
    }

    /** The Spark type of a column's values. */
    static DataType sparkType(TableLayout.Column c) {
        DataType element = switch (c.type()) {
            case DOUBLE -> DataTypes.DoubleType;
            case FLOAT -> DataTypes.FloatType;
            case INT -> DataTypes.IntegerType;
        };
        return c.scalar() ? element : DataTypes.createArrayType(element, false);
    }

    /** The schema of the scored table: the input's columns, then the outputs. */
    static StructType scoredSchema(StructType input, TableLayout layout) {
        StructType s = input;
        for (TableLayout.Column c : layout.outputs()) {
            s = s.add(new StructField(c.name(), sparkType(c), false, org.apache.spark.sql.types.Metadata.empty()));
        }
        return s;
    }

    private static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
