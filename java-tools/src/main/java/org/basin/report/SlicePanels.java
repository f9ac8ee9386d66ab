package org.basin.report;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.basin.snapshot.SliceRenderer;
import org.basin.volume.Block;

/**
 * One z slice as raw | affinities (RGB: x, y, z channels to red, green, blue) | segmentation (each id in
 * {@link SliceRenderer#colour}, 0 black, boundaries between ids black), each panel with a scale bar. Panels are the
 * segmentation slice's pixels (the others resampled to it, nearest neighbour) enlarged by a whole factor to at
 * least {@value #MIN_PANEL} px on the long side, with {@value #GAP} px white gaps.
 */
public final class SlicePanels {
    public static final int MIN_PANEL = 256;
    public static final int GAP = 4;
    static final int BOUNDARY = 0x000000;
    static final int BAR = 0xffffff;
    static final int OUTLINE = 0x000000;

    private SlicePanels() {
    }

    /** A scale bar: {@code nm} long, drawn {@code pixels} long, labelled {@code label}. */
    public record ScaleBar(double nm, int pixels, String label) {
    }

    /** The picture and what it shows. */
    public record Picture(BufferedImage image, int panelWidth, int panelHeight, int scale, ScaleBar bar) {
    }

    /** The whole factor that makes a panel of the long side {@code longSide} at least {@value #MIN_PANEL} px (1 at most 8). */
    public static int scaleFor(int longSide) {
        return Math.max(1, Math.min(8, (int) Math.ceil((double) MIN_PANEL / Math.max(1, longSide))));
    }

    /**
     * A round length (1, 2 or 5 times a power of ten nm) near a fifth of a panel {@code panelPixels} wide whose
     * pixels are {@code nmPerPixel} nm (after enlarging), at least 8 px long.
     */
    public static ScaleBar scaleBar(double nmPerPixel, int panelPixels) {
        double target = panelPixels * nmPerPixel / 5;
        double nm = 1;
        for (double decade = 1e-3; decade < 1e12; decade *= 10) {
            for (int m : new int[] {1, 2, 5}) {
                if (m * decade <= target) {
                    nm = m * decade;
                }
            }
        }
        int pixels = (int) Math.round(nm / nmPerPixel);
        return new ScaleBar(nm, Math.max(1, pixels), label(nm));
    }

    static String label(double nm) {
        if (nm >= 1000) {
            return trim(nm / 1000) + " µm";
        }
        return trim(nm) + " nm";
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v).replaceFirst("0+$", "");
    }

    /**
     * Draws the panels of the slices given (null ones are left out; {@code seg} sets the grid when present).
     * {@code nmPerVoxel} is the x size of a slice pixel in nm.
     */
    public static Picture render(Block raw, Block affinities, Block seg, double nmPerVoxel) {
        Block grid = seg != null ? seg : raw != null ? raw : affinities;
        if (grid == null) {
            throw new IllegalArgumentException("nothing to draw");
        }
        int h = grid.shape()[1];
        int w = grid.shape()[2];
        int scale = scaleFor(Math.max(h, w));
        List<int[]> panels = new ArrayList<>();
        if (raw != null) {
            panels.add(SliceRenderer.greyPixels(raw, h, w));
        }
        if (affinities != null) {
            panels.add(SliceRenderer.affinityPixels(affinities, h, w));
        }
        if (seg != null) {
            panels.add(SliceRenderer.segmentPixels(seg));
        }
        int pw = w * scale;
        int ph = h * scale;
        BufferedImage img = new BufferedImage(panels.size() * pw + (panels.size() - 1) * GAP, ph, BufferedImage.TYPE_INT_RGB);
        TinyFont.fill(img, 0, 0, img.getWidth(), img.getHeight(), 0xffffff);
        ScaleBar bar = scaleBar(nmPerVoxel / scale, pw);
        for (int p = 0; p < panels.size(); p++) {
            int[] rgb = panels.get(p);
            boolean labels = seg != null && p == panels.size() - 1;
            int x0 = p * (pw + GAP);
            for (int y = 0; y < ph; y++) {
                for (int x = 0; x < pw; x++) {
                    int vx = x / scale;
                    int vy = y / scale;
                    int c = rgb[vy * w + vx];
                    if (labels && boundary(seg, w, h, vx, vy, x % scale == scale - 1, y % scale == scale - 1)) {
                        c = BOUNDARY;
                    }
                    img.setRGB(x0 + x, y, c);
                }
            }
            drawBar(img, x0, pw, ph, bar);
        }
        return new Picture(img, pw, ph, scale, bar);
    }

    /** Whether the pixel at the right / lower edge of voxel (vx, vy) lies on a change of id towards +x / +y. */
    private static boolean boundary(Block seg, int w, int h, int vx, int vy, boolean rightEdge, boolean lowerEdge) {
        long id = seg.getLong(vy * w + vx);
        return rightEdge && vx + 1 < w && seg.getLong(vy * w + vx + 1) != id || lowerEdge && vy + 1 < h && seg.getLong((vy + 1) * w + vx) != id;
    }

    /** The bar at the panel's lower left: white with a black outline, its label above it. */
    private static void drawBar(BufferedImage img, int x0, int pw, int ph, ScaleBar bar) {
        int size = Math.max(2, Math.min(6, pw / 256)); // font pixels: the label stays legible on large panels
        int thick = Math.max(3, ph / 80);
        int margin = Math.max(6, pw / 40);
        int bx = x0 + margin;
        int by = ph - margin - thick;
        TinyFont.fill(img, bx - 1, by - 1, bar.pixels() + 2, thick + 2, OUTLINE);
        TinyFont.fill(img, bx, by, bar.pixels(), thick, BAR);
        int ty = by - 3 - TinyFont.HEIGHT * size;
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                TinyFont.draw(img, bar.label(), bx + dx, ty + dy, size, OUTLINE);
            }
        }
        TinyFont.draw(img, bar.label(), bx, ty, size, BAR);
    }
}
