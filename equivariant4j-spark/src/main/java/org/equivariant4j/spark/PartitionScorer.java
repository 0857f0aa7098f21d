package org.equivariant4j.spark;

import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;
import org.equivariant4j.data.Npy;
import org.equivariant4j.task.SavedModel;
import org.equivariant4j.task.TableLayout;

/**
 * Scores one partition: takes its rows in batches of up to {@link SparkScoring.Options#batchSize} rows of equal item count, turns each batch
 * into the task's input array ({@link TableLayout#toInput}), predicts with the executor's copy of the model
 * ({@link ExecutorModels}: an instance this task holds until the partition is done) and appends the output columns to each row, lazily (a partition is never held whole).
 * Time spent predicting and converting rows is added to two accumulators (nanoseconds).
 */
final class PartitionScorer implements FlatMapFunction<Iterator<Row>, Row> {
    private static final long serialVersionUID = 1L;

    private final ExecutorModels.Key model;
    private final TableLayout layout;
    private final int[] inputIndex;
    private final SparkScoring.Options options;
    private final LongAccumulator predictNanos;
    private final LongAccumulator convertNanos;

    PartitionScorer(ExecutorModels.Key model, TableLayout layout, int[] inputIndex, SparkScoring.Options options,
            LongAccumulator predictNanos, LongAccumulator convertNanos) {
        this.model = model;
        this.layout = layout;
        this.inputIndex = inputIndex.clone();
        this.options = options;
        this.predictNanos = predictNanos;
        this.convertNanos = convertNanos;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        return new Iterator<>() {
            private final ArrayDeque<Row> ready = new ArrayDeque<>();
            private Row pending;
            private SavedModel saved;

            @Override
            public boolean hasNext() {
                if (ready.isEmpty() && (pending != null || rows.hasNext())) {
                    if (saved == null) {
                        if (options.threadsPerTask() > 0 && JniUtils.getNumThreads() != options.threadsPerTask()) {
                            JniUtils.setNumThreads(options.threadsPerTask());
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
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.removeFirst();
            }

            private void scoreNextBatch() {
                List<Row> batch = new ArrayList<>(options.batchSize());
                Row first = pending != null ? pending : rows.next();
                pending = null;
                int items = items(first);
                batch.add(first);
                while (batch.size() < options.batchSize() && rows.hasNext()) {
                    Row r = rows.next();
                    if (items(r) != items) {
                        pending = r;
                        break;
                    }
                    batch.add(r);
                }
                ready.addAll(score(saved, batch, items));
            }
        };
    }

    /** The row's item count (1 for per-row layouts). */
    private int items(Row r) {
        return layout.isPerItem() ? r.getList(inputIndex[0]).size() / layout.inputs().get(0).width() : 1;
    }

    private List<Row> score(SavedModel saved, List<Row> batch, int items) {
        long t0 = System.nanoTime();
        int n = batch.size();
        double[][] columns = new double[inputIndex.length][];
        for (int c = 0; c < inputIndex.length; c++) {
            int len = layout.inputs().get(c).length(items);
            double[] values = new double[n * len];
            for (int r = 0; r < n; r++) {
                List<Object> list = batch.get(r).getList(inputIndex[c]);
                for (int k = 0; k < len; k++) {
                    if (!(list.get(k) instanceof Number x)) {
                        throw new IllegalArgumentException("column " + layout.inputs().get(c).name() + " has a null"
                                + " element (number " + k + " of " + len + " in a row); expected numbers only");
                    }
                    values[r * len + k] = x.doubleValue();
                }
            }
            columns[c] = values;
        }
        Npy.NpyArray input = layout.toInput(n, items, columns);
        long t1 = System.nanoTime();
        Npy.NpyArray predictions = saved.predict(input);
        long t2 = System.nanoTime();
        double[][] out = layout.fromPredictions(predictions, n, items);
        List<Row> scored = new ArrayList<>(n);
        List<TableLayout.Column> outputs = layout.outputs();
        for (int r = 0; r < n; r++) {
            Row row = batch.get(r);
            Object[] values = new Object[row.length() + outputs.size()];
            for (int k = 0; k < row.length(); k++) {
                values[k] = row.get(k);
            }
            for (int c = 0; c < outputs.size(); c++) {
                values[row.length() + c] = value(outputs.get(c), out[c], r, items);
            }
            scored.add(RowFactory.create(values));
        }
        long t3 = System.nanoTime();
        predictNanos.add(t2 - t1);
        convertNanos.add((t1 - t0) + (t3 - t2));
        return scored;
    }

    /** Row r's value of an output column, as Spark's external type for it. */
    private static Object value(TableLayout.Column c, double[] column, int r, int items) {
        int len = c.length(items);
        if (c.scalar()) {
            return switch (c.type()) {
                case DOUBLE -> column[r];
                case FLOAT -> (float) column[r];
                case INT -> (int) column[r];
            };
        }
        return switch (c.type()) {
            case DOUBLE -> java.util.Arrays.copyOfRange(column, r * len, (r + 1) * len);
            case FLOAT -> {
                float[] f = new float[len];
                for (int k = 0; k < len; k++) {
                    f[k] = (float) column[r * len + k];
                }
                yield f;
            }
            case INT -> {
                int[] a = new int[len];
                for (int k = 0; k < len; k++) {
                    a[k] = (int) column[r * len + k];
                }
                yield a;
            }
        };
    }
}
