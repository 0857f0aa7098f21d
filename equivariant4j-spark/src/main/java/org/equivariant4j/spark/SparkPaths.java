package org.equivariant4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Checks of the paths a Spark job reads and writes, made before the job starts (any Hadoop file system). */
final class SparkPaths {
    private SparkPaths() {}

    /** Refuses an output path that already exists (Spark would fail only after the work). */
    static void requireNew(SparkSession spark, String option, String path) {
        if (exists(spark, option, path)) {
            throw new IllegalArgumentException(option + " " + path + " already exists; choose a new path (Spark writes a"
                    + " folder of part files there)");
        }
    }

    /** Reads a Parquet file or folder, with a clear error for a missing or unreadable one. */
    static Dataset<Row> readParquet(SparkSession spark, String option, String path) {
        if (!exists(spark, option, path)) {
            throw new IllegalArgumentException(option + " " + path + " does not exist; expected a Parquet file or folder");
        }
        try {
            return spark.read().parquet(path);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(option + " " + path + " is not readable as Parquet: " + firstLine(e), e);
        }
    }

    private static boolean exists(SparkSession spark, String option, String path) {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
        try {
            return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + option + " " + path + ": " + e.getMessage(), e);
        }
    }

    /** Deletes a path the job was writing, best effort. */
    static void deleteQuietly(SparkSession spark, String path) {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
        try {
            p.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(p, true);
        } catch (IOException | RuntimeException ignored) {
            // best effort: the failure itself is what the caller reports
        }
    }

    /**
     * A failed job as the user should see it: the first {@link IllegalArgumentException} among the causes (our own
     * refusal, raised in a task) as it is, anything else unchanged.
     */
    static RuntimeException explained(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException iae) {
                return new IllegalArgumentException(iae.getMessage(), e);
            }
        }
        return e instanceof RuntimeException r ? r : new IllegalStateException(firstLine(e), e);
    }

    static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
