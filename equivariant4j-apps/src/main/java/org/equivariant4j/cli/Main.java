package org.equivariant4j.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * The {@code equivariant4j} command: one subcommand per task ({@code info}, …), {@code --help} on each.
 * Errors reach the user as one line on stderr with a non-zero exit code (1 for a failed task, 2 for bad usage);
 * {@code --verbose} prints the stack trace instead.
 */
@Command(name = "equivariant4j",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Group-equivariant deep learning on the JVM (DJL, PyTorch engine).",
        subcommands = {InfoCommand.class, BasisCommand.class, NBodyCommand.class, RotMnistCommand.class,
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
        cmd.setExecutionExceptionHandler(Main::handleExecutionException);
        cmd.setParameterExceptionHandler(Main::handleParameterException);
        return cmd;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    private static int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        if (verbose(parseResult)) {
            ex.printStackTrace(err);
        } else {
            err.println("equivariant4j: error: " + oneLine(ex)
                    + (ex instanceof IllegalArgumentException ? "" : " (--verbose shows the stack trace)"));
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

    /** The message of an exception (or its type) on one line. */
    static String oneLine(Throwable ex) {
        Throwable t = ex;
        if (t instanceof CommandLine.ExecutionException && t.getCause() != null) {
            t = t.getCause();
        }
        String msg = t.getMessage();
        if (msg == null || msg.isBlank()) {
            msg = t.getClass().getSimpleName();
        }
        return msg.replaceAll("\\s*\\R\\s*", " ").trim();
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
