package org.equivariant4j.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The Spark session of a command-line job: the given master, or the one spark-submit set, or local[*]. Closing stops
 * the session only if this job started it (a session already running in the JVM is left to its owner).
 */
record LocalSession(SparkSession spark, boolean owned) implements AutoCloseable {

    /** Quiet logging (warnings only) unless the user configured Log4j 2, then a session. */
    static LocalSession start(String appName, String master) {
        if (System.getProperty("log4j2.configurationFile") == null && System.getProperty("log4j.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", SparkCommands.QUIET_LOGGING);
        }
        boolean running = SparkSession.getDefaultSession().isDefined();
        SparkSession.Builder b = SparkSession.builder().appName(appName).config("spark.ui.showConsoleProgress", "false");
        if (master != null) {
            b.master(master);
        } else if (System.getProperty("spark.master") == null) {
            b.master("local[*]");
        }
        return new LocalSession(b.getOrCreate(), !running);
    }

    @Override
    public void close() {
        if (owned) {
            spark.stop();
        }
    }
}
