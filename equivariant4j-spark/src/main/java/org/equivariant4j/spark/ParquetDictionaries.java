package org.equivariant4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The top-level columns of a Parquet table that its files store without a dictionary in every row group: columns
 * whose values barely repeat, so that Parquet's writer gave its dictionary up (a float column of distinct states ends
 * as plain values after the writer has hashed its first megabyte of values), or whose writer never used one. Read from
 * the files' footers (no data pages) in one Spark job, a footer per file.
 */
final class ParquetDictionaries {
    private ParquetDictionaries() {}

    /** The names of the top-level columns that no file of {@code table} stores with a dictionary page. */
    static Set<String> withoutDictionary(Dataset<Row> table) {
        List<String> files = List.of(table.inputFiles());
        if (files.isEmpty()) {
            return Set.of();
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(table.sparkSession().sparkContext());
        Broadcast<SerializableConfiguration> conf = sc.broadcast(new SerializableConfiguration(sc.hadoopConfiguration()));
        int slices = Math.min(files.size(), 2 * sc.defaultParallelism());
        Columns c = sc.parallelize(files, slices).mapPartitions(new Footers(conf)).reduce(Columns::merge);
        conf.destroy();
        Set<String> without = new HashSet<>(c.all());
        without.removeAll(c.withDictionary());
        return Set.copyOf(without);
    }

    /** Top-level columns found in some files, and those of them with a dictionary page in some row group. */
    record Columns(Set<String> all, Set<String> withDictionary) implements java.io.Serializable {
        Columns merge(Columns o) {
            Set<String> a = new HashSet<>(all);
            a.addAll(o.all);
            Set<String> d = new HashSet<>(withDictionary);
            d.addAll(o.withDictionary);
            return new Columns(Set.copyOf(a), Set.copyOf(d));
        }
    }

    /** Reads the footers of a partition's files. */
    private static final class Footers implements FlatMapFunction<Iterator<String>, Columns> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<SerializableConfiguration> conf;

        Footers(Broadcast<SerializableConfiguration> conf) {
            this.conf = conf;
        }

        @Override
        public Iterator<Columns> call(Iterator<String> files) {
            Set<String> columns = new HashSet<>();
            Set<String> withDictionary = new HashSet<>();
            while (files.hasNext()) {
                String file = files.next();
                try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(file),
                        conf.value().value()))) {
                    for (BlockMetaData block : reader.getFooter().getBlocks()) {
                        for (ColumnChunkMetaData chunk : block.getColumns()) {
                            String top = chunk.getPath().toArray()[0];
                            columns.add(top);
                            if (chunk.hasDictionaryPage()) {
                                withDictionary.add(top);
                            }
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the Parquet footer of " + file, e);
                }
            }
            return List.of(new Columns(Set.copyOf(columns), Set.copyOf(withDictionary))).iterator();
        }
    }
}
