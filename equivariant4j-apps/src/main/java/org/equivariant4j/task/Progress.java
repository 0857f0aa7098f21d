package org.equivariant4j.task;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A console progress bar (me.tongfei:progressbar) for long loops such as training epochs, with an extra message
 * (the current losses). On a terminal it redraws in place four times a second; redirected to a file or a pipe it
 * prints a plain line every {@value #LOG_INTERVAL_MILLIS} ms instead (no carriage returns, no escape codes). Close it
 * when done; quiet mode draws nothing (for tests).
 */
public final class Progress implements AutoCloseable {
    /** Milliseconds between lines when the stream is not a terminal. */
    static final int LOG_INTERVAL_MILLIS = 5000;

    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** A bar over {@code total} steps drawn on {@code stream} (usually System.err), or none when {@code quiet}. */
    public static Progress start(String task, long total, PrintStream stream, boolean quiet) {
        if (quiet) {
            return new Progress(null);
        }
        boolean terminal = stream == System.err ? isTerminal(2) : stream == System.out && isTerminal(1);
        ProgressBarBuilder b = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII);
        if (terminal) {
            b.setUpdateIntervalMillis(250).setConsumer(new ConsoleProgressBarConsumer(stream));
        } else {
            String[] last = {""};
            b.setUpdateIntervalMillis(LOG_INTERVAL_MILLIS).setConsumer(new DelegatingProgressBarConsumer(line -> {
                String l = line.strip();
                if (!l.equals(last[0])) { // the final state is rendered twice (last update and close)
                    stream.println(l);
                    stream.flush();
                    last[0] = l;
                }
            }, 120));
        }
        return new Progress(b.build());
    }

    /**
     * Whether file descriptor {@code fd} of this process is a terminal: on Linux, whether /proc/self/fd/fd links to a
     * tty device; elsewhere, whether the JVM has a console.
     */
    static boolean isTerminal(int fd) {
        Path link = Path.of("/proc/self/fd/" + fd);
        try {
            if (Files.isSymbolicLink(link)) {
                String target = Files.readSymbolicLink(link).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            // fall through
        }
        return System.console() != null;
    }

    /** One step done, showing {@code message} after the bar. */
    public void step(String message) {
        if (bar != null) {
            bar.setExtraMessage(message);
            bar.step();
        }
    }

    /** {@code n} steps done at once (a resumed run's earlier steps). */
    public void advance(long n) {
        if (bar != null && n > 0) {
            bar.stepBy(n);
        }
    }

    /** Shows {@code message} after the bar without a step. */
    public void message(String message) {
        if (bar != null) {
            bar.setExtraMessage(message);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
