package org.equivariant4j.spark;

import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;
import org.equivariant4j.data.Npy;
import org.equivariant4j.task.SavedModel;
import org.equivariant4j.task.TableLayout;

/**
 * Scores one partition in Spark's internal row format (no boxed {@code Row}s): takes its rows in batches of up to
 * {@code batchRows} rows of equal item count (whole forward batches of the task), reads the input arrays' numbers
 * straight from Spark's array data into the task's input array ({@link TableLayout#toInput}), predicts with the
 * executor's copy of the
 * model ({@link ExecutorModels}: an instance this task holds until the partition is done) and appends the output
 * columns to each row as primitive arrays, lazily (a partition is never held whole). Time spent predicting and
 * converting rows is added to two accumulators (nanoseconds).
 */
final class PartitionScorer implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
    private static final long serialVersionUID = 2L;

    private final ExecutorModels.Key model;
    private final TableLayout layout;
    private final int[] inputIndex;
    private final DataType[] inputElement;
    private final int batchRows;
    private final int threadsPerTask;
    private final LongAccumulator predictNanos;
    private final LongAccumulator convertNanos;

    /**
     * @param inputIndex   the input columns' positions in the table's rows
     * @param inputElement   their element types (numeric, as the schema check found them)
     * @param batchRows      rows per prediction batch
     * @param threadsPerTask as {@link SparkScoring.Options#threadsPerTask}
     */
    PartitionScorer(ExecutorModels.Key model, TableLayout layout, int[] inputIndex, DataType[] inputElement,
            int batchRows, int threadsPerTask, LongAccumulator predictNanos, LongAccumulator convertNanos) {
        this.model = model;
        this.layout = layout;
        this.inputIndex = inputIndex.clone();
        this.inputElement = inputElement.clone();
        this.batchRows = batchRows;
        this.threadsPerTask = threadsPerTask;
        this.predictNanos = predictNanos;
        this.convertNanos = convertNanos;
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
        return new Iterator<>() {
            private final ArrayDeque<InternalRow> ready = new ArrayDeque<>();
            private InternalRow pending;
            private SavedModel saved;

            @Override
            public boolean hasNext() {
                if (ready.isEmpty() && (pending != null || rows.hasNext())) {
                    if (saved == null) {
                        if (threadsPerTask > 0 && JniUtils.getNumThreads() != threadsPerTask) {
                            JniUtils.setNumThreads(threadsPerTask);
                        }
                        saved = ExecutorModels.borrow(model);
                        // back to the executor's idle instances when the task ends, however it ends
                        SavedModel borrowed = saved;
                        TaskContext.get().addTaskCompletionListener(
                                (TaskCompletionListener) context -> ExecutorModels.giveBack(model, borrowed));
                    }
                    scoreNextBatch();
                }
                return !ready.isEmpty();
            }

            @Override
            public InternalRow next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.removeFirst();
            }

            private void scoreNextBatch() {
                // the source reuses its row objects: keep copies
                List<InternalRow> batch = new ArrayList<>(batchRows);
                InternalRow first = pending != null ? pending : rows.next().copy();
                pending = null;
                int items = items(first);
                batch.add(first);
                while (batch.size() < batchRows && rows.hasNext()) {
                    InternalRow r = rows.next().copy();
                    if (items(r) != items) {
                        pending = r;
                        break;
                    }
                    batch.add(r);
                }
                score(saved, batch, items, ready);
            }
        };
    }

    /** The row's item count (1 for per-row layouts). */
    private int items(InternalRow r) {
        return layout.isPerItem() ? array(r, 0).numElements() / layout.inputs().get(0).width() : 1;
    }

    /** Input column c of the row. */
    private ArrayData array(InternalRow r, int c) {
        if (r.isNullAt(inputIndex[c])) {
            throw new IllegalArgumentException("column " + layout.inputs().get(c).name() + " is null in a row; expected"
                    + " an array of numbers");
        }
        return r.getArray(inputIndex[c]);
    }

    private void score(SavedModel saved, List<InternalRow> batch, int items, ArrayDeque<InternalRow> scored) {
        long t0 = System.nanoTime();
        int n = batch.size();
        double[][] columns = new double[inputIndex.length][];
        for (int c = 0; c < inputIndex.length; c++) {
            int len = layout.inputs().get(c).length(items);
            double[] values = new double[n * len];
            for (int r = 0; r < n; r++) {
                read(c, array(batch.get(r), c), len, values, r * len);
            }
            columns[c] = values;
        }
        Npy.NpyArray input = layout.toInput(n, items, columns);
        long t1 = System.nanoTime();
        Npy.NpyArray predictions = saved.predict(input);
        long t2 = System.nanoTime();
        double[][] out = layout.fromPredictions(predictions, n, items);
        List<TableLayout.Column> outputs = layout.outputs();
        for (int r = 0; r < n; r++) {
            Object[] values = new Object[outputs.size()];
            for (int c = 0; c < outputs.size(); c++) {
                values[c] = value(outputs.get(c), out[c], r, items);
            }
            scored.add(new JoinedRow(batch.get(r), new GenericInternalRow(values)));
        }
        long t3 = System.nanoTime();
        predictNanos.add(t2 - t1);
        convertNanos.add((t1 - t0) + (t3 - t2));
    }

    /** Copies the first {@code len} numbers of input column c's array {@code a} to {@code to[at...]}. */
    private void read(int c, ArrayData a, int len, double[] to, int at) {
        String nullElement = NumericArrays.nullElement(layout.inputs().get(c).name(), a, len);
        if (nullElement != null) { // the contents check refuses these; a table that changed since meets this
            throw new IllegalArgumentException(nullElement + "; expected numbers only");
        }
        NumericArrays.read(a, inputElement[c], len, to, at);
    }

    /** Row r's value of an output column, in Spark's internal form. */
    private static Object value(TableLayout.Column c, double[] column, int r, int items) {
        if (c.scalar()) {
            return switch (c.type()) {
                case DOUBLE -> column[r];
                case FLOAT -> (float) column[r];
                case INT -> (int) column[r];
            };
        }
        int len = c.length(items);
        int at = r * len;
        return switch (c.type()) {
            case DOUBLE -> UnsafeArrayData.fromPrimitiveArray(java.util.Arrays.copyOfRange(column, at, at + len));
            case FLOAT -> {
                float[] f = new float[len];
                for (int k = 0; k < len; k++) {
                    f[k] = (float) column[at + k];
                }
                yield UnsafeArrayData.fromPrimitiveArray(f);
            }
            case INT -> {
                int[] a = new int[len];
                for (int k = 0; k < len; k++) {
                    a[k] = (int) column[at + k];
                }
                yield UnsafeArrayData.fromPrimitiveArray(a);
            }
        };
    }
}
