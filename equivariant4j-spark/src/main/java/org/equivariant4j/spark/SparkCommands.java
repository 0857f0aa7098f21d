package org.equivariant4j.spark;

import java.util.List;
import org.equivariant4j.cli.SubcommandProvider;

/** The Spark jobs of the {@code equivariant4j} command line: {@code spark-predict} and {@code spark-nbody-data}. */
public final class SparkCommands implements SubcommandProvider {
    /**
     * The Log4j 2 configuration of the command line's Spark jobs, its tests and benchmarks (warnings only), as a
     * class-path resource for {@code -Dlog4j2.configurationFile}.
     */
    public static final String QUIET_LOGGING = "org/equivariant4j/spark/log4j2-cli.properties";

    @Override
    public List<Object> subcommands() {
        return List.of(new SparkPredictCommand(), new SparkNBodyCommand());
    }
}
