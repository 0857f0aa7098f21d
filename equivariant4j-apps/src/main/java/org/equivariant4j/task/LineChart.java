package org.equivariant4j.task;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.equivariant4j.data.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A line chart written as PNG (XChart): learning curves, accuracy against rotation angle, and the like.
 * Build it with named series, then {@link #writePng}.
 */
public final class LineChart {
    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final boolean logY;
    private final Map<String, double[][]> series = new LinkedHashMap<>();

    /**
     * @param title  chart title
     * @param xLabel x axis label
     * @param yLabel y axis label
     * @param logY   logarithmic y axis (all y values must then be positive)
     */
    public LineChart(String title, String xLabel, String yLabel, boolean logY) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.logY = logY;
    }

    /** Adds a series of points (x[i], y[i]); the arrays must have equal, non-zero length. */
    public LineChart add(String name, double[] x, double[] y) {
        if (x.length != y.length || x.length == 0) {
            throw new IllegalArgumentException("series '" + name + "' needs equal, non-zero numbers of x and y values, got "
                    + x.length + " and " + y.length);
        }
        if (series.containsKey(name)) {
            throw new IllegalArgumentException("the chart already has a series named '" + name + "'");
        }
        for (double v : y) {
            if (logY && !(v > 0)) {
                throw new IllegalArgumentException("series '" + name + "' has a non-positive value " + v + " on a log axis");
            }
        }
        series.put(name, new double[][] {x.clone(), y.clone()});
        return this;
    }

    private double yMin() {
        return series.values().stream().flatMapToDouble(xy -> java.util.Arrays.stream(xy[1])).min().orElse(1);
    }

    private double yMax() {
        return series.values().stream().flatMapToDouble(xy -> java.util.Arrays.stream(xy[1])).max().orElse(1);
    }

    /** Renders the chart (900×540) to a PNG file, atomically ({@link AtomicFiles}), creating parent folders. */
    public void writePng(Path path) {
        if (series.isEmpty()) {
            throw new IllegalStateException("chart '" + title + "' has no series to draw");
        }
        XYChart chart = new XYChartBuilder().width(900).height(540).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisLogarithmic(logY);
        if (logY) {
            // over more than a decade and a half, label the decades only (1E-4, 1E-3, ...): labels at every 1..9 × 10^k
            // overlap and small values would print as 0
            boolean wide = yMax() / yMin() > 30;
            chart.getStyler().setYAxisLogarithmicDecadeOnly(wide);
            chart.getStyler().setYAxisDecimalPattern(wide ? "0E0" : "0.####");
        }
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            XYSeries s = chart.addSeries(e.getKey(), e.getValue()[0], e.getValue()[1]);
            s.setMarker(e.getValue()[0].length > 40 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        }
        byte[] png;
        try {
            png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render the chart '" + title + "': " + AtomicFiles.reason(e), e);
        }
        AtomicFiles.write(path, png);
    }
}
