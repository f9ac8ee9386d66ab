package org.basin.report;

import java.awt.image.BufferedImage;
import java.util.Map;

/**
 * A 5-pixel-high bitmap font for scale-bar labels (digits, '.', ' ', 'n', 'm', 'µ'): headless JVMs often have no
 * font files, and drawString would then fail or differ between machines. Each glyph is rows of '#' and '.'.
 */
final class TinyFont {
    private TinyFont() {
    }

    static final int HEIGHT = 5;

    private static final Map<Character, String[]> GLYPHS = Map.ofEntries(
            Map.entry('0', new String[] {"###", "#.#", "#.#", "#.#", "###"}),
            Map.entry('1', new String[] {".#.", "##.", ".#.", ".#.", "###"}),
            Map.entry('2', new String[] {"###", "..#", "###", "#..", "###"}),
            Map.entry('3', new String[] {"###", "..#", "###", "..#", "###"}),
            Map.entry('4', new String[] {"#.#", "#.#", "###", "..#", "..#"}),
            Map.entry('5', new String[] {"###", "#..", "###", "..#", "###"}),
            Map.entry('6', new String[] {"###", "#..", "###", "#.#", "###"}),
            Map.entry('7', new String[] {"###", "..#", "..#", "..#", "..#"}),
            Map.entry('8', new String[] {"###", "#.#", "###", "#.#", "###"}),
            Map.entry('9', new String[] {"###", "#.#", "###", "..#", "###"}),
            Map.entry('.', new String[] {".", ".", ".", ".", "#"}),
            Map.entry(' ', new String[] {"..", "..", "..", "..", ".."}),
            Map.entry('n', new String[] {"...", "...", "##.", "#.#", "#.#"}),
            Map.entry('m', new String[] {".....", ".....", "####.", "#.#.#", "#.#.#"}),
            Map.entry('µ', new String[] {"...", "#.#", "#.#", "###", "#.."}));

    /** Width in pixels of {@code text} at {@code size} pixels per font pixel. */
    static int width(String text, int size) {
        int w = 0;
        for (char c : text.toCharArray()) {
            w += (glyph(c)[0].length() + 1) * size;
        }
        return Math.max(0, w - size);
    }

    /** Draws {@code text} with its top left at (x, y); pixels outside the image are skipped. */
    static void draw(BufferedImage img, String text, int x, int y, int size, int rgb) {
        for (char c : text.toCharArray()) {
            String[] g = glyph(c);
            for (int row = 0; row < HEIGHT; row++) {
                for (int col = 0; col < g[row].length(); col++) {
                    if (g[row].charAt(col) == '#') {
                        fill(img, x + col * size, y + row * size, size, size, rgb);
                    }
                }
            }
            x += (g[0].length() + 1) * size;
        }
    }

    static void fill(BufferedImage img, int x, int y, int w, int h, int rgb) {
        for (int yy = Math.max(0, y); yy < Math.min(img.getHeight(), y + h); yy++) {
            for (int xx = Math.max(0, x); xx < Math.min(img.getWidth(), x + w); xx++) {
                img.setRGB(xx, yy, rgb);
            }
        }
    }

    private static String[] glyph(char c) {
        String[] g = GLYPHS.get(c);
        if (g == null) {
            throw new IllegalArgumentException("no glyph for '" + c + "'");
        }
        return g;
    }
}
