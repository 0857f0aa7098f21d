import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Writes the Parquet tables of scripts/bad-inputs.sh's spark-predict cases into the folder given: 5-body N-body states
 * as spark-predict reads them (states-ok.parquet), one row with a velocity short (states-short.parquet), one with NaN
 * (states-nan.parquet) and charges as text (states-text.parquet). Run with the command line's class path:
 * {@code java -cp "equivariant4j-spark/target/equivariant4j-spark.jar:equivariant4j-spark/target/lib/*" $SPARK_FLAGS
 * scripts/MakeBadParquet.java DIR}.
 */
public final class MakeBadParquet {
    public static void main(String[] args) {
        System.setProperty("log4j2.configurationFile", org.equivariant4j.spark.SparkCommands.QUIET_LOGGING);
        SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
        StructType schema = new StructType().add("id", DataTypes.IntegerType)
                .add("positions", DataTypes.createArrayType(DataTypes.DoubleType))
                .add("velocities", DataTypes.createArrayType(DataTypes.DoubleType))
                .add("charges", DataTypes.createArrayType(DataTypes.DoubleType));
        List<Row> rows = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            List<Double> x = new ArrayList<>();
            List<Double> v = new ArrayList<>();
            List<Double> q = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                x.add(Math.sin(k + i));
                v.add(0.1 * Math.cos(k * i));
            }
            for (int i = 0; i < 5; i++) {
                q.add(i % 2 == 0 ? 1.0 : -1.0);
            }
            rows.add(RowFactory.create(k, x, v, q));
        }
        Dataset<Row> ok = spark.createDataFrame(rows, schema);
        ok.write().parquet(args[0] + "/states-ok.parquet");
        ok.withColumn("velocities", org.apache.spark.sql.functions.expr("IF(id = 3, slice(velocities, 1, 14), velocities)"))
                .write().parquet(args[0] + "/states-short.parquet");
        ok.withColumn("positions", org.apache.spark.sql.functions.expr(
                "IF(id = 5, transform(positions, x -> double('NaN')), positions)")).write().parquet(args[0] + "/states-nan.parquet");
        ok.withColumn("charges", org.apache.spark.sql.functions.lit("+1")).write().parquet(args[0] + "/states-text.parquet");
        spark.stop();
    }
}
