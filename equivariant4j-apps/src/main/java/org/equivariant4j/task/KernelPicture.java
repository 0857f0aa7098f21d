package org.equivariant4j.task;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.equivariant4j.data.AtomicFiles;

/**
 * A grid of kernel pictures as PNG: each panel is one kernel, an o×i matrix of k×k images (output channel down, input
 * channel across), drawn with a diverging colour map (blue negative, white zero, red positive) scaled to the panel's
 * largest magnitude, with a caption above it.
 */
public final class KernelPicture {
    private KernelPicture() {}

    /**
     * One panel.
     *
     * @param caption    text above the panel
     * @param values     row-major [o][i][k][k]
     * @param outSize    o
     * @param inSize     i
     * @param kernelSize k
     */
    public record Panel(String caption, double[] values, int outSize, int inSize, int kernelSize) {
        public Panel {
            if (values.length != outSize * inSize * kernelSize * kernelSize) {
                throw new IllegalArgumentException("panel '" + caption + "' needs " + outSize * inSize * kernelSize * kernelSize
                        + " values, got " + values.length);
            }
        }
    }

    /** Writes the panels in a near-square grid (atomically: temporary file, then move). */
    public static void writePng(Path path, String title, List<Panel> panels) throws IOException {
        if (panels.isEmpty()) {
            throw new IllegalArgumentException("no kernels to draw");
        }
        int maxTiles = 1;
        int k = panels.get(0).kernelSize();
        for (Panel p : panels) {
            maxTiles = Math.max(maxTiles, Math.max(p.outSize(), p.inSize()));
            k = Math.max(k, p.kernelSize());
        }
        int scale = Math.max(2, Math.min(8, 240 / (maxTiles * k)));
        int tile = k * scale + 1;
        int panelW = 0;
        int panelH = 0;
        for (Panel p : panels) {
            panelW = Math.max(panelW, p.inSize() * tile);
            panelH = Math.max(panelH, p.outSize() * tile);
        }
        Font captionFont = new Font(Font.SANS_SERIF, Font.PLAIN, 10);
        java.awt.FontMetrics metrics = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics()
                .getFontMetrics(captionFont);
        for (Panel p : panels) {
            panelW = Math.max(panelW, metrics.stringWidth(p.caption()));
        }
        int caption = 14;
        int gap = 10;
        int cols = Math.max(1, (int) Math.ceil(Math.sqrt(panels.size() * (double) panelH / panelW)));
        cols = Math.min(cols, panels.size());
        int rows = (panels.size() + cols - 1) / cols;
        java.awt.FontMetrics titleMetrics = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics()
                .getFontMetrics(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        int width = Math.max(cols * (panelW + gap) + gap, titleMetrics.stringWidth(title) + 2 * gap);
        int height = 24 + rows * (panelH + caption + gap) + gap;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(title, gap, 17);
        g.setFont(captionFont);
        for (int n = 0; n < panels.size(); n++) {
            Panel p = panels.get(n);
            int x0 = gap + (n % cols) * (panelW + gap);
            int y0 = 24 + (n / cols) * (panelH + caption + gap);
            g.setColor(Color.BLACK);
            g.drawString(p.caption(), x0, y0 + 10);
            double max = 0;
            for (double v : p.values()) {
                max = Math.max(max, Math.abs(v));
            }
            int kk = p.kernelSize();
            for (int o = 0; o < p.outSize(); o++) {
                for (int i = 0; i < p.inSize(); i++) {
                    for (int a = 0; a < kk; a++) {
                        for (int b = 0; b < kk; b++) {
                            double v = p.values()[((o * p.inSize() + i) * kk + a) * kk + b];
                            g.setColor(colour(max == 0 ? 0 : v / max));
                            g.fillRect(x0 + i * tile + b * scale, y0 + caption + o * tile + a * scale, scale, scale);
                        }
                    }
                }
            }
        }
        g.dispose();
        AtomicFiles.write(path, tmp -> {
            if (!ImageIO.write(img, "png", tmp.toFile())) {
                throw new IOException("no PNG writer available");
            }
        });
    }

    /** t in [−1, 1] → blue (−1), white (0), red (+1). */
    static Color colour(double t) {
        double s = Math.max(-1, Math.min(1, t));
        int fade = (int) Math.round(255 * (1 - Math.abs(s)));
        return s >= 0 ? new Color(255, fade, fade) : new Color(fade, fade, 255);
    }
}
