package org.equivariant4j.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * The {@code equivariant4j} command: one subcommand per task ({@code info}, …), {@code --help} on each, plus those
 * of modules on the class path ({@link SubcommandProvider}: the Spark jobs).
 * Errors reach the user as one line on stderr with a non-zero exit code (1 for a failed task, 2 for bad usage, 130 for
 * an interrupted training, whose checkpoint {@code --resume} continues); the line names the cause (a bad option or
 * file, a full disk, a read-only folder, memory); {@code --verbose} prints the stack trace instead.
 */
@Command(name = "equivariant4j",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Group-equivariant deep learning on the JVM (DJL, PyTorch engine).",
        subcommands = {InfoCommand.class, BasisCommand.class, NBodyCommand.class, RotMnistCommand.class, Md17Command.class,
                VoxelsCommand.class,
            PredictCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Show stack traces of errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // no subcommand: show what there is
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The configured command line (exception handlers included); tests set its out/err writers and call execute. */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new Main());
        for (SubcommandProvider p : java.util.ServiceLoader.load(SubcommandProvider.class)) {
            for (Object sub : p.subcommands()) {
                cmd.addSubcommand(sub);
            }
        }
        // set after all subcommands are added: picocli passes handlers on to the subcommands it already has
        cmd.setExecutionExceptionHandler(Main::handleExecutionException);
        cmd.setParameterExceptionHandler(Main::handleParameterException);
        return cmd;
    }

    /** Exit code of an interrupted training (as for SIGINT). */
    static final int EXIT_INTERRUPTED = 130;

    public static void main(String[] args) {
        int code;
        try {
            code = commandLine().execute(args);
        } catch (OutOfMemoryError e) {
            System.err.println("equivariant4j: error: out of memory (Java heap, at most "
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB); give the JVM more with JAVA_OPTS=-Xmx8g, or use"
                    + " smaller sizes");
            code = 1;
        }
        System.exit(code);
    }

    private static int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        Throwable cause = ex instanceof CommandLine.ExecutionException && ex.getCause() != null ? ex.getCause() : ex;
        if (cause instanceof org.equivariant4j.task.TrainingStopped) {
            // the training listener has said where the checkpoint is
            err.flush();
            return EXIT_INTERRUPTED;
        }
        if (verbose(parseResult)) {
            ex.printStackTrace(err);
        } else {
            boolean explained = cause instanceof IllegalArgumentException || cause instanceof java.io.UncheckedIOException
                    || cause instanceof java.io.IOException || cause instanceof org.equivariant4j.task.TrainingDiverged;
            err.println("equivariant4j: error: " + oneLine(ex) + (explained ? "" : " (--verbose shows the stack trace)"));
        }
        err.flush();
        return cmd.getCommandSpec().exitCodeOnExecutionException();
    }

    private static int handleParameterException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("equivariant4j: error: " + oneLine(ex) + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static boolean verbose(ParseResult parseResult) {
        for (ParseResult pr = parseResult; pr != null; pr = pr.subcommand()) {
            if (pr.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The message of an exception (or its type) on one line; a failure of the engine to allocate memory says so, with
     * what to do.
     */
    static String oneLine(Throwable ex) {
        Throwable t = ex;
        if (t instanceof CommandLine.ExecutionException && t.getCause() != null) {
            t = t.getCause();
        }
        String msg = t.getMessage();
        if (msg == null || msg.isBlank()) {
            msg = t.getClass().getSimpleName();
        }
        msg = msg.replaceAll("\\s*\\R\\s*", " ").trim();
        if (t instanceof ai.djl.engine.EngineException && (msg.contains("can't allocate memory") || msg.contains("bad_alloc")
                || msg.contains("not enough memory"))) {
            return "out of native memory in PyTorch (" + (msg.length() > 200 ? msg.substring(0, 200) + "..." : msg)
                    + "); use smaller sizes or free memory";
        }
        return msg;
    }

    /** Version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"equivariant4j " + (v == null ? "dev" : v)};
        }
    }
}
