package io.dxmi.core.figures;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;

/**
 * A white RGB image with a Graphics2D and text helpers. Text is optional: where the JVM has
 * no usable fonts, labels are left out instead of failing the figure (checked once).
 */
final class Canvas implements AutoCloseable {

    static {
        // Figures are drawn in servers and tests: never try to open a display.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Horizontal anchor of a text. */
    enum Align { LEFT, CENTER, RIGHT }

    static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private static volatile Boolean textWorks;

    private final BufferedImage image;
    private final Graphics2D g;

    Canvas(int width, int height) {
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
    }

    BufferedImage image() {
        return image;
    }

    Graphics2D graphics() {
        return g;
    }

    int width() {
        return image.getWidth();
    }

    int height() {
        return image.getHeight();
    }

    /** Whether text can be drawn in this JVM. */
    static boolean textAvailable() {
        Boolean ok = textWorks;
        if (ok == null) {
            try {
                BufferedImage probe = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
                Graphics2D pg = probe.createGraphics();
                pg.setFont(LABEL);
                pg.getFontMetrics().stringWidth("0");
                pg.drawString("0", 0, 7);
                pg.dispose();
                ok = true;
            } catch (RuntimeException | LinkageError | InternalError e) {
                // A JDK without fonts or fontconfig fails here; figures are still useful without labels.
                ok = false;
            }
            textWorks = ok;
        }
        return ok;
    }

    /** Draws text with its baseline at y; no-op without fonts. */
    void text(String s, double x, double y, Font font, Align align) {
        if (!textAvailable() || s == null || s.isEmpty()) {
            return;
        }
        g.setFont(font);
        FontMetrics fm = g.getFontMetrics();
        int w = fm.stringWidth(s);
        double left = switch (align) {
            case LEFT -> x;
            case CENTER -> x - w / 2.0;
            case RIGHT -> x - w;
        };
        g.drawString(s, (float) left, (float) y);
    }

    /** Text centred vertically on y (for tick labels). */
    void textMiddle(String s, double x, double y, Font font, Align align) {
        text(s, x, y + ascent(font) / 2.0 - 1, font, align);
    }

    /** Text rotated a quarter turn counter-clockwise, centred on (x, y) (for y-axis labels). */
    void verticalText(String s, double x, double y, Font font) {
        if (!textAvailable() || s == null || s.isEmpty()) {
            return;
        }
        AffineTransform saved = g.getTransform();
        g.translate(x, y);
        g.rotate(-Math.PI / 2);
        text(s, 0, 0, font, Align.CENTER);
        g.setTransform(saved);
    }

    /** Width of the text in pixels (0 without fonts). */
    int textWidth(String s, Font font) {
        return textAvailable() ? g.getFontMetrics(font).stringWidth(s) : 0;
    }

    int ascent(Font font) {
        return textAvailable() ? g.getFontMetrics(font).getAscent() : 0;
    }

    /** The figure title, centred at the top. */
    void title(String s) {
        g.setColor(Color.BLACK);
        text(s, width() / 2.0, 24, TITLE, Align.CENTER);
    }

    @Override
    public void close() {
        g.dispose();
    }
}
