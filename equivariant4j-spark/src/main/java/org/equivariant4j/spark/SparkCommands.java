package org.equivariant4j.spark;

import java.util.List;
import org.equivariant4j.cli.SubcommandProvider;

/** The Spark jobs of the {@code equivariant4j} command line: {@code spark-predict} and {@code spark-nbody-data}. */
public final class SparkCommands implements SubcommandProvider {
    @Override
    public List<Object> subcommands() {
        return List.of(new SparkPredictCommand(), new SparkNBodyCommand());
    }
}
