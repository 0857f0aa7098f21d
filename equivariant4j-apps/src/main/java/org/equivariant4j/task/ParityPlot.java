package org.equivariant4j.task;

import java.awt.Color;
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
 * A parity plot written as PNG: predicted against true values, one point series per model, with the diagonal y = x.
 * Series of more than {@value #MAX_POINTS} points are thinned evenly (every k-th point) to keep the file small.
 */
public final class ParityPlot {
    /** Points drawn per series at most. */
    public static final int MAX_POINTS = 4000;

    private final String title;
    private final String quantity;
    private final Map<String, double[][]> series = new LinkedHashMap<>();

    /**
     * @param title    chart title
     * @param quantity the axis quantity with its unit, e.g. "force component (kcal/mol/A)"
     */
    public ParityPlot(String title, String quantity) {
        this.title = title;
        this.quantity = quantity;
    }

    /** Adds the points (truth[i], predicted[i]). */
    public ParityPlot add(String name, double[] truth, double[] predicted) {
        if (truth.length != predicted.length || truth.length == 0) {
            throw new IllegalArgumentException("series '" + name + "' needs equal, non-zero numbers of true and predicted"
                    + " values, got " + truth.length + " and " + predicted.length);
        }
        int step = Math.max(1, (truth.length + MAX_POINTS - 1) / MAX_POINTS);
        int n = (truth.length + step - 1) / step;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = truth[i * step];
            y[i] = predicted[i * step];
        }
        series.put(name, new double[][] {x, y});
        return this;
    }

    /** Renders the plot (720×720) to a PNG file, atomically. */
    public void writePng(Path path) {
        if (series.isEmpty()) {
            throw new IllegalStateException("parity plot '" + title + "' has no series to draw");
        }
        XYChart chart = new XYChartBuilder().width(720).height(720).title(title).xAxisTitle("true " + quantity)
                .yAxisTitle("predicted " + quantity).build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setMarkerSize(3);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            chart.addSeries(e.getKey(), e.getValue()[0], e.getValue()[1]);
            for (double[] a : e.getValue()) {
                for (double v : a) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        XYSeries diagonal = chart.addSeries("y = x", new double[] {lo, hi}, new double[] {lo, hi});
        diagonal.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        diagonal.setMarker(SeriesMarkers.NONE);
        diagonal.setLineColor(Color.GRAY);
        byte[] png;
        try {
            png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render the parity plot '" + title + "': " + AtomicFiles.reason(e), e);
        }
        AtomicFiles.write(path, png);
    }
}
