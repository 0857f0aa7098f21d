package org.equivariant4j.task;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A console progress bar (me.tongfei:progressbar) for long loops such as training epochs, with an extra message
 * (the current losses). Close it when done; quiet mode draws nothing (for tests).
 */
public final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** A bar over {@code total} steps drawn on {@code stream} (usually System.err), or none when {@code quiet}. */
    public static Progress start(String task, long total, PrintStream stream, boolean quiet) {
        if (quiet) {
            return new Progress(null);
        }
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                // on a terminal, its width; redirected to a file, wide enough that the losses are not cut off
                .setConsumer(new ConsoleProgressBarConsumer(stream, System.console() != null ? -1 : 200))
                .build();
        return new Progress(bar);
    }

    /** One step done, showing {@code message} after the bar. */
    public void step(String message) {
        if (bar != null) {
            bar.setExtraMessage(message);
            bar.step();
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
