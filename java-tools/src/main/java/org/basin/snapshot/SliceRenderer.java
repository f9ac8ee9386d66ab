package org.basin.snapshot;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.basin.volume.Block;
import org.basin.volume.DType;

/**
 * Draws one z slice of raw, affinity and segmentation blocks side by side: raw in grey (scaled to its min..max),
 * affinities as RGB (x, y, z channels to red, green, blue), segments in distinct colours (0 black).
 */
public final class SliceRenderer {
    private SliceRenderer() {
    }

    /** Each block holds exactly one z plane; null blocks are skipped. {@code scale} enlarges small slices. */
    public static BufferedImage render(Block raw, Block affinities, Block segmentation, int scale) {
        List<BufferedImage> panels = new ArrayList<>();
        if (raw != null) {
            panels.add(grey(raw));
        }
        if (affinities != null) {
            panels.add(affinity(affinities));
        }
        if (segmentation != null) {
            panels.add(segments(segmentation));
        }
        if (panels.isEmpty()) {
            throw new IllegalArgumentException("nothing to draw");
        }
        int gap = 4;
        int w = panels.stream().mapToInt(BufferedImage::getWidth).sum() * scale + gap * (panels.size() - 1);
        int h = panels.stream().mapToInt(BufferedImage::getHeight).max().orElse(1) * scale;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        int x = 0;
        for (BufferedImage p : panels) {
            g.drawImage(p, x, 0, p.getWidth() * scale, p.getHeight() * scale, null);
            x += p.getWidth() * scale + gap;
        }
        g.dispose();
        return out;
    }

    private static BufferedImage grey(Block b) {
        return image(greyPixels(b, b.shape()[1], b.shape()[2]), b.shape()[1], b.shape()[2]);
    }

    private static BufferedImage affinity(Block b) {
        return image(affinityPixels(b, b.shape()[1], b.shape()[2]), b.shape()[1], b.shape()[2]);
    }

    private static BufferedImage segments(Block b) {
        return image(segmentPixels(b), b.shape()[1], b.shape()[2]);
    }

    private static BufferedImage image(int[] rgb, int h, int w) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, w, h, rgb, 0, w);
        return img;
    }

    /**
     * One plane (1, sh, sw) in grey, scaled to its min..max, as h x w RGB pixels (nearest plane pixel: the report
     * draws every panel on the segmentation's grid).
     */
    public static int[] greyPixels(Block b, int h, int w) {
        int[] s = b.shape();
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        for (int i = 0; i < b.length(); i++) {
            double v = b.getDouble(i);
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        double range = hi > lo ? hi - lo : 1;
        int[] out = new int[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = (int) Math.round(255 * (b.getDouble(resampled(s, h, w, y, x)) - lo) / range);
                out[y * w + x] = (v << 16) | (v << 8) | v;
            }
        }
        return out;
    }

    /** Affinities (c, 1, sh, sw) as RGB, h x w pixels: channel c joins v and v - e_c, e_0 = z: z blue, y green, x red. */
    public static int[] affinityPixels(Block b, int h, int w) {
        int[] s = b.shape();
        int plane = s[1] * s[2];
        double unit = b.dtype() == DType.UINT8 ? 255.0 : 1.0;
        int[] out = new int[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = resampled(s, h, w, y, x);
                int[] rgb = new int[3];
                for (int c = 0; c < Math.min(3, b.channels()); c++) {
                    rgb[2 - c] = (int) Math.max(0, Math.min(255, Math.round(255 * b.getDouble(c * plane + i) / unit)));
                }
                out[y * w + x] = (rgb[0] << 16) | (rgb[1] << 8) | rgb[2];
            }
        }
        return out;
    }

    /** Each segment id's {@link #colour}, pixel for pixel. */
    public static int[] segmentPixels(Block b) {
        int[] out = new int[b.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = colour(b.getLong(i));
        }
        return out;
    }

    /** The index in a plane of shape {@code s} (1, sh, sw) of pixel (y, x) of an h x w grid. */
    private static int resampled(int[] s, int h, int w, int y, int x) {
        int sy = (int) ((long) y * s[1] / h);
        int sx = (int) ((long) x * s[2] / w);
        return sy * s[2] + sx;
    }

    /** A bright, stable colour per id; 0 is black. */
    public static int colour(long id) {
        if (id == 0) {
            return 0;
        }
        long h = id * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        float hue = (h & 0xffff) / 65536f;
        float sat = 0.55f + 0.45f * ((h >>> 16) & 0xff) / 255f;
        float val = 0.7f + 0.3f * ((h >>> 24) & 0xff) / 255f;
        return Color.HSBtoRGB(hue, sat, val) & 0xffffff;
    }
}
