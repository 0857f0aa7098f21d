package org.equivariant4j.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.equivariant4j.task.TableLayout;

/**
 * Checks a table against a model's {@link TableLayout} before any scoring: the schema on the driver (each input column
 * present as an array of numbers, no output column already there), then the contents in one pass (no null arrays,
 * finite numbers, array lengths that fit one item count per row, allowed values). A problem is an
 * {@link IllegalArgumentException} naming the column, what was expected and what came. A null element inside an array
 * (rare in files; finding it here would need Spark's interpreted lambda functions, which doubled this pass) is refused
 * by the scorer when it reaches it, which fails the job and leaves no output.
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

    /**
     * The contents check: one Spark job over the input columns.
     *
     * @return the number of rows
     * @throws IllegalArgumentException with the number of bad rows and the first problem found
     */
    static long contents(Dataset<Row> table, TableLayout layout, String model) {
        Column problem = functions.expr(problemExpression(table.schema(), layout));
        Row r = table.select(problem.as("problem"), functions.input_file_name().as("file"))
                .agg(functions.count(functions.lit(1)), functions.count("problem"),
                        functions.first("problem", true), functions.first(
                                functions.when(functions.col("problem").isNotNull(), functions.col("file")), true))
                .first();
        long rows = r.getLong(0);
        long bad = r.getLong(1);
        if (bad > 0) {
            String file = r.isNullAt(3) || r.getString(3).isEmpty() ? "" : " (e.g. in " + r.getString(3) + ")";
            throw new IllegalArgumentException(bad + " of " + rows + " rows cannot go to " + model + file + ": "
                    + r.getString(2));
        }
        return rows;
    }

    /** A SQL expression giving, per row, the first problem as text, or null. */
    static String problemExpression(StructType schema, TableLayout layout) {
        List<String[]> cases = new ArrayList<>(); // {condition, message expression}
        for (TableLayout.Column c : layout.inputs()) {
            String col = quote(c.name());
            // array functions Spark compiles (no lambdas: higher-order functions are interpreted element by element)
            cases.add(new String[] {col + " IS NULL", text(c.name() + " is null")});
            DataType element = ((ArrayType) schema.apply(c.name()).dataType()).elementType();
            if (element.equals(DataTypes.DoubleType) || element.equals(DataTypes.FloatType)) {
                // Spark SQL orders NaN above +infinity, so one maximum and one minimum find NaN and both infinities
                cases.add(new String[] {"NOT (array_max(" + col + ") < double('inf') AND array_min(" + col
                    + ") > double('-inf'))", text(c.name() + " holds NaN or an infinity")});
            }
            if (!c.allowed().isEmpty()) {
                String set = c.allowed().stream().map(String::valueOf).collect(Collectors.joining(", "));
                cases.add(new String[] {"size(array_except(" + col + ", array(" + set + "))) > 0",
                    text(c.name() + " holds a value outside {" + set + "}")});
            }
        }
        TableLayout.Column first = layout.inputs().get(0);
        String firstSize = "size(" + quote(first.name()) + ")";
        if (layout.isPerItem()) {
            String items = "(" + firstSize + " div " + first.width() + ")";
            if (first.width() > 1) {
                cases.add(new String[] {firstSize + " % " + first.width() + " != 0",
                    "concat(" + text(first.name() + " holds ") + ", " + firstSize + ", " + text(" numbers, not "
                        + first.width() + " per item") + ")"});
            }
            cases.add(new String[] {items + " < " + layout.minItems(),
                "concat(" + text(first.name() + " holds ") + ", " + items + ", " + text(" items, expected at least "
                    + layout.minItems()) + ")"});
            for (TableLayout.Column c : layout.inputs().subList(1, layout.inputs().size())) {
                String size = "size(" + quote(c.name()) + ")";
                cases.add(new String[] {size + " != " + c.width() + " * " + items,
                    "concat(" + text(c.name() + " holds ") + ", " + size + ", " + text(" numbers but " + first.name()
                        + " has ") + ", " + items + ", " + text(" items (expected " + c.width() + " per item)") + ")"});
            }
        } else {
            for (TableLayout.Column c : layout.inputs()) {
                String size = "size(" + quote(c.name()) + ")";
                cases.add(new String[] {size + " != " + c.width(),
                    "concat(" + text(c.name() + " holds ") + ", " + size + ", " + text(" numbers, expected " + c.width()
                        + " (" + c.description() + ")") + ")"});
            }
        }
        StringBuilder sql = new StringBuilder("CASE");
        for (String[] k : cases) {
            sql.append(" WHEN ").append(k[0]).append(" THEN ").append(k[1]);
        }
        return sql.append(" ELSE NULL END").toString();
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

    private static String text(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
